// A build needs root (mmdebstrap in root mode, chroot, files owned by the image's users).
// When rpi-build runs as an ordinary user with passwordless sudo (a GitHub-hosted runner),
// the build step runs as a child `sudo node cli.js build`, fed the validated config through
// a private file; its outputs come back the same way and its files are handed back to us.
import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OPTIONS } from '../config/options.js';
import { camel, type BuildConfig } from '../config/schema.js';
import { exec } from '../runtime/exec.js';
import type { Outputs } from '../publish/outputs.js';
import { mergeReportData, type ReportData, type RunReport } from '../publish/report.js';
import type { PostState } from '../runtime/state.js';

/** What the root cleanup did, as the post step reports it. */
export interface CleanupResult {
  summary: string;
  remaining: string[];
  removed: string[];
}

/** The validated config back as kebab-case keys (JSON is valid YAML for --config). */
export function configToRaw(config: BuildConfig): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const o of OPTIONS) {
    const v = (config as Record<string, unknown>)[camel(o.key)];
    if (v !== undefined) raw[o.key] = v;
  }
  return raw;
}

function cliPath(): string {
  // The entry script (dist/main.js or dist/cli.js); cli.js sits beside it.
  return join(dirname(realpathSync(process.argv[1]!)), 'cli.js');
}

/** What the child hands back: its outputs, the files it placed, the post state it would have written. */
export interface ChildResult {
  outputs: Outputs;
  files: string[];
  state: PostState;
}

/** The file the child writes for its parent (on failure too). */
export interface ChildReport {
  outputs: Outputs;
  report?: ReportData;
  state?: PostState;
}

export async function buildAsRoot(config: BuildConfig, report: RunReport): Promise<ChildResult> {
  const dir = await mkdtemp(join(process.env.RUNNER_TEMP ?? tmpdir(), 'rpi-build-sudo-'));
  const configFile = join(dir, 'config.json');
  const outputsFile = join(dir, 'outputs.json');
  try {
    // The parent publishes (it holds the runner's identity); the child only builds.
    await writeFile(configFile, JSON.stringify({ ...configToRaw(config), upload: false }), { mode: 0o600 });
    let failure: unknown;
    await exec(
      process.execPath,
      [cliPath(), 'build', '--config', configFile, '--outputs-file', outputsFile],
      {
        privileged: 'building an image',
        onLine: (line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`),
      },
    ).catch((err: unknown) => (failure = err));
    // The child writes its report on failure too: its phases and its own error are what the
    // summary and diagnostics need (the exit code alone says nothing).
    const back = (await readFile(outputsFile, 'utf8').then(
      (t) => JSON.parse(t) as ChildReport,
      () => undefined,
    )) ?? { outputs: {} };
    // The child's own host and emulation sections repeat ours; take its phases, caches and facts.
    if (back.report) mergeReportData(report, back.report);
    if (failure) {
      if (back.report?.error) throw new Error(back.report.error, { cause: failure });
      throw failure;
    }
    return { outputs: back.outputs, files: back.report?.files ?? [], state: back.state ?? {} };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The post step's cleanup as root (`sudo node cli.js cleanup`): only root can see and end the
 * build's processes, unmount and remove its root-owned trees; what remains (logs, cache
 * tarballs) is handed back to the user so the post step can save it and the runner delete it.
 */
export async function cleanupAsRoot(workDir: string): Promise<CleanupResult> {
  const r = await exec(process.execPath, [cliPath(), 'cleanup', '--work-dir', workDir], {
    privileged: 'cleaning up the build',
  });
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as CleanupResult;
}
