// Runs the bundled action the way a GitHub runner does: INPUT_* variables, the
// GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, then the post step with
// STATE_* variables taken from what main saved. Later issues extend it (cache, artifacts).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileScratch } from './scratch.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');

// A runner's own folders (when the test gives none) go when the test file ends.
const runnerScratch = fileScratch();
export const ISOLATED = join(ROOT, '__tests__', 'support', 'isolated.sh');

export interface StepResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
}

export interface RunningStep {
  child: ChildProcess;
  done: Promise<StepResult>;
}

/** An ordinary user the steps run as (a GitHub-hosted runner's `runner`); see hosted-user.ts. */
export interface RunnerUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface RunnerOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** Command prefix, e.g. [ISOLATED, 'mount'] to run inside a private binfmt_misc. */
  prefix?: string[];
  timeoutMs?: number;
}

/** Parses the GITHUB_OUTPUT / GITHUB_STATE file format (name<<DELIM ... DELIM, or name=value). */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delim) value.push(lines[i]!);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

export class Runner {
  readonly dir: string;
  readonly files: Record<'output' | 'state' | 'summary' | 'env' | 'path', string>;
  readonly workspace: string;
  readonly temp: string;

  /** Where the steps' bundles are: the checkout, or the runner's own copy under _actions. */
  readonly actionDir: string;

  /**
   * `dir` reuses a runner's folders, as a hosted runner's paths stay the same from run to run.
   * With `user`, the steps run as that user (main, post and the action's files as a hosted
   * runner has them: its folders owned by the user, the action copied under _actions).
   */
  constructor(
    dir?: string,
    readonly user?: RunnerUser,
  ) {
    this.dir = dir ?? runnerScratch('build-runner');
    this.workspace = join(this.dir, 'workspace');
    this.temp = join(this.dir, 'temp');
    mkdirSync(this.workspace, { recursive: true });
    mkdirSync(this.temp, { recursive: true });
    this.files = {
      output: join(this.dir, 'output'),
      state: join(this.dir, 'state'),
      summary: join(this.dir, 'summary.md'),
      env: join(this.dir, 'env'),
      path: join(this.dir, 'path'),
    };
    for (const f of Object.values(this.files)) writeFileSync(f, '');
    this.actionDir = ROOT;
    if (user) {
      // The runner's folders are the user's; the action is a copy it can read wherever the
      // checkout is (a hosted runner unpacks it under _work/_actions).
      this.actionDir = join(this.dir, '_actions', 'rpi-build');
      mkdirSync(this.actionDir, { recursive: true });
      cpSync(join(ROOT, 'dist'), join(this.actionDir, 'dist'), { recursive: true });
      for (let d = this.dir; d !== dirname(d) && d.startsWith(tmpdir()) && d !== tmpdir(); d = dirname(d))
        chmodSync(d, 0o755);
      execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, this.dir]);
    }
  }

  private baseEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      // A runner starts each step without the caller's INPUT_/STATE_/GITHUB_ variables.
      if (v !== undefined && !/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/.test(k)) env[k] = v;
    }
    return {
      ...env,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_OUTPUT: this.files.output,
      GITHUB_STATE: this.files.state,
      GITHUB_STEP_SUMMARY: this.files.summary,
      GITHUB_ENV: this.files.env,
      GITHUB_PATH: this.files.path,
      GITHUB_WORKSPACE: this.workspace,
      RUNNER_TEMP: this.temp,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: process.arch === 'arm64' ? 'ARM64' : 'X64',
      GITHUB_RUN_ID: '1',
      GITHUB_JOB: 'build',
      GITHUB_REPOSITORY: 'example/rpi-images',
      GITHUB_SERVER_URL: 'http://gh.localhost',
    };
  }

  private step(
    entry: 'main' | 'post',
    env: Record<string, string>,
    opts: RunnerOptions,
  ): Promise<StepResult> {
    return this.spawnStep(entry, env, opts).done;
  }

  private spawnStep(entry: 'main' | 'post', env: Record<string, string>, opts: RunnerOptions): RunningStep {
    const argv = [...(opts.prefix ?? []), process.execPath, join(this.actionDir, 'dist', `${entry}.js`)];
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: this.workspace,
      env: this.user ? { ...env, HOME: this.user.home, USER: this.user.name, LOGNAME: this.user.name } : env,
      ...(this.user ? { uid: this.user.uid, gid: this.user.gid } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const done = new Promise<StepResult>((resolvePromise, reject) => {
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
      child.on('error', reject);
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        resolvePromise({
          exitCode,
          stdout,
          stderr,
          outputs: parseCommandFile(readFileSync(this.files.output, 'utf8')),
          state: parseCommandFile(readFileSync(this.files.state, 'utf8')),
          summary: readFileSync(this.files.summary, 'utf8'),
        });
      });
    });
    return { child, done };
  }

  /** The main step, with inputs as the workflow's `with:` block would give them. */
  main(opts: RunnerOptions = {}): Promise<StepResult> {
    return this.startMain(opts).done;
  }

  /** The main step, returning at once with its process (to cancel it as a runner does). */
  startMain(opts: RunnerOptions = {}): RunningStep {
    const env = { ...this.baseEnv(), ...opts.env };
    for (const [k, v] of Object.entries(opts.inputs ?? {}))
      env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
    return this.spawnStep('main', env, opts);
  }

  /** The post step: STATE_* from what main wrote to GITHUB_STATE. */
  post(opts: RunnerOptions = {}): Promise<StepResult> {
    const env = { ...this.baseEnv(), ...opts.env };
    for (const [k, v] of Object.entries(parseCommandFile(readFileSync(this.files.state, 'utf8'))))
      env[`STATE_${k}`] = v;
    for (const [k, v] of Object.entries(opts.inputs ?? {}))
      env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
    return this.step('post', env, opts);
  }
}

/** The boot test's own lines of a build's log: what a failed assertion on its verdict shows. */
export const bootLines = (log: string): string =>
  log
    .split('\n')
    .filter((l) => /Boot test|boot-check|Test script|boot:/.test(l))
    .join('\n');
