// The timeline: the job summary's Mermaid gantt block draws the phase table (read back from the
// Markdown), side by side where phases overlapped, failed and cached phases marked, odd names
// escaped and secrets still out; the CLI's text chart shows the same in 80 columns.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileScratch } from '../support/scratch.js';
import { newReport, type RunReport } from '../../src/publish/report.js';
import { summaryMarkdown, summaryText, writeJobSummary } from '../../src/publish/summary.js';
import { ganttBlock, mermaidTitle, textChart } from '../../src/publish/timeline.js';
import { rememberSecrets } from '../../src/runtime/redact.js';
import type { PhaseTiming } from '../../src/runtime/phases.js';
import { ganttAgainstTable, ganttTasks, phaseTable } from '../support/gantt.js';

const scratch = fileScratch();

/** A warm default build as the pipeline records it: finished phases in the order they ended. */
const WARM: PhaseTiming[] = [
  { name: 'host-tools', start: 0, seconds: 0.04, ok: true },
  { name: 'rootfs', start: 0.04, seconds: 9.96, ok: true },
  { name: 'customize', start: 10, seconds: 6.25, ok: true },
  { name: 'assemble', start: 16.25, seconds: 4.049, ok: true },
  // compress ended first, though both started together
  { name: 'compress', start: 20.3, seconds: 84.04, ok: true },
  { name: 'boot-test', start: 20.3, seconds: 86.3, ok: true },
];

function report(timings: PhaseTiming[], caches: RunReport['caches'] = []): RunReport {
  const r = newReport('image', ['arm64'], 'bookworm');
  r.phases.timings.push(...timings);
  r.caches.push(...caches);
  r.outcome = timings.every((t) => t.ok) ? 'success' : 'failure';
  return r;
}

