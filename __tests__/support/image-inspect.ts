// Reads a built image the way a person would check it, without mounting it:
// sfdisk for the table, mtools for the FAT partition, debugfs for the ext4 root.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const env = { ...process.env, MTOOLS_SKIP_CHECK: '1', PATH: `${process.env.PATH}:/usr/sbin:/sbin` };
export const run = (cmd: string, ...args: string[]): string =>
  execFileSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });

export interface Partition {
  start: number;
  size: number;
  type: string;
}

export function partitions(image: string): { label: string; partitions: Partition[] } {
  const t = JSON.parse(run('sfdisk', '--json', image)).partitiontable;
  return {
    label: t.label,
    partitions: t.partitions.map((p: { start: number; size: number; type: string }) => ({
      start: p.start * 512,
      size: p.size * 512,
      type: p.type,
    })),
  };
}

export const fatList = (image: string, offset: number, dir = '::'): string =>
  run('mdir', '-b', '-i', `${image}@@${offset}`, dir);
export const fatRead = (image: string, offset: number, name: string): string =>
  run('mtype', '-i', `${image}@@${offset}`, `::${name}`);

/** debugfs on the root partition. */
export const debugfs = (image: string, offset: number, request: string): string =>
  execFileSync('debugfs', ['-R', request, `${image}?offset=${offset}`], {
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });

/** Follows symlinks (absolute and relative, through /bin -> usr/bin) to the file's real path. */
export function resolveInExt4(image: string, offset: number, path: string): string {
  let parts = path.split('/').filter(Boolean);
  for (let hops = 0; hops < 40; hops++) {
    let resolved = '';
    let changed = false;
    for (let i = 0; i < parts.length; i++) {
      const candidate = `${resolved}/${parts[i]}`;
      const m = /Fast link dest: "([^"]+)"/.exec(debugfs(image, offset, `stat ${candidate}`));
      if (m) {
        const target = m[1]!;
        const base = target.startsWith('/') ? [] : resolved.split('/').filter(Boolean);
        parts = [...base, ...target.split('/').filter(Boolean), ...parts.slice(i + 1)];
        const norm: string[] = [];
        for (const p of parts) {
          if (p === '..') norm.pop();
          else if (p !== '.') norm.push(p);
        }
        parts = norm;
        changed = true;
        break;
      }
      resolved = candidate;
    }
    if (!changed) return `/${parts.join('/')}`;
  }
  throw new Error(`too many links resolving ${path}`);
}

export function dumpFromExt4(image: string, offset: number, path: string, dest: string): string {
  debugfs(image, offset, `dump ${resolveInExt4(image, offset, path)} ${dest}`);
  return dest;
}

export function describeFile(path: string): string {
  return run('file', '-b', path);
}

export const fixturesDir = (root: string): string => join(root, '.fixtures');
