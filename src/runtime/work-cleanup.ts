// Undoes what a killed build left in its work folder: ends processes chrooted below it,
// unmounts (mounts.ts: retries, then lazy) and detaches loop devices. Reports what it did
// and what remains. Builders call it before they start; the post step and `rpi-build
// cleanup` after a build (diagnostics/cleanup.ts).
import { readdir, readlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { exec } from './exec.js';
import { mountsBelow, unmount } from './mounts.js';

export interface CleanupReport {
  unmounted: string[];
  remaining: string[];
  summary: string;
}

/**
 * The processes to end before unmounting below `dir`, in one pass over /proc:
 * - those whose root lies strictly inside `dir`: a chroot left running. Not the folder itself,
 *   and not by program path: a shell cd'd there, or a tool run from there, is not ours to end;
 * - those holding a file open, or their working folder, inside one of `points` (mounts rpi-build
 *   made below its work folder): they keep the mount busy, e.g. the copy out of a base image's
 *   loop mount, which runs with the host's root. Only inside those mounts, never the folder at large.
 */
export async function processesBelow(dir: string, points: string[] = []): Promise<number[]> {
  const root = resolve(dir);
  const inside = (p: string | undefined): boolean =>
    p !== undefined && points.some((m) => p === m || p.startsWith(`${m}/`));
  const pids: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const link = await readlink(`/proc/${entry}/root`).catch(() => undefined);
    if (link?.startsWith(`${root}/`)) {
      pids.push(Number(entry));
      continue;
    }
    if (points.length === 0) continue;
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => [] as string[]);
    const links = await Promise.all(
      [`/proc/${entry}/cwd`, ...fds.map((f) => `/proc/${entry}/fd/${f}`)].map((l) =>
        readlink(l).catch(() => undefined),
      ),
    );
    if (links.some(inside)) pids.push(Number(entry));
  }
  return pids;
}

/** Loop devices whose backing file lies below `dir` (from `losetup --list --json`). */
export async function loopDevicesBelow(dir: string): Promise<string[]> {
  const root = resolve(dir);
  const r = await exec('losetup', ['--list', '--json', '--output', 'NAME,BACK-FILE'], {
    allowFailure: true,
  }).catch(() => undefined);
  if (!r || r.exitCode !== 0 || !r.stdout.trim()) return [];
  const list =
    (JSON.parse(r.stdout) as { loopdevices?: { name: string; 'back-file'?: string }[] }).loopdevices ?? [];
  return list.filter((d) => d['back-file']?.startsWith(`${root}/`)).map((d) => d.name);
}

export async function cleanupWorkDir(dir: string): Promise<CleanupReport> {
  // End what still runs inside the build root, or reads inside a mount of ours, first: a busy
  // mount cannot be unmounted.
  const pids = await processesBelow(dir, await mountsBelow(dir));
  for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone, or not ours to signal */
      }
    }
    if (pids.length && sig === 'SIGTERM') await new Promise((r) => setTimeout(r, 2000));
  }
  const unmounted: string[] = [];
  for (const p of await mountsBelow(dir)) {
    // A point that stays mounted is reported in `remaining` below; the caller decides.
    if (await unmount(p).catch(() => undefined)) unmounted.push(p);
  }
  // A loop mount's device is freed as its last user goes: give that a moment before detaching.
  for (let i = 0; i < 20 && (await loopDevicesBelow(dir)).length; i++)
    await new Promise((r) => setTimeout(r, 100));
  const detached: string[] = [];
  for (const dev of await loopDevicesBelow(dir)) {
    const r = await exec('losetup', ['--detach', dev], {
      privileged: 'detaching loop devices',
      allowFailure: true,
    }).catch(() => undefined);
    if (r?.exitCode === 0) detached.push(dev);
  }
  const remaining = await mountsBelow(dir);
  const loops = await loopDevicesBelow(dir);
  const summary =
    `rpi-build cleanup: ended ${pids.length} process(es), unmounted ${unmounted.length} mount point(s), detached ${detached.length} loop device(s) below ${dir}` +
    (remaining.length || loops.length
      ? `; still there: ${[...remaining, ...loops].join(', ')}`
      : '; nothing remains mounted.');
  return { unmounted, remaining: [...remaining, ...loops], summary };
}
