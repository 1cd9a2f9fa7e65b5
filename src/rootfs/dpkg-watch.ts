// What the root filesystem phase is doing and where its time goes. mmdebstrap (without
// --verbose) prints only its stages; dpkg, inside the root, appends every step to
// var/log/dpkg.log as it happens. Reading that file from the host while the build runs gives a
// progress line that names the package and counts ("configuring openssh-server (41 of 212)")
// and, at the end, the time of each step: the slowest maintainer scripts and triggers, which
// run under emulation, are where the next speed-up is chosen (issue "Speed", bench/).
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';

export type StepKind = 'unpack' | 'configure' | 'trigger';

export interface Step {
  kind: StepKind;
  /** Package name without its architecture. */
  pkg: string;
  seconds: number;
  /** mmdebstrap's stage it ran in (essential, remaining), when one was seen. */
  stage?: string;
}

export interface RootfsProfile {
  /** mmdebstrap's stages (download, extract, essential, remaining, cleanup …) with their seconds. */
  stages: { name: string; seconds: number }[];
  /** Every dpkg step seen, in order, timed from one dpkg.log line to the next. */
  steps: Step[];
}

/** dpkg.log's actions: "install" and "upgrade" begin a package's unpacking (there is no "unpack" line). */
const ACTIONS: Record<string, StepKind> = {
  install: 'unpack',
  upgrade: 'unpack',
  configure: 'configure',
  trigproc: 'trigger',
};

/**
 * One dpkg.log line: "2026-11-29 22:00:01 configure openssh-server:arm64 1:9.2 1:9.2" starts a
 * step, "… status installed openssh-server:arm64 1:9.2" ends it, "… startup packages configure"
 * begins a dpkg run (and ends whatever step was open).
 */
export function parseDpkgLine(line: string): {
  kind?: StepKind;
  install?: true;
  installed?: string;
  startup?: true;
  pkg?: string;
} {
  const m = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (\S+) (\S+)(?: (\S+))?/.exec(line);
  if (!m) return {};
  const bare = (p: string): string => p.replace(/:[a-z0-9]+$/, '');
  if (m[1] === 'startup') return { startup: true };
  if (m[1] === 'status') return m[2] === 'installed' && m[3] ? { installed: bare(m[3]) } : {};
  const kind = ACTIONS[m[1]!];
  if (!kind) return {};
  return { ...(m[1] === 'install' ? { install: true as const } : {}), kind, pkg: bare(m[2]!) };
}

/** mmdebstrap's stage lines ("I: downloading packages with apt...") as short names. */
export function stageName(line: string): string | undefined {
  const m =
    /^I: (running apt-get update|downloading packages|extracting archives|installing essential packages|installing remaining packages|running --customize-hook|cleaning package lists)/.exec(
      line,
    );
  if (!m) return undefined;
  return {
    'running apt-get update': 'update',
    'downloading packages': 'download',
    'extracting archives': 'extract',
    'installing essential packages': 'essential',
    'installing remaining packages': 'remaining',
    'running --customize-hook': 'hooks',
    'cleaning package lists': 'cleanup',
  }[m[1]!];
}

/**
 * Follows <root>/var/log/dpkg.log while mmdebstrap runs (polling: the file appears only once
 * dpkg first runs, and inotify would not see a file in a folder that does not exist yet).
 * Steps are timed with the host's clock as lines arrive (dpkg writes each line at once),
 * so a step's time is that of the maintainer script or trigger, to a poll's resolution.
 */
export class DpkgWatch {
  private offset = 0;
  private rest = '';
  private timer?: NodeJS.Timeout;
  private current?: { kind: StepKind; pkg: string; at: number; stage?: string };
  private readonly steps: Step[] = [];
  private readonly stages: { name: string; at: number }[] = [];
  private installs = 0;
  private configured = 0;
  private reading = Promise.resolve();