describe('the job summary gantt', () => {
  it('has one bar per phase of the table, at its start, with its duration', () => {
    const md = summaryMarkdown(report(WARM));
    const { table, gantt } = ganttAgainstTable(md);
    expect(table).toHaveLength(WARM.length);
    expect(gantt).toEqual(table);
    // Placed on the run's clock to the millisecond, in the order the phases started.
    const tasks = ganttTasks(md);
    expect(tasks.map((t) => [t.name, t.start, t.end])).toEqual(
      [...WARM]
        .sort((a, b) => a.start - b.start)
        .map((p) => [p.name, Math.round(p.start * 1000) / 1000, expect.closeTo(p.start + p.seconds, 3)]),
    );
    expect(md).toMatch(/^```mermaid\ngantt\n {4}title .*\n {4}dateFormat x\n {4}axisFormat %M:%S\n/m);
  });

  it('draws phases that ran side by side overlapping, and sequential ones not', () => {
    const tasks = ganttTasks(summaryMarkdown(report(WARM)));
    const bar = (n: string) => tasks.find((t) => t.name === n)!;
    const overlap = (a: string, b: string) => bar(a).start < bar(b).end && bar(b).start < bar(a).end;
    expect(overlap('boot-test', 'compress')).toBe(true);
    expect(overlap('assemble', 'compress')).toBe(false);
    expect(overlap('rootfs', 'customize')).toBe(false);
  });

  it('marks a failed phase crit and phases served from a cache done, with words a reader sees', () => {
    const timings: PhaseTiming[] = [
      { name: 'rootfs', start: 0, seconds: 10, ok: true },
      { name: 'toolchain', start: 10, seconds: 2, ok: true },
      { name: 'build', start: 12, seconds: 30, ok: true },
      { name: 'pi-gen-cache', start: 42, seconds: 3, ok: true },
      { name: 'customize', start: 45, seconds: 1.5, ok: false },
    ];
    const tasks = ganttTasks(
      summaryMarkdown(
        report(timings, [
          { name: 'rootfs', status: 'hit', key: 'rpi-build-rootfs-x' },
          { name: 'toolchain', status: 'miss' },
          { name: 'ccache', status: 'hit' }, // serves the kernel's build phase
          { name: 'pi-gen-stage0', status: 'partial' },
        ]),
      ),
    );
    const by = Object.fromEntries(tasks.map((t) => [t.name, t]));
    expect(by.rootfs).toMatchObject({ tags: ['done'], mark: 'cache hit' });
    expect(by.build).toMatchObject({ tags: ['done'], mark: 'cache hit' });
    expect(by['pi-gen-cache']).toMatchObject({ tags: ['done'], mark: 'cache partial' });
    expect(by.toolchain).toMatchObject({ tags: [] });
    expect(by.toolchain!.mark).toBeUndefined();
    expect(by.customize).toMatchObject({ tags: ['crit'], mark: 'FAILED' });
  });

  it('escapes what Mermaid reads as syntax in a phase name', () => {
    const names = ['a:b', 'c#d', 'e;f', 'title x', 'section y', 'x%%y', 'p<b>q', 'line\nbreak', ''];
    for (const n of names) {
      const t = mermaidTitle(n);
      expect(t, n).not.toMatch(/[:#;%<>\n]/);
      expect(t, n).not.toMatch(/^(title|section)\b/i);
      expect(t.length, n).toBeGreaterThan(0);
    }
    expect(mermaidTitle('boot-test')).toBe('boot-test');
    const md = ganttBlock(names.map((name, i) => ({ name, start: i, seconds: 1, ok: true })));
    // Every name is still one task line of the block (none ends the title early or hides it).
    expect(ganttTasks(md)).toHaveLength(names.length);
  });

  it('keeps a secret in a phase name out of the written summary, escaped or not', async () => {
    const secret = 'tok:en#93f1';
    const dir = scratch('timeline');
    const file = join(dir, 'summary.md');
    writeFileSync(file, '');
    process.env.GITHUB_STEP_SUMMARY = file;
    const r = report([
      { name: 'host-tools', start: 0, seconds: 1, ok: true },
      { name: `fetch ${secret}`, start: 1, seconds: 2, ok: true },
    ]);
    await writeJobSummary(r, [secret]);
    const written = readFileSync(file, 'utf8');
    expect(ganttTasks(written).map((t) => t.name)).toEqual(['host-tools', 'fetch ***']);
    expect(written).not.toContain(secret);
    expect(written).not.toContain(mermaidTitle(secret)); // the escaped form a plain redact would miss
    expect(written).not.toContain('93f1');
  });

  it('has no block when no phase ran', () => {
    expect(ganttBlock([])).toBe('');
    expect(summaryMarkdown(report([]))).not.toContain('```mermaid');
  });
});

afterEach(() => {
  delete process.env.GITHUB_STEP_SUMMARY;
});

describe('the CLI text chart', () => {
  const cols = (s: string) => [...s].length; // '█' and '…' are one column each

  it('draws one line per phase in 80 columns, placed at its start and scaled to the run', () => {
    const chart = textChart(WARM, [{ name: 'rootfs', status: 'hit' }]);
    const lines = chart.split('\n');
    expect(lines[0]).toBe('Timeline (0 to 107 s):');
    expect(lines).toHaveLength(WARM.length + 1);
    for (const l of lines) expect(cols(l), l).toBeLessThanOrEqual(80);
    const row = (n: string) => lines.find((l) => l.startsWith(`  ${n} `))!;
    const span = (n: string) => {
      const bar = /\|([^|]*)\|/.exec(row(n))![1]!;
      return { from: bar.indexOf('█'), to: bar.lastIndexOf('█') + 1, width: bar.length };
    };
    // Side by side: the same first column; the longer phase reaches the chart's end.
    expect(span('boot-test').from).toBe(span('compress').from);
    expect(span('boot-test').to).toBe(span('boot-test').width);
    // Scaled: boot-test's 86 s of 107 s is about 80% of the bar's width.
    const b = span('boot-test');
    expect((b.to - b.from) / b.width).toBeCloseTo(86.3 / 106.6, 1);
    // A phase of a few hundredths of a second still shows as one cell.
    expect(span('host-tools').to - span('host-tools').from).toBe(1);
    expect(row('rootfs')).toMatch(/ {4}10\.0 s {2}cache hit$/);
    expect(row('boot-test')).toMatch(/ {4}86\.3 s$/);
  });

  it('marks a failed phase and cuts a long name, still in 80 columns', () => {
    const chart = textChart([
      { name: 'rootfs', start: 0, seconds: 600, ok: true },
      { name: 'a-very-long-phase-name-indeed', start: 600, seconds: 4000, ok: false },
    ]);
    for (const l of chart.split('\n')) expect(cols(l), l).toBeLessThanOrEqual(80);
    expect(chart).toMatch(/^ {2}a-very-long-p… \|.*\| {2}4000\.0 s {2}FAILED$/m);
  });

  it('follows the phase table in the CLI summary, secrets out', () => {
    rememberSecrets(['hunter2-secret']);
    const text = summaryText(
      report([...WARM, { name: 'step hunter2-secret', start: 106.6, seconds: 1, ok: false }]),
    );
    expect(text.indexOf('Timeline (')).toBeGreaterThan(text.indexOf('  boot-test'));
    expect(text).not.toContain('hunter2-secret');
    // The chart and the Markdown table agree on the phases.
    const md = summaryMarkdown(report(WARM));
    for (const p of phaseTable(md))
      expect(text).toMatch(new RegExp(`^  ${p.name} +\\|.*\\| +${p.seconds.toFixed(1)} s`, 'm'));
  });
});
