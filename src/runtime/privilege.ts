// Privileged steps (binfmt registration, apt-get, mount, chroot) go through here:
// nothing when root, `sudo -n` when it works without a password, a clear error otherwise.
import { spawnSync } from 'node:child_process';
import { PrivilegeError } from './errors.js';

let sudoWorks: boolean | undefined;

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export async function privilegePrefix(what: string): Promise<string[]> {
  if (isRoot()) return [];
  sudoWorks ??= spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!sudoWorks) throw new PrivilegeError(what);
  // Keep the environment our wrapper set (INITRD=No, SOURCE_DATE_EPOCH, …).
  return ['sudo', '-n', '-E'];
}

/** The user who should own files the build writes as root (SUDO_UID when run through sudo). */
export function invokingUser(env: NodeJS.ProcessEnv = process.env): { uid: number; gid: number } | undefined {
  if (isRoot() && env.SUDO_UID && env.SUDO_GID)
    return { uid: Number(env.SUDO_UID), gid: Number(env.SUDO_GID) };
  if (!isRoot() && typeof process.getuid === 'function')
    return { uid: process.getuid(), gid: process.getgid?.() ?? process.getuid() };
  return undefined;
}
