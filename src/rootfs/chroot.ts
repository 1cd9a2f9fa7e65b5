// Running programs inside the (emulated) root filesystem. The API file systems are mounted
// for the duration and always unmounted; the post step catches what a kill leaves behind.
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecError, errorMessage } from '../runtime/errors.js';
import { exec, type ExecOptions, type ExecResult } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import { unmount } from '../runtime/mounts.js';

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
  let failure: { err: unknown } | undefined;
  let result: T | undefined;
  try {
    await mount(['-t', 'proc', 'proc'], join(root, 'proc'));
    await mount(['-t', 'sysfs', 'sysfs'], join(root, 'sys'));
    await mount(['--bind', '/dev'], join(root, 'dev'));
    await mount(['--bind', '/dev/pts'], join(root, 'dev', 'pts'));
    await writeFile(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    // Customize scripts may use apt; give them the host's resolver for the duration.
    await rm(resolv, { force: true });
    await copyFile('/etc/resolv.conf', resolv).catch(() => undefined);
    result = await fn();
  } catch (err) {
    failure = { err };
  }
  await rm(policy, { force: true });
  await rm(resolv, { force: true });
  // Every mount is tried; one left mounted stops the build (the root must not be packed so).
  const stuck: string[] = [];
  for (const m of mounted.reverse()) {
    await unmount(m, log).catch((err: unknown) => stuck.push(errorMessage(err)));
  }
  if (stuck.length) {
    const after = failure ? ` (after the chroot step failed: ${errorMessage(failure.err)})` : '';
    throw new Error(`${stuck.join('; ')}${after}`, failure ? { cause: failure.err } : {});
  }
  if (failure) throw failure.err;
  return result as T;
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

/**
 * Runs argv inside the root in a log group, every line shown: a user's script or commands. A
 * non-zero exit is an ExecError named `what`, carrying the last lines of the output.
 */
export async function inChrootShown(
  root: string,
  argv: string[],
  group: string,
  what: string,
  logFile: string,
): Promise<void> {
  const tail: string[] = [];
  await logger().group(group, async () => {
    const r = await inChroot(root, argv, {
      logFile,
      allowFailure: true,
      onLine: (line) => {
        logger().info(line);
        tail.push(line);
        if (tail.length > 40) tail.shift();
      },
    });
    if (r.exitCode !== 0) throw new ExecError(what, r.exitCode, r.signal, tail.join('\n'), logFile);
  });
}
