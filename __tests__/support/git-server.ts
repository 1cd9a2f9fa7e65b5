// A git server on this machine for the clone paths (kernel-source, pi-gen-repository): real
// `git daemon` on 127.0.0.1, serving bare repositories made from a folder with one commit, a
// branch and a tag, as a remote the runner reaches over git://.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'rpi-build tests',
  GIT_AUTHOR_EMAIL: 'tests@rpi-build.invalid',
  GIT_COMMITTER_NAME: 'rpi-build tests',
  GIT_COMMITTER_EMAIL: 'tests@rpi-build.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: '/nonexistent',
};

const git = (args: string[], cwd?: string): string =>
  execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', maxBuffer: 64 << 20 }).trim();

/**
 * `tree`'s files (all of them, .gitignore or not) as the second of two commits on `branch` (the
 * first empty, so a shallow clone has history to leave out), with an annotated tag `tag`, in
 * the bare `<top>/<name>.git`, committed in place. Returns the commit.
 */
export function makeRepository(
  top: string,
  name: string,
  tree: string,
  opts: { branch: string; tag?: string },
): string {
  const bare = join(top, `${name}.git`);
  git(['init', '-q', '--bare', '-b', opts.branch, bare]);
  const inBare = ['--git-dir', bare];
  // Stored and sent uncompressed, without a delta search: a kernel tree is 80,000 files that
  // one local clone reads once.
  git([...inBare, 'config', 'core.compression', '0']);
  git([...inBare, 'config', 'pack.window', '0']);
  const work = [...inBare, '--work-tree', tree];
  git([...work, 'commit', '-q', '--allow-empty', '-m', 'before'], tree);
  git([...work, 'add', '-A', '-f', '.'], tree);
  git([...work, 'commit', '-q', '-m', `${name} for the clone tests`], tree);
  if (opts.tag) git([...work, 'tag', '-a', '-m', opts.tag, opts.tag], tree);
  execFileSync('rm', ['-f', join(bare, 'index')]);
  return git([...inBare, 'rev-parse', opts.branch]);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface GitServer {
  /** git://127.0.0.1:<port>/<name>.git */
  url(name: string): string;
  /** What the daemon logged (one line per request). */
  log(): string;
  stop(): Promise<void>;
}

/** `git daemon` serving every repository under `top`, read-only, on 127.0.0.1. */
export async function startGitServer(top: string): Promise<GitServer> {
  mkdirSync(top, { recursive: true });
  const port = await freePort();
  let log = '';
  const daemon: ChildProcess = spawn(
    'git',
    [
      'daemon',
      '--reuseaddr',
      '--export-all',
      '--verbose',
      '--listen=127.0.0.1',
      `--port=${port}`,
      `--base-path=${top}`,
      top,
    ],
    { env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  daemon.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  daemon.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  // Ready once it accepts a connection.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (daemon.exitCode !== null) throw new Error(`git daemon exited: ${log}`);
    const listening = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (listening) break;
    if (Date.now() > deadline) throw new Error(`git daemon did not listen on ${port}: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: (name) => `git://127.0.0.1:${port}/${name}.git`,
    log: () => log,
    stop: () =>
      new Promise((resolve) => {
        if (daemon.exitCode !== null) return resolve();
        daemon.once('exit', () => resolve());
        daemon.kill('SIGTERM');
      }),
  };
}