  constructor(
    private readonly root: string,
    private readonly onProgress: (line: string) => void,
    private readonly pollMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  /** A line mmdebstrap printed: its stages are timed too. */
  line(text: string): void {
    const name = stageName(text);
    if (name) {
      this.stages.push({ name, at: this.now() });
      this.onProgress(name);
    }
  }

  private poll(): Promise<void> {
    this.reading = this.reading.then(() => this.read()).catch(() => undefined);
    return this.reading;
  }

  private async read(): Promise<void> {
    const file = join(this.root, 'var', 'log', 'dpkg.log');
    const st = await stat(file).catch(() => undefined);
    if (!st || st.size <= this.offset) return;
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(st.size - this.offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      this.offset += bytesRead;
      this.feed(buf.subarray(0, bytesRead).toString('utf8'));
    } finally {
      await fh.close();
    }
  }

  /** Text appended to dpkg.log (exposed for tests). */
  feed(text: string): void {
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop()!;
    const at = this.now();
    for (const l of lines) {
      const e = parseDpkgLine(l);
      if (e.install) this.installs++;
      if (e.startup || (e.installed && e.installed === this.current?.pkg)) this.close(at);
      if (!e.kind || !e.pkg) continue;
      this.close(at);
      this.current = { kind: e.kind, pkg: e.pkg, at, stage: this.stages.at(-1)?.name };
      if (e.kind === 'configure') this.configured++;
      const count =
        e.kind === 'configure' && this.installs ? ` (${this.configured} of ${this.installs})` : '';
      const verb = { unpack: 'unpacking', configure: 'configuring', trigger: 'triggers of' }[e.kind];
      this.onProgress(`${verb} ${e.pkg}${count}`);
    }
  }

  private close(at: number): void {
    if (this.current)
      this.steps.push({
        kind: this.current.kind,
        pkg: this.current.pkg,
        seconds: (at - this.current.at) / 1000,
        ...(this.current.stage ? { stage: this.current.stage } : {}),
      });
    this.current = undefined;
  }

  private stopped?: Promise<RootfsProfile>;

  /** Stops following; reads what is left and returns the profile (the same one when called again). */
  stop(): Promise<RootfsProfile> {
    this.stopped ??= this.finish();
    return this.stopped;
  }

  private async finish(): Promise<RootfsProfile> {
    if (this.timer) clearInterval(this.timer);
    await this.poll();
    const end = this.now();
    this.close(end);
    const stages = this.stages.map((s, i) => ({
      name: s.name,
      seconds: ((this.stages[i + 1]?.at ?? end) - s.at) / 1000,
    }));
    return { stages, steps: this.steps };
  }
}

/** Steps summed by `key`: the first step of each group, its seconds summed and its steps counted. */
function sumSteps(
  profile: RootfsProfile,
  key: (s: Step) => string,
): { step: Step; seconds: number; count: number }[] {
  const sum = new Map<string, { step: Step; seconds: number; count: number }>();
  for (const s of profile.steps) {
    const k = key(s);
    const had = sum.get(k) ?? { step: s, seconds: 0, count: 0 };
    had.seconds += s.seconds;
    had.count++;
    sum.set(k, had);
  }
  return [...sum.values()];
}

/** The slowest steps, summed per package and kind (a package's triggers may run several times). */
export function slowestSteps(profile: RootfsProfile, n = 10): Step[] {
  return sumSteps(profile, (s) => `${s.kind} ${s.pkg}`)
    .map(({ step, seconds }) => ({ ...step, seconds }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, n);
}

/**
 * dpkg's time by stage and kind of step: how much of the essential and remaining stages went
 * to unpacking (dpkg writing files, preinst scripts) and how much to configuring and triggers.
 */
export function stepTotals(
  profile: RootfsProfile,
): { stage: string; kind: StepKind; seconds: number; count: number }[] {
  return sumSteps(profile, (s) => `${s.stage ?? 'unknown'} ${s.kind}`).map(({ step, seconds, count }) => ({
    stage: step.stage ?? 'unknown',
    kind: step.kind,
    seconds,
    count,
  }));
}

/** One line for the log: stages, dpkg's time by stage and kind, then the slowest steps. */
export function profileText(profile: RootfsProfile, n = 10): string {
  const stages = profile.stages.map((s) => `${s.name} ${s.seconds.toFixed(0)} s`).join(', ');
  const slow = slowestSteps(profile, n)
    .map((s) => `${s.pkg} (${s.kind}) ${s.seconds.toFixed(1)} s`)
    .join(', ');
  const totals = stepTotals(profile)
    .map((t) => `${t.stage} ${t.kind} ${t.seconds.toFixed(0)} s (${t.count})`)
    .join(', ');
  return `root filesystem stages: ${stages || 'none seen'}; dpkg: ${totals || 'none seen'}; slowest steps: ${slow || 'none seen'}`;
}
