// What a run did, for the job summary, the CLI's closing table and diagnostics:
// host and emulation, phases with durations, caches, facts about what was built.
import type { CacheReport } from '../cache/session.js';
import type { Problem } from '../host/diagnose.js';
import { Phases, type PhaseTiming } from '../runtime/phases.js';

export interface RunReport {
  target: string;
  arch: string[];
  suite: string;
  host?: { machine: string; kernel: string; userland: string; problems: Problem[] };
  emulation?: { native: string[]; emulated: string[] };
  phases: Phases;
  caches: CacheReport[];
  /** Facts about the product: size, sha256, kernel release, package count, boot test, account. */
  facts: Record<string, string>;
  /** The finished files in out-dir (what the artifact holds). */
  files: string[];
  outcome?: 'success' | 'failure';
  error?: string;
}

export function newReport(target: string, arch: string[], suite: string): RunReport {
  return { target, arch, suite, phases: new Phases(), caches: [], facts: {}, files: [] };
}

/** The serialisable part (the sudo child hands this back to the parent). */
export interface ReportData {
  phases: PhaseTiming[];
  /** The child's phase clock (epoch ms), to place its phases on the parent's. */
  origin: number;
  caches: CacheReport[];
  facts: Record<string, string>;
  files: string[];
  /** The child's own error, when it failed. */
  error?: string;
}

export function reportData(r: RunReport): ReportData {
  return {
    phases: r.phases.timings,
    origin: r.phases.origin,
    caches: r.caches,
    facts: r.facts,
    files: r.files,
    ...(r.error ? { error: r.error } : {}),
  };
}

export function mergeReportData(r: RunReport, d: ReportData): void {
  const shift = (d.origin - r.phases.origin) / 1000;
  r.phases.timings.push(...d.phases.map((p) => ({ ...p, start: p.start + shift })));
  r.caches.push(...d.caches);
  Object.assign(r.facts, d.facts);
}
