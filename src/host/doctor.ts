// `rpi-build doctor`: probe, diagnose, and print for people (or as one JSON object).
import type { BuildConfig } from '../config/schema.js';
import { formatBytes } from '../runtime/log.js';
import { diagnose, MIN_FREE_GIB, type Problem } from './diagnose.js';
import { probeHost, type HostReport } from './probe.js';

export interface DoctorReport {
  host: HostReport;
  problems: Problem[];
  /** True when no problem of severity error was found. */
  ok: boolean;
}

export async function runDoctor(
  config: Pick<BuildConfig, 'arch' | 'target' | 'workDir' | 'minFreeDisk'>,
): Promise<DoctorReport> {
  const host = await probeHost(config.workDir ? { workDir: config.workDir } : {});
  const problems = diagnose(host, {
    // A kernel cross-compiles: nothing foreign runs (its boot test is qemu-system, not binfmt).
    arches: config.target === 'kernel' ? [] : config.arch,
    minFreeGiB: config.minFreeDisk ?? MIN_FREE_GIB[config.target] ?? 8,
  });
  return { host, problems, ok: !problems.some((p) => p.severity === 'error') };
}

export function formatDoctor(d: DoctorReport): string {
  const h = d.host;
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  const emu = (m: 'aarch64' | 'arm'): string => {
    const f = h[m];
    if (f.native) return 'native';
    if (f.runs) return `emulated (${f.handlers.join(', ')})`;
    return f.handlers.length
      ? `broken handler (${f.handlers.join(', ')}): ${f.runError ?? ''}`
      : 'cannot run';
  };
  const lines = [
    `machine         ${h.machine} (kernel ${h.kernelRelease})`,
    `userland        ${h.userland.arch}${h.userland.bits ? ` (${h.userland.bits}-bit)` : ''}${h.userland.dpkgArch ? `, dpkg ${h.userland.dpkgArch}` : ''}`,
    `page size       ${h.pageSize ?? 'unknown'}`,
    `arm64 code      ${emu('aarch64')}`,
    `32-bit ARM code ${emu('arm')}${h.arm.native ? ' (CPU has AArch32)' : ''}`,
    `WSL             ${h.wsl.detected ? `yes (WSL${h.wsl.version}, interop handler ${yes(h.wsl.interopHandler)})` : 'no'}`,
    `container       ${h.container ?? 'no'}`,
    `binfmt_misc     ${h.binfmt.mounted ? `mounted${h.binfmt.enabled === false ? ', disabled' : ''}` : 'not mounted'}`,
    ...h.binfmt.handlers.map(
      (x) =>
        `  ${x.name.padEnd(14)} ${x.enabled ? 'enabled ' : 'disabled'} flags=${x.flags || '-'} ${x.interpreter ?? ''}`,
    ),
    `free disk       ${h.disk ? `${formatBytes(h.disk.freeBytes)} at ${h.disk.path}` : 'unknown'}`,
    `privileges      ${h.privileges.root ? 'root' : h.privileges.sudo ? 'sudo' : 'none'}`,
    'tools',
    ...h.tools.map(
      (t) =>
        `  ${t.name.padEnd(20)} ${t.path ? (t.version ?? 'present') : `missing (apt-get install ${t.package})`}`,
    ),
    '',
  ];
  if (d.problems.length === 0) lines.push('No problems found.');
  for (const p of d.problems) {
    lines.push(`${p.severity.toUpperCase()} [${p.id}] ${p.diagnosis}`, `  fix: ${p.fix}`);
  }
  return lines.join('\n');
}
