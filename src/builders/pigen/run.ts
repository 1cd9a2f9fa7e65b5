// Runs pi-gen's build.sh natively (as root, no Docker) and judges the result by its exit
// status and by what is in DEPLOY_DIR, never by its last words: pi-gen's EXIT trap logs
// "Build finished"/"Done!"-style lines whatever happened. Its `[hh:mm:ss] Begin <path>` and
// `End <path>` lines become progress; on failure the stage that began and never ended is
// named, with the tail of the output and the known causes found in it.
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { exec } from '../../runtime/exec.js';
import { logger } from '../../runtime/log.js';

const MARK = /^\[(\d\d:\d\d:\d\d)\] (Begin|End) (.+)$/;
const TAIL_LINES = 30;

/** An image pi-gen deployed, by DEPLOY_COMPRESSION: .img, .img.gz, .img.xz or .zip. */
export const IMAGE_FILE = /\.(?:img|img\.gz|img\.xz|zip)$/;

export interface Cause {
  id: 'exec-format' | 'debootstrap' | 'loop-device' | 'disk-full' | 'depends' | 'not-root';
  text: string;
}

export class PiGenError extends Error {
  constructor(
    message: string,
    readonly stage: string | undefined,
    readonly step: string | undefined,
    readonly causes: Cause[],
    readonly tail: string[],
  ) {
    super(message);
    this.name = 'PiGenError';
  }
}

/** Follows Begin/End marks: what is open now, and how long each stage took. */
export class StageTracker {
  readonly open: string[] = [];
  readonly finished: { path: string; seconds: number }[] = [];
  private readonly started = new Map<string, number>();
  constructor(
    private readonly base: string,
    /** Stage folders outside pi-gen's (pi-gen-stages-dir copies), shown by their own name. */
    private readonly outside: string[] = [],
  ) {}

  /** Returns the mark seen, if the line is one. */
  feed(line: string, now = Date.now()): { kind: 'Begin' | 'End'; path: string } | undefined {
    const m = MARK.exec(line.trim());
    if (!m) return undefined;
    const kind = m[2] as 'Begin' | 'End';
    const path = m[3]!;
    if (kind === 'Begin') {
      this.open.push(path);
      this.started.set(path, now);
    } else {
      const i = this.open.lastIndexOf(path);
      if (i >= 0) this.open.splice(i, 1);
      this.finished.push({ path, seconds: (now - (this.started.get(path) ?? now)) / 1000 });
    }
    return { kind, path };
  }

  show(path: string): string {
    const rel = relative(this.base, path);
    if (rel && !rel.startsWith('..')) return rel;
    const stage = this.outside.find((d) => path === d || path.startsWith(`${d}/`));
    return stage ? join(basename(stage), relative(stage, path)) : path;
  }

  /** A stage is a folder directly under pi-gen's (stage2, export-image) or one given from outside. */
  isStage(path: string): boolean {
    return path !== this.base && (this.outside.includes(path) || !relative(this.base, path).includes('/'));
  }

  /** The stage open now (outermost) and the innermost open step. */
  failedAt(): { stage?: string; step?: string } {
    const open = this.open.filter((p) => p !== this.base);
    const stage = open.find((p) => this.isStage(p));
    const step = open[open.length - 1];
    return { ...(stage ? { stage: this.show(stage) } : {}), ...(step ? { step: this.show(step) } : {}) };
  }
}

/** Known causes, matched in the output and the work folder. */
export function findCauses(lines: string[], workDir: string, arch: string): Cause[] {
  const text = lines.join('\n');
  const causes: Cause[] = [];
  if (/Exec format error/.test(text))
    causes.push({
      id: 'exec-format',
      text: `"Exec format error": the host cannot run ${arch} programs (no binfmt_misc handler for them). Run the build through rpi-build's target image, which registers QEMU emulation first (or a target qemu step before), and check /proc/sys/fs/binfmt_misc.`,
    });
  const leftover = readdirSyncSafe(workDir)
    .map((s) => join(workDir, s, 'rootfs', 'debootstrap'))
    .filter((p) => existsSync(p));
  if (leftover.length || /bootstrap failed/.test(text))
    causes.push({
      id: 'debootstrap',
      text: `debootstrap did not finish${leftover.length ? ` (its folder is left in ${leftover.join(', ')}; see debootstrap/debootstrap.log there)` : ''}; rpi-build removes it before the next build.`,
    });
  if (/failed to set up loop device|losetup failed|Error in losetup/.test(text))
    causes.push({
      id: 'loop-device',
      text: 'no free loop device: pi-gen needs one to write the image. Detach unused ones (losetup -D as root) or run where /dev/loop* is available (not in an unprivileged container).',
    });
  if (/No space left on device/.test(text))
    causes.push({
      id: 'disk-full',
      text: 'the disk ran full ("No space left on device"): a pi-gen build keeps a root filesystem per stage. Free space (free-disk-space on GitHub-hosted runners) or set work-dir to a bigger disk.',
    });
  if (/Required dependencies not installed/.test(text))
    causes.push({
      id: 'depends',
      text: "pi-gen's own dependency check failed: a tool in its depends file is missing.",
    });
  if (/Please run as root/.test(text)) causes.push({ id: 'not-root', text: 'pi-gen must run as root.' });
  return causes;
}

function readdirSyncSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export interface RunOptions {
  /** The pi-gen tree (build.sh's folder). */
  dir: string;
  /** The config file passed with -c. */
  configFile: string;
  work: string;
  deploy: string;
  arch: string;
  /** Our copy of everything build.sh prints. */
  logFile: string;
  env?: Record<string, string | undefined>;
  /** Stage folders outside the pi-gen tree. */
  outsideStages?: string[];
  signal?: AbortSignal;
}

export interface RunResult {
  /** Files pi-gen deployed (image, .info, .bmap, …), absolute. */
  deployed: string[];
  image: string;
  /** Stages (not sub-steps) in the order they ended, by name, with their durations. */
  stages: { name: string; seconds: number }[];
}

export async function runPiGen(o: RunOptions): Promise<RunResult> {
  const log = logger();
  // build.sh logs real paths (it runs realpath on each stage folder).
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const base = real(o.dir);
  const tracker = new StageTracker(base, (o.outsideStages ?? []).map(real));
  const tail: string[] = [];
  const seen: string[] = [];
  const r = await exec(join(o.dir, 'build.sh'), ['-c', o.configFile], {
    cwd: o.dir,
    logFile: o.logFile,
    allowFailure: true,
    privileged: 'running pi-gen',
    ...(o.env ? { env: o.env } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    onLine: (line) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      if (
        /Exec format error|bootstrap failed|losetup|No space left|Required dependencies|run as root/.test(
          line,
        )
      )
        seen.push(line);
      const mark = tracker.feed(line);
      if (!mark) return;
      const shown = tracker.show(mark.path);
      if (tracker.isStage(mark.path)) {
        if (mark.kind === 'Begin') log.info(`pi-gen: ${shown}`);
        else log.info(`pi-gen: ${shown} done in ${tracker.finished.at(-1)!.seconds.toFixed(0)} s`);
      } else if (mark.kind === 'Begin' && mark.path !== base) log.progress(`pi-gen: ${shown}`);
    },
  });
  const deployed = (await readdir(o.deploy).catch(() => [] as string[])).map((f) => join(o.deploy, f));
  const image = deployed.find((f) => IMAGE_FILE.test(f));
  if (r.exitCode === 0 && !r.signal && image) {
    const stages = tracker.finished
      .filter((f) => tracker.isStage(f.path))
      .map((f) => ({ name: tracker.show(f.path), seconds: f.seconds }));
    return { deployed, image, stages };
  }

  const causes = findCauses([...seen, ...tail], o.work, o.arch);
  const { stage, step } = tracker.failedAt();
  const buildLog = join(o.work, 'build.log');
  let why: string;
  if (r.exitCode === 0 && !r.signal) {
    const exporting = stagesWithExport(tracker);
    why = `pi-gen exited 0 but deployed no image in ${o.deploy}${exporting.length ? '' : ': none of the stages run has an EXPORT_IMAGE file (in pi-gen, stage2, stage4 and stage5 do); add one to stages'}`;
  } else {
    why = `pi-gen failed (${r.signal ? `killed by ${r.signal}` : `exit status ${r.exitCode}`})${stage ? ` in ${stage}` : ''}${step && step !== stage ? ` at ${step}` : ''}`;
  }
  const lines = [
    why + '.',
    ...causes.map((c) => `Likely cause: ${c.text}`),
    `Last ${tail.length} lines of its output (full output: ${o.logFile}${existsSync(buildLog) ? `; pi-gen's own log: ${buildLog}` : ''}):`,
    ...tail.map((l) => `  ${l}`),
  ];
  throw new PiGenError(lines.join('\n'), stage, step, causes, tail);
}

/** Stages that ran and hold EXPORT_IMAGE. */
function stagesWithExport(tracker: StageTracker): string[] {
  return tracker.finished
    .map((f) => f.path)
    .filter((p) => tracker.isStage(p) && existsSync(join(p, 'EXPORT_IMAGE')));
}
