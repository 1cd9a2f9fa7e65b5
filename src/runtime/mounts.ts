// Mount points below a folder, the one way rpi-build unmounts (retries, then lazy, then an
// error naming the point), and the check that a tree holds nothing mounted before it is
// packed or written into an image (or the host's /proc, /sys, /dev would go in with it).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { exec } from './exec.js';

function decode(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

async function mountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => decode(l.split(' ')[4]!));
}

/** Mount points below `dir` (not `dir` itself), deepest first (from /proc/self/mountinfo). */
export async function mountsBelow(dir: string): Promise<string[]> {
  const root = resolve(dir);
  // Strictly below: the folder itself may be a mount the user made for the build (a larger
  // disk, a tmpfs); only what was mounted inside it is ours to undo.
  const points = (await mountPoints()).filter((p) => p.startsWith(`${root}/`));
  return [...new Set(points)].sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
}

export async function isMounted(point: string): Promise<boolean> {
  const p = resolve(point);
  return (await mountPoints()).includes(p);
}

export interface UnmountOptions {
  logFile?: string;
  /** Plain attempts before the lazy one (default 3). */
  tries?: number;
  delayMs?: number;
}

/**
 * Unmounts `point` (every mount stacked on it): plain umount with retries (a process may be
 * leaving), then a lazy one (detached now, freed when the last user goes), and if even that
 * leaves it mounted, an error naming the point and the fix. How it went: 'plain' or 'lazy'.
 */
export async function unmount(point: string, opts: UnmountOptions = {}): Promise<'plain' | 'lazy'> {
  const tries = opts.tries ?? 3;
  const log = opts.logFile ? { logFile: opts.logFile } : {};
  const run = (args: string[]) =>
    exec('umount', [...args, point], { privileged: 'unmounting', allowFailure: true, ...log });
  let said = '';
  for (let i = 0; i < tries; i++) {
    const r = await run([]);
    said = r.stderr.trim() || said;
    if (!(await isMounted(point))) return 'plain';
    if (r.exitCode === 0) continue; // one of several stacked mounts went; go on at once
    await new Promise((res) => setTimeout(res, opts.delayMs ?? 500));
  }
  const r = await run(['--lazy']);
  said = r.stderr.trim() || said;
  // A lazy unmount detaches each stacked mount; a few rounds clear a stack.
  for (let i = 0; i < 4 && (await isMounted(point)); i++) await run(['--lazy']);
  if (!(await isMounted(point))) return 'lazy';
  throw new Error(
    `cannot unmount ${point}${said ? ` (${said.split('\n').pop()})` : ''}. End what still uses it, then run "umount -R ${point}" as root; until then nothing below it is removed or packed.`,
  );
}

/**
 * Refuses to read `dir` as a tree to pack or write into an image while anything is mounted
 * below it: the mounted file systems (the host's /proc, /sys, /dev, a bind) would go in too.
 */
export async function refuseMountsBelow(dir: string, what: string): Promise<void> {
  const points = await mountsBelow(dir);
  if (points.length === 0) return;
  throw new Error(
    `refusing to ${what} ${dir}: still mounted below it: ${points.join(', ')}. The mounted files (the host's, not the image's) would go in with it. A customize step or an earlier build left it mounted: unmount it (umount -R ${points[points.length - 1]}) and build again.`,
  );
}
