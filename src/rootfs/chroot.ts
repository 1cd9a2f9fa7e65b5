// Running programs inside the (emulated) root filesystem. The API file systems are mounted
// for the duration and always unmounted; the post step catches what a kill leaves behind.
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec, type ExecOptions, type ExecResult } from '../runtime/exec.js';

const CHROOT_ENV = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LC_ALL: 'C.UTF-8',
  LANG: 'C.UTF-8',
  DEBIAN_FRONTEND: 'noninteractive',
  HOME: '/root',
};

/** Mounts proc, sys and dev into `root`, runs fn, and unmounts them in reverse order whatever happens. */
export async function withChrootMounts<T>(root: string, fn: () => Promise<T>, logFile?: string): Promise<T> {
  const mounted: string[] = [];
  const log = logFile ? { logFile } : {};
  const mount = async (args: string[], target: string): Promise<void> => {
    await mkdir(target, { recursive: true });
    await exec('mount', [...args, target], { privileged: 'mounting into the root filesystem', ...log });
    mounted.push(target);
  };
  // Services must not start inside the build root.
  const policy = join(root, 'usr', 'sbin', 'policy-rc.d');
  const resolv = join(root, 'etc', 'resolv.conf');
  try {
    await mount(['-t', 'proc', 'proc'], join(root, 'proc'));
    await mount(['-t', 'sysfs', 'sysfs'], join(root, 'sys'));
    await mount(['--bind', '/dev'], join(root, 'dev'));
    await mount(['--bind', '/dev/pts'], join(root, 'dev', 'pts'));
    await writeFile(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    // Customize scripts may use apt; give them the host's resolver for the duration.
    await rm(resolv, { force: true });
    await copyFile('/etc/resolv.conf', resolv).catch(() => undefined);
    return await fn();
  } finally {
    await rm(policy, { force: true });
    await rm(resolv, { force: true });
    for (const m of mounted.reverse()) {
      await exec('umount', [m], { privileged: 'unmounting', allowFailure: true }).catch(async () =>
        exec('umount', ['--lazy', m], { privileged: 'unmounting', allowFailure: true }),
      );
    }
  }
}

/** Runs argv inside the root (through QEMU when the arch is foreign). */
export function inChroot(root: string, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return exec('chroot', [root, ...argv], {
    ...opts,
    cleanEnv: true,
    env: { ...CHROOT_ENV, ...opts.env },
    privileged: 'chroot',
  });
}
