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

/** Fails when any of the strings occurs anywhere in the file's bytes (a secret in an image). */
export function bytesContaining(file: string, needles: string[]): string[] {
  return needles.filter((n) => {
    try {
      execFileSync('grep', ['-q', '-a', '-F', '--', n, file], { stdio: 'ignore' });
      return true; // grep found it
    } catch {
      return false;
    }
  });
}

/** name -> version of one archive's Packages index for an arch (read from the network now). */
export function archivePackages(base: string, suite: string, arch: string): Map<string, string> {
  const xz = execFileSync('curl', ['-fsSL', `${base}/dists/${suite}/main/binary-${arch}/Packages.xz`], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const text = execFileSync('xz', ['-dc'], { input: xz, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' });
  const out = new Map<string, string>();
  for (const stanza of text.split('\n\n')) {
    const name = /^Package: (.+)$/m.exec(stanza)?.[1];
    const version = /^Version: (.+)$/m.exec(stanza)?.[1];
    if (name && version) out.set(name, version);
  }
  return out;
}

/**
 * The manifest's packages whose version exists only in <suite>-security (not in the suite or
 * -updates), and those the security archive has a security-only version of. An image built
 * with the security archive has every one of the second list in the first, except for a fix
 * published between the build and this read.
 */
export function securityVersions(
  manifest: string,
  suite: string,
  arch: string,
): { fromSecurity: string[]; candidates: string[] } {
  const security = archivePackages('http://deb.debian.org/debian-security', `${suite}-security`, arch);
  const main = archivePackages('http://deb.debian.org/debian', suite, arch);
  const updates = archivePackages('http://deb.debian.org/debian', `${suite}-updates`, arch);
  const fromSecurity: string[] = [];
  const candidates: string[] = [];
  for (const line of manifest.trim().split('\n')) {
    const [name, version] = line.split('\t') as [string, string];
    const sec = security.get(name);
    if (!sec || sec === main.get(name) || sec === updates.get(name)) continue;
    candidates.push(`${name} ${sec}`);
    if (version === sec) fromSecurity.push(`${name} ${version}`);
  }
  return { fromSecurity, candidates };
}
