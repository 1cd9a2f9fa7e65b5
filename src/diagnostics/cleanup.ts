// Unmounts whatever is still mounted below the work folder, deepest first, with
// retries and a lazy unmount as the last resort. Reports what it did and what remains.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { exec } from '../runtime/exec.js';

export interface CleanupReport {
  unmounted: string[];
  remaining: string[];
  summary: string;
}

/** Mount points at or below `dir`, deepest first (from /proc/self/mountinfo, octal escapes decoded). */
export async function mountsBelow(dir: string): Promise<string[]> {
  const root = resolve(dir);
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .filter(Boolean)
    .map((l) =>
      l.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))),
    )
    .filter((p) => p === root || p.startsWith(`${root}/`));
  return [...new Set(points)].sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
}

export async function cleanupWorkDir(dir: string): Promise<CleanupReport> {
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
  const remaining = await mountsBelow(dir);
  const summary =
    `rpi-build cleanup: unmounted ${unmounted.length} mount point(s) below ${dir}` +
    (remaining.length ? `; still mounted: ${remaining.join(', ')}` : '; nothing remains mounted.');
  return { unmounted, remaining, summary };
}

/**
 * Removes the bulky, root-owned parts of a build (the runner's own cleanup runs as an
 * ordinary user and could not), keeping logs/ for diagnostics. Only when nothing is mounted.
 */
export async function removeBuildTrees(dir: string): Promise<string[]> {
  if ((await mountsBelow(dir)).length > 0) return [];
  const removed: string[] = [];
  for (const sub of ['rootfs', 'boot', 'stage', 'boot-test', 'hooks']) {
    const p = resolve(dir, sub);
    const r = await exec('rm', ['-rf', '--one-file-system', p], {
      privileged: 'removing build files',
      allowFailure: true,
    }).catch(() => undefined);
    if (r?.exitCode === 0) removed.push(p);
  }
  return removed;
}
