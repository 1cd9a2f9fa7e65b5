// rpi-build runs as root and deletes, kills and unmounts: it may only ever do so to what it
// made. Refused work folders (through the real CLI, with rm and umount replaced by stubs so a
// regression cannot harm this host), the marker, the post step's tree removal, processes
// matched by root only, mounts that stop packing and assembly, one unmount routine, the
// work-folder lock across two real processes, and a log file that cannot be written.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { itNeeds } from './support/needs.js';
import { ROOT } from './support/runner.js';
import { claimWorkDir, freshDir } from '../src/builders/workspace.js';
import { packRootfs } from '../src/cache/rootfs-cache.js';
import { removeBuildTrees } from '../src/diagnostics/cleanup.js';
import { processesBelow } from '../src/runtime/work-cleanup.js';
import { assembleImage } from '../src/image/assemble.js';
import { writeExt4 } from '../src/image/filesystems.js';
import { withChrootMounts } from '../src/rootfs/chroot.js';
import { exec } from '../src/runtime/exec.js';
import { captureLog } from './support/capture-log.js';
import { mountsBelow } from '../src/runtime/mounts.js';
import { WORK_MARKER } from '../src/runtime/work-folder.js';
import { releaseWorkLock } from '../src/runtime/work-lock.js';

const CLI = join(ROOT, 'dist', 'cli.js');
const base = mkdtempSync(join(tmpdir(), 'rpi-host-safety-'));
const scratch = (name: string) => mkdtempSync(join(base, `${name}-`));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});
afterAll(() => {
  // Never remove through a mount a failed test left behind.
  if (!readFileSync('/proc/self/mountinfo', 'utf8').includes(base))
    rmSync(base, { recursive: true, force: true });
});

/**
 * The CLI's environment: no Actions variables (unless given), a private HOME, and stubs of rm
 * and umount first on PATH that only leave a canary: if a check ever regressed, the build
 * would reach them instead of deleting this host's files.
 */
