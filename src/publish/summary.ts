// The job summary (GitHub's step summary, Markdown) and the same facts as plain text for the CLI.
import * as core from '@actions/core';
import { knownSecrets, redact } from '../runtime/redact.js';
import { formatBytes } from '../runtime/log.js';
import type { RunReport } from './report.js';
import { ganttBlock, textChart } from './timeline.js';

const FACT_LABELS: Record<string, string> = {
  'image-path': 'Image',
  'image-size': 'Image file size', // the compressed file, or the .img with compression none
  'image-sha256': 'SHA-256',
  'kernel-release': 'Kernel',
  'kernel-source': 'Kernel source',
  'pi-gen': 'pi-gen',
  'package-count': 'Packages',
  'boot-test': 'Boot test',
  account: 'First user',
  'artifact-url': 'Artifact',
};

/** What the boot test found inside the booted image: its checks and each test script. */
const GUEST_FACT = /^(boot-check|test): (.+)$/;

function guestFacts(r: RunReport): [string, string][] {
  return Object.entries(r.facts).flatMap(([k, v]) => {
    const m = GUEST_FACT.exec(k);
    return m ? [[m[1] === 'test' ? `test script ${m[2]!}` : m[2]!, v] as [string, string]] : [];
  });
}

/** A table cell: a pipe would end it early. */
const cell = (s: string): string => s.replace(/\|/g, '\\|');

function factValue(key: string, value: string): string {
  if (key === 'image-size') return formatBytes(Number(value));
  if (key === 'account' && value === 'locked') return 'locked (no password and no SSH key given)';
  return value;
}

/** `secrets` are taken out of phase names before the chart escapes them (escaped, they would not match). */
export function summaryMarkdown(r: RunReport, secrets: readonly string[] = []): string {
  const lines: string[] = [];
  const ok = r.outcome === 'success';
  lines.push(
    `## rpi-build: ${r.target} ${r.arch.join(',')} ${r.target === 'image' ? r.suite : ''} ${ok ? '✅ succeeded' : '❌ failed'}`.replace(
      / +/g,
      ' ',
    ),
  );
  if (!ok && r.error) {
    const failed = r.phases.timings.find((p) => !p.ok);
    lines.push(
      '',
      `**Failed${failed ? ` in phase \`${failed.name}\`` : ''}:**`,
      '',
      '```',
      r.error.split('\n').slice(-25).join('\n'),
      '```',
    );
  }
  if (r.host) {
    lines.push('', '### Host', '', '| | |', '| --- | --- |');
    lines.push(`| machine | ${r.host.machine} (kernel ${r.host.kernel}), userland ${r.host.userland} |`);
    if (r.emulation)
      lines.push(
        `| emulated | ${r.emulation.emulated.join(', ') || 'nothing'} |`,
        `| native | ${r.emulation.native.join(', ') || 'nothing'} |`,
      );
    for (const p of r.host.problems) lines.push(`| ${p.severity}: ${p.id} | ${p.diagnosis} Fix: ${p.fix} |`);
  }
  if (r.phases.timings.length) {
    lines.push('', '### Phases', '', '| phase | seconds | result |', '| --- | ---: | --- |');
    for (const p of r.phases.timings)
      lines.push(`| ${p.name} | ${p.seconds.toFixed(1)} | ${p.ok ? 'ok' : 'failed'} |`);
    lines.push('', ganttBlock(r.phases.timings, r.caches, secrets));
  }
  if (r.caches.length) {
    lines.push('', '### Caches', '', '| cache | result | key | size |', '| --- | --- | --- | ---: |');
    for (const c of r.caches)
      lines.push(`| ${c.name} | ${c.status} | \`${c.key ?? '-'}\` | ${c.size ? formatBytes(c.size) : '-'} |`);
  }
  const facts = Object.entries(r.facts).filter(([k]) => FACT_LABELS[k]);
  if (facts.length) {
    lines.push('', '### Result', '', '| | |', '| --- | --- |');
    for (const [k, v] of facts) lines.push(`| ${FACT_LABELS[k]} | ${factValue(k, v)} |`);
  }
  const guest = guestFacts(r);
  if (guest.length) {
    lines.push('', '### Inside the booted image', '', '| | |', '| --- | --- |');
    for (const [k, v] of guest) lines.push(`| ${cell(k)} | ${cell(v)} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the summary; `secrets` never reach it, even inside a command's quoted output. */
export async function writeJobSummary(r: RunReport, secrets: string[] = []): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const all = [...secrets, ...knownSecrets()];
  await core.summary.addRaw(redact(summaryMarkdown(r, all), all)).write();
}

/** The CLI's closing text: the phase table, caches and facts, then the timeline (fits 80 columns). */
export function summaryText(r: RunReport): string {
  const rows = [
    ...r.phases.timings.map(
      (p) => `  ${p.name.padEnd(12)} ${p.seconds.toFixed(1).padStart(7)} s${p.ok ? '' : '  FAILED'}`,
    ),
    ...r.caches.map((c) => `  cache ${c.name}: ${c.status}${c.key ? ` (${c.key})` : ''}`),
    ...Object.entries(r.facts)
      .filter(([k]) => FACT_LABELS[k])
      .map(([k, v]) => `  ${FACT_LABELS[k]!.padEnd(16)} ${factValue(k, v)}`),
    ...guestFacts(r).map(([k, v]) => `  ${k.padEnd(16)} ${v}`),
  ];
  const chart = textChart(r.phases.timings, r.caches);
  const text = [rows.length ? `Summary:\n${rows.join('\n')}` : '', chart].filter(Boolean).join('\n');
  return redact(text, knownSecrets());
}
