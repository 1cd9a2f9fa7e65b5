// Unmounts whatever is still mounted below the work folder, deepest first, with
// retries and a lazy unmount as the last resort. Reports what it did and what remains.
import { readFile, readdir, readlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { exec } from '../runtime/exec.js';

export interface CleanupReport {
  unmounted: string[];
  remaining: string[];
  summary: string;
}

/** Mount points below `dir` (not `dir` itself), deepest first (from /proc/self/mountinfo, octal escapes decoded). */
export async function mountsBelow(dir: string): Promise<string[]> {
  const root = resolve(dir);
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .filter(Boolean)
    .map((l) =>
      l.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))),
    )
    // Strictly below: the folder itself may be a mount the user made for the build (a larger
    // disk, a tmpfs); only what was mounted inside it is ours to undo.
    .filter((p) => p.startsWith(`${root}/`));
  return [...new Set(points)].sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
}

/** Processes whose root or program lies below `dir`: a chroot left running (a shell merely cd'd there is spared). */
export async function processesBelow(dir: string): Promise<number[]> {
  const root = resolve(dir);
  const inside = (p: string | undefined): boolean => !!p && (p === root || p.startsWith(`${root}/`));
  const pids: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const links = await Promise.all(
      ['root', 'exe'].map((l) => readlink(`/proc/${entry}/${l}`).catch(() => undefined)),
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
  // End what still runs inside the build root first: a busy mount cannot be unmounted.
  const pids = await processesBelow(dir);
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
  for (let attempt = 0; attempt < 3; attempt++) {
    const points = await mountsBelow(dir);
    if (points.length === 0) break;
    for (const p of points) {
      const lazy = attempt === 2 ? ['--lazy'] : [];
      const r = await exec('umount', [...lazy, p], { privileged: 'unmounting', allowFailure: true }).catch(
        () => undefined,
      );
      if (r?.exitCode === 0) unmounted.push(p);
    }
    if (attempt < 2) await new Promise((r) => setTimeout(r, 500));
  }
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

/**
 * Removes the bulky, root-owned parts of a build (the runner's own cleanup runs as an
 * ordinary user and could not), keeping logs/ for diagnostics. Only when nothing is mounted.
 */
export async function removeBuildTrees(dir: string): Promise<string[]> {
  if ((await mountsBelow(dir)).length > 0) return [];
  const removed: string[] = [];
  // What each builder leaves: the image's root and stage, the kernel's tree and build, pi-gen's work.
  const trees = ['rootfs', 'boot', 'stage', 'boot-test', 'hooks', 'source', 'build', 'ccache', 'scratch'];
  for (const sub of [...trees, 'pi-gen', 'pi-gen-work', 'pi-gen-deploy', 'pi-gen-stages']) {
    const p = resolve(dir, sub);
    const r = await exec('rm', ['-rf', '--one-file-system', p], {
      privileged: 'removing build files',
      allowFailure: true,
    }).catch(() => undefined);
    if (r?.exitCode === 0) removed.push(p);
  }
  return removed;
}