function cliEnv(extra: NodeJS.ProcessEnv = {}): { env: NodeJS.ProcessEnv; canary: string } {
  const dir = scratch('env');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const canary = join(dir, 'CANARY');
  for (const tool of ['rm', 'umount', 'mkfs.ext4', 'mmdebstrap'])
    writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> ${canary}\nexit 1\n`, { mode: 0o755 });
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/.test(k)) env[k] = v;
  mkdirSync(join(dir, 'home'));
  return {
    env: { ...env, HOME: join(dir, 'home'), PATH: `${bin}:${process.env.PATH}`, ...extra },
    canary,
  };
}

function cli(args: string[], env: NodeJS.ProcessEnv, cwd = scratch('cwd')) {
  const started = Date.now();
  const r = spawnSync(
    'node',
    [CLI, 'image', '--mirror', 'http://127.0.0.1:9/debian', '--out-dir', 'out', ...args],
    { cwd, env, encoding: 'utf8', timeout: 30_000 },
  );
  return { ...r, seconds: (Date.now() - started) / 1000, cwd };
}

describe('work-dir: refused folders, before any work, nothing deleted', () => {
  const workspace = scratch('workspace');
  const runnerTemp = scratch('runner-temp');
  writeFileSync(join(workspace, 'sentinel'), 'the checkout\n');
  writeFileSync(join(runnerTemp, 'sentinel'), 'the runner file commands\n');
  const actions = { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: runnerTemp };

  it.each([
    ['/', 'is the root folder'],
    ['/usr', 'is a system folder'],
    ['/usr/lib', 'is a system folder'],
    ['/etc', 'is a system folder'],
    ['/tmp', 'is a system folder'],
    ['/var/tmp', 'is a system folder'],
    ['/home', 'is a system folder'],
    ['/boot/firmware', 'is a system folder'],
    [workspace, 'is the GitHub workspace (GITHUB_WORKSPACE) itself'],
    [runnerTemp, 'is the runner temp folder (RUNNER_TEMP) itself'],
    [base, 'holds the GitHub workspace'],
  ])('image --work-dir %s exits at once naming work-dir and the fix', (dir, why) => {
    const { env, canary } = cliEnv(actions);
    const r = cli(['--work-dir', dir], env);
    expect(r.status, r.stderr).toBe(2); // bad input, like every other refused input
    expect(r.seconds).toBeLessThan(15);
    expect(r.stderr.startsWith(`rpi-build: work-dir: "${dir}" ${why}`), r.stderr).toBe(true);
    expect(r.stderr).toContain('Give a new or empty folder of its own');
    expect(r.stderr).not.toContain('==>'); // no phase started
    expect(existsSync(canary)).toBe(false);
    expect(readdirSync(r.cwd)).toEqual([]); // no out/, no .work
    expect(readFileSync(join(workspace, 'sentinel'), 'utf8')).toBe('the checkout\n');
    expect(readFileSync(join(runnerTemp, 'sentinel'), 'utf8')).toBe('the runner file commands\n');
  });

  it('a symlink to / is seen through', () => {
    const link = join(scratch('link'), 'to-root');
    execFileSync('ln', ['-s', '/', link]);
    const { env, canary } = cliEnv();
    const r = cli(['--work-dir', link], env);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain(`work-dir: "${link}" is the root folder`);
    expect(existsSync(canary)).toBe(false);
  });

  it.each([['/'], ['/usr'], [workspace]])('image --cache-dir %s is refused naming cache-dir', (dir) => {
    const { env, canary } = cliEnv(actions);
    const r = cli(['--cache-dir', dir], env);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /^rpi-build: cache-dir: "[^"]+" is (the root folder|a system folder|the GitHub workspace)/,
    );
    expect(r.stderr).toContain('Give a folder of its own for the cache');
    expect(existsSync(canary)).toBe(false);
  });

  it('a non-empty folder without the marker is refused by the real CLI; its files stay', () => {
    const work = scratch('theirs');
    writeFileSync(join(work, 'sentinel'), 'mine\n');
    mkdirSync(join(work, 'rootfs'));
    writeFileSync(join(work, 'rootfs', 'keep'), 'mine too\n');
    const { env, canary } = cliEnv();
    const r = cli(['--work-dir', work], env);
    expect(r.status, r.stderr).toBe(2);
    expect(r.seconds).toBeLessThan(15);
    expect(r.stderr).toContain(`work-dir: "${work}" holds files rpi-build did not make (rootfs, sentinel)`);
    expect(r.stderr).toContain('Give a new or empty folder');
    expect(r.stderr).not.toContain('==>');
    expect(existsSync(canary)).toBe(false);
    expect(readdirSync(work).sort()).toEqual(['rootfs', 'sentinel']); // not even marked
    expect(readFileSync(join(work, 'sentinel'), 'utf8')).toBe('mine\n');
  });
});

describe('the marker', () => {
  it('freshDir refuses a non-empty unmarked folder and deletes nothing', async () => {
    const work = scratch('unmarked');
    writeFileSync(join(work, 'sentinel'), 'mine\n');
    await expect(freshDir(work)).rejects.toThrow(
      /^work-dir: .* holds files rpi-build did not make \(sentinel\)/,
    );
    expect(readdirSync(work)).toEqual(['sentinel']);
  });

  it('a missing or empty folder is created and marked; a marked one is emptied but for the marker', async () => {
    const parent = scratch('fresh');
    const missing = join(parent, 'new', 'work');
    await freshDir(missing);
    expect(readdirSync(missing)).toContain(WORK_MARKER);
    expect(readFileSync(join(missing, WORK_MARKER), 'utf8')).toMatch(
      /^rpi-build work folder [0-9a-f-]{36}\n/,
    );
    mkdirSync(join(missing, 'rootfs'));
    writeFileSync(join(missing, 'rootfs', 'old'), '');
    await freshDir(missing);
    expect(readdirSync(missing).filter((e) => !e.startsWith('.rpi-build'))).toEqual([]);
    expect(existsSync(join(missing, WORK_MARKER))).toBe(true);
    releaseWorkLock(missing);
  });

  it("a fresh file system's lost+found does not make the folder foreign, and stays", async () => {
    const work = scratch('fresh-fs');
    mkdirSync(join(work, 'lost+found'));
    await freshDir(work);
    expect(readdirSync(work).sort()).toEqual(['.rpi-build-lock', WORK_MARKER, 'lost+found']);
    releaseWorkLock(work);
  });

  describe('the default folder from before the marker', () => {
    const saved = process.env.RUNNER_TEMP;
    afterEach(() => {
      if (saved === undefined) delete process.env.RUNNER_TEMP;
      else process.env.RUNNER_TEMP = saved;
    });

    it('is adopted when it holds only what builds make there', async () => {
      process.env.RUNNER_TEMP = scratch('temp-adopt');
      const work = join(process.env.RUNNER_TEMP, 'rpi-build');
      for (const d of ['rootfs', 'logs', 'cache', 'stage']) mkdirSync(join(work, d), { recursive: true });
      await freshDir(work);
      expect(readdirSync(work).filter((e) => !e.startsWith('.rpi-build'))).toEqual([]);
      expect(existsSync(join(work, WORK_MARKER))).toBe(true);
      releaseWorkLock(work);
    });

    it('is refused, with the fix, when it holds anything else', async () => {
      process.env.RUNNER_TEMP = scratch('temp-refuse');
      const work = join(process.env.RUNNER_TEMP, 'rpi-build');
      mkdirSync(join(work, 'logs'), { recursive: true });
      writeFileSync(join(work, 'notes.txt'), 'mine\n');
      await expect(freshDir(work)).rejects.toThrow(
        /holds files rpi-build did not make \(logs, notes\.txt\).*Move those files away/,
      );
      expect(readdirSync(work).sort()).toEqual(['logs', 'notes.txt']);
    });
  });

  it("the post step's tree removal leaves an unmarked folder alone", async () => {
    const work = scratch('post');
    mkdirSync(join(work, 'rootfs'));
    writeFileSync(join(work, 'rootfs', 'keep'), 'not ours\n');
    expect(await removeBuildTrees(work)).toEqual([]);
    expect(readFileSync(join(work, 'rootfs', 'keep'), 'utf8')).toBe('not ours\n');
    writeFileSync(join(work, WORK_MARKER), 'rpi-build work folder test\n');
    expect(await removeBuildTrees(work)).toContain(join(work, 'rootfs'));
    expect(existsSync(join(work, 'rootfs'))).toBe(false);
  });
});

describe('processes', () => {
  itNeeds(
    ['root'],
    'a process whose program lies below the folder but whose root is / is not matched',
    async () => {
      const work = scratch('procs');
      mkdirSync(join(work, 'bin'));
      copyFileSync(
        execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim(),
        join(work, 'bin', 'sleep'),
      );
      chmodSync(join(work, 'bin', 'sleep'), 0o755);
      const child = spawn(join(work, 'bin', 'sleep'), ['60'], { cwd: work, stdio: 'ignore' });
      cleanups.push(() => void child.kill('SIGKILL'));
      await new Promise((r) => setTimeout(r, 300));
      expect(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8')).toContain(join(work, 'bin', 'sleep'));
      expect(await processesBelow(work)).not.toContain(child.pid);
      expect(await processesBelow(join(work, 'bin'))).not.toContain(child.pid);
    },
  );
});

describe('mounts', () => {
  /** A small root with a tmpfs mounted at its proc, as a customize script might leave it. */
  function rootWithMount(name: string): { root: string; point: string } {
    const root = join(scratch(name), 'rootfs');
    const point = join(root, 'proc');
    mkdirSync(point, { recursive: true });
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc', 'hostname'), 'pi\n');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', point]);
    writeFileSync(join(point, 'from-the-host'), 'not the image\n');
    cleanups.push(() => void spawnSync('umount', ['-l', point]));
    return { root, point };
  }

  itNeeds(
    ['root', 'tool:zstd'],
    'packRootfs refuses a root with a mount inside, naming it; no tarball',
    async () => {
      const { root, point } = rootWithMount('pack');
      const tarball = join(root, '..', 'rootfs.tar.zst');
      const err = (await packRootfs(root, tarball, join(root, '..', 'pack.log')).catch(
        (e: unknown) => e,
      )) as Error;
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toContain(`refusing to pack ${root}: still mounted below it: ${point}`);
      expect(err.message).toContain(`umount -R ${point}`);
      expect(existsSync(tarball)).toBe(false);
    },
  );

  itNeeds(
    ['root', 'tool:sfdisk', 'tool:mkfs.ext4', 'tool:mkfs.vfat'],
    'assembleImage and writeExt4 refuse a root with a mount inside; no image is written',
    async () => {
      const { root, point } = rootWithMount('assemble');
      const boot = join(root, '..', 'boot');
      mkdirSync(boot);
      const image = join(root, '..', 'test.img');
      const err = (await assembleImage({
        image,
        bootDir: boot,
        rootDir: root,
        bootSizeMiB: 64,
        rootMarginMiB: 16,
      }).catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toContain(
        `refusing to assemble an image from ${root}: still mounted below it: ${point}`,
      );
      expect(existsSync(image)).toBe(false);
      writeFileSync(image, Buffer.alloc(0));
      await expect(
        writeExt4(image, 0, 64 << 20, 'ROOT', root, '00000000-0000-4000-8000-000000000000'),
      ).rejects.toThrow(
        `refusing to write an ext4 file system from ${root}: still mounted below it: ${point}`,
      );
    },
  );

  itNeeds(
    ['root'],
    'withChrootMounts unmounts a busy mount (lazily) instead of leaving it mounted',
    async () => {
      const root = join(scratch('chroot'), 'rootfs');
      mkdirSync(join(root, 'usr', 'sbin'), { recursive: true });
      mkdirSync(join(root, 'etc'));
      let child: ChildProcess | undefined;
      await withChrootMounts(root, async () => {
        // A process left with its cwd in the root's /proc keeps that mount busy.
        child = spawn('sleep', ['60'], { cwd: join(root, 'proc'), stdio: 'ignore' });
        await new Promise((r) => setTimeout(r, 300));
      });
      cleanups.push(() => void child?.kill('SIGKILL'));
      expect(await mountsBelow(root)).toEqual([]);
      expect(child?.exitCode).toBeNull(); // not ended: it merely sat there
    },
  );

  itNeeds(
    ['root', 'tool:unshare'],
    'a mount that cannot be unmounted even lazily is an error naming the point and the fix',
    async () => {
      const dir = scratch('locked');
      const point = join(dir, 'mnt');
      mkdirSync(point);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', point]);
      cleanups.push(() => void spawnSync('umount', ['-l', point]));
      const program = await bundle(
        dir,
        `import { unmount } from './src/runtime/mounts.ts';
unmount(process.argv[2], { delayMs: 10 }).then((how) => console.log('UNMOUNTED ' + how), (e) => { console.error(e.message); process.exit(1); });`,
      );
      // Seen from a user namespace a mount inherited from the host is locked: umount is refused.
      const r = spawnSync(
        'unshare',
        ['--user', '--map-root-user', '--mount', '--propagation', 'private', 'node', program, point],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.status, r.stderr + r.stdout).toBe(1);
      expect(r.stderr).toContain(`cannot unmount ${point}`);
      expect(r.stderr).toContain(`umount -R ${point}`);
      expect(await mountsBelow(dir)).toEqual([point]);
    },
  );
});

/** Bundles a small program against src/, so it can run as its own process. */
async function bundle(dir: string, contents: string): Promise<string> {
  const outfile = join(dir, `prog-${Math.random().toString(36).slice(2)}.mjs`);
  await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  return outfile;
}

describe('one build per work folder', () => {
  let progs: string;
  let hold: string;
  let fresh: string;
  beforeAll(async () => {
    progs = scratch('progs');
    hold = await bundle(
      progs,
      `import { claimWorkDir } from './src/builders/workspace.ts';
claimWorkDir(process.argv[2]).then(() => { console.log('HELD'); setTimeout(() => undefined, 60_000); }, (e) => { console.error(e.message); process.exit(1); });`,
    );
    fresh = await bundle(
      progs,
      `import { freshDir } from './src/builders/workspace.ts';
freshDir(process.argv[2]).then(() => console.log('STARTED CLEAN'), (e) => { console.error(e.message); process.exit(1); });`,
    );
  }, 60_000);

  function holder(work: string): Promise<ChildProcess> {
    const child = spawn('node', [hold, work], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => void child.kill('SIGKILL'));
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('HELD') && resolve(child));
      child.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
  }

  it('a second build refuses, naming the folder and the first build pid, and deletes nothing', async () => {
    const work = join(scratch('shared'), 'work');
    const first = await holder(work);
    mkdirSync(join(work, 'rootfs'));
    writeFileSync(join(work, 'rootfs', 'in-use'), 'the first build\n');

    const second = spawnSync('node', [fresh, work], { encoding: 'utf8', timeout: 30_000 });
    expect(second.status, second.stderr).toBe(1);
    expect(second.stdout).not.toContain('STARTED CLEAN');
    expect(second.stderr).toContain(`work-dir: "${work}" is in use by another rpi-build (pid ${first.pid}`);
    expect(second.stderr).toContain('give this build a work-dir of its own');
    expect(readFileSync(join(work, 'rootfs', 'in-use'), 'utf8')).toBe('the first build\n');

    // The real CLI refuses before any phase.
    const { env, canary } = cliEnv();
    const r = cli(['--work-dir', work], env);
    expect(r.status, r.stderr).toBe(2);
    expect(r.seconds).toBeLessThan(15);
    expect(r.stderr).toContain(`is in use by another rpi-build (pid ${first.pid}`);
    expect(r.stderr).not.toContain('==>');
    expect(existsSync(canary)).toBe(false);
    expect(existsSync(join(work, 'rootfs', 'in-use'))).toBe(true);

    // Killed (a stale lock): the next build takes the folder over and starts clean.
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const third = spawnSync('node', [fresh, work], { encoding: 'utf8', timeout: 30_000 });
    expect(third.status, third.stderr).toBe(0);
    expect(third.stdout).toContain('STARTED CLEAN');
    expect(existsSync(join(work, 'rootfs'))).toBe(false);
    // It exited, so its lock went with it.
    expect(readdirSync(work)).toEqual([WORK_MARKER]);
  }, 60_000);

  it('two builds started together: exactly one gets the folder', async () => {
    const work = join(scratch('race'), 'work');
    await claimWorkDir(work); // marked, then given back
    releaseWorkLock(work);
    const both = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<{ code: number | null; err: string }>((resolve) => {
            const c = spawn('node', [hold, work], { stdio: ['ignore', 'pipe', 'pipe'] });
            cleanups.push(() => void c.kill('SIGKILL'));
            let err = '';
            c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
            c.stdout!.on('data', (d: Buffer) => d.toString().includes('HELD') && resolve({ code: 0, err }));
            c.once('exit', (code) => resolve({ code, err }));
          }),
      ),
    );
    expect(both.map((b) => b.code).sort()).toEqual([0, 1]);
    expect(both.find((b) => b.code === 1)!.err).toMatch(/is in use by another rpi-build \(pid \d+/);
  }, 30_000);
});

describe('a log file that cannot be written', () => {
  it('in a folder that does not exist: the command runs, its result returns, a warning says so', async () => {
    const lines = captureLog();
    const logFile = join(scratch('nolog'), 'gone', 'step.log');
    const r = await exec('sh', ['-c', 'echo out; echo err >&2'], { logFile });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('out\n');
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^warning: cannot write the log ${logFile} \\(ENOENT\\)`)),
    );
    // A failing command still fails with its own error (and no pointer to the missing log).
    const err = (await exec('sh', ['-c', 'echo broke >&2; exit 3'], { logFile }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err.message).toMatch(/exited with code 3:\nbroke/);
  });

  itNeeds(
    ['root'],
    'on a full disk: the command runs and returns; stdout to a file there fails plainly',
    async () => {
      const lines = captureLog();
      const disk = scratch('full');
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk]);
      cleanups.push(() => void spawnSync('umount', ['-l', disk]));
      spawnSync('dd', ['if=/dev/zero', `of=${join(disk, 'fill')}`, 'bs=4k'], { stdio: 'ignore' });
      const logFile = join(disk, 'step.log');
      const r = await exec('sh', ['-c', 'head -c 1000000 /dev/zero | tr "\\0" x; echo; echo done'], {
        logFile,
      });
      expect(r.exitCode).toBe(0);
      expect(r.stdout.endsWith('\ndone\n')).toBe(true);
      expect(lines).toContainEqual(expect.stringMatching(/^warning: cannot write the log .*\(ENOSPC\)/));
      await expect(
        exec('sh', ['-c', 'head -c 1000000 /dev/zero'], { stdoutFile: join(disk, 'out.bin') }),
      ).rejects.toThrow(/cannot write its output to .*out\.bin: ENOSPC/);
    },
  );
});
