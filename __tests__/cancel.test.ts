// Cancelling a build as a runner does (SIGTERM to the main step in the middle of the root
// filesystem phase), then the post step: nothing of ours stays mounted or running.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { fileScratch } from './support/scratch.js';
import { itNeeds } from './support/needs.js';
import { ROOT, Runner } from './support/runner.js';
import { createHostedUser, removeHostedUser, userDeletes } from './support/hosted-user.js';
import { cleanupWorkDir, processesBelow } from '../src/runtime/work-cleanup.js';

const scratch = fileScratch();

const mountsUnder = (dir: string) =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p.startsWith(`${dir}/`));

const CANCEL_USER = 'rpibuild-hosted-cancel';

/** Starts a cold build, waits until mmdebstrap has its chroot mounted, then cancels it as a runner does. */
async function cancelMidRootfs(runner: Runner) {
  const work = join(runner.temp, 'rpi-build');
  const step = runner.startMain({
    inputs: { cache: 'false', 'boot-test': 'false' },
    timeoutMs: 15 * 60_000,
  });
  const deadline = Date.now() + 10 * 60_000;
  while (mountsUnder(work).length === 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 500));
  expect(mountsUnder(work).length, 'mmdebstrap mounted its chroot').toBeGreaterThan(0);
  step.child.kill('SIGTERM');
  const main = await step.done;
  expect(main.exitCode).not.toBe(0);
  expect(main.stdout).toContain('SIGTERM received; stopping the build');
  const post = await runner.post();
  expect(post.exitCode).toBe(0);
  expect(mountsUnder(work)).toEqual([]);
  expect(post.stdout).toMatch(/nothing remains mounted/);
  // No process of the build is left (mmdebstrap, dpkg under QEMU).
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  expect(ps.split('\n').filter((l) => l.includes(work))).toEqual([]);
  expect(execFileSync('losetup', ['-a'], { encoding: 'utf8' })).not.toContain(work);
  return { work, post };
}

describe('cancellation', () => {
  itNeeds(
    ['root', 'tool:mmdebstrap', 'tool:qemu-aarch64-static', 'tool:sudo', 'tool:useradd'],
    'as a hosted runner user with sudo: a build cancelled mid-rootfs, then the post step as the user, leaves no mount, process or loop device, and nothing the user cannot delete',
    async () => {
      const user = createHostedUser(CANCEL_USER);
      try {
        const runner = new Runner(undefined, user);
        await cancelMidRootfs(runner);
        const del = userDeletes(user, [runner.workspace, runner.temp]);
        expect(del.said).toBe('');
        expect(del.ok).toBe(true);
      } finally {
        removeHostedUser(CANCEL_USER);
      }
    },
    20 * 60_000,
  );

  itNeeds(
    ['root', 'tool:mmdebstrap', 'tool:qemu-aarch64-static'],
    'a build killed during the rootfs phase leaves no mounts and no processes after the post step',
    async () => {
      await cancelMidRootfs(new Runner());
    },
    20 * 60_000,
  );

  itNeeds(
    ['root', 'fixtures'],
    'cleanup ends a process left running in a chroot below the work folder, then unmounts',
    async () => {
      const work = scratch('cleanup');
      const root = join(work, 'rootfs');
      mkdirSync(join(root, 'bin'), { recursive: true });
      mkdirSync(join(root, 'proc'));
      copyFileSync(join(ROOT, '.fixtures', 'arm64', 'bin', 'busybox'), join(root, 'bin', 'busybox'));
      chmodSync(join(root, 'bin', 'busybox'), 0o755);
      execFileSync('mount', ['-t', 'proc', 'proc', join(root, 'proc')]);
      const child = spawn('chroot', [root, '/bin/busybox', 'sleep', '600'], {
        stdio: 'ignore',
        detached: true,
      });
      await new Promise((r) => setTimeout(r, 1000));
      expect(await processesBelow(work)).toContain(child.pid);
      const report = await cleanupWorkDir(work);
      expect(report.summary).toMatch(/ended 1 process\(es\), unmounted 1 mount point/);
      expect(report.remaining).toEqual([]);
      expect(mountsUnder(work)).toEqual([]);
      await new Promise((r) => {
        child.once('exit', r);
        setTimeout(r, 3000);
      });
      expect(await processesBelow(work)).toEqual([]);
    },
  );
});
