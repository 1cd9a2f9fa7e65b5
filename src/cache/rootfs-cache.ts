// The root filesystem cache: the finished base (mmdebstrap output with Pi boot config and
// initramfs) as a zstd tarball, keyed by everything that changes it and by the archive's own
// state, so a new archive state is a new key while older entries still serve as a start.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { exec } from '../runtime/exec.js';
import { refuseMountsBelow } from '../runtime/mounts.js';
import { logger } from '../runtime/log.js';
import { mergedFromStart, type RootfsSpec } from '../rootfs/mmdebstrap.js';
import { archives, type SourcesSpec } from '../rootfs/sources.js';
import { basicAuth, withoutCredentials } from '../runtime/redact.js';
import type { CacheEntry } from './session.js';

/** Bump when the base recipe changes what ends up in the tarball. */
export const ROOTFS_RECIPE = 'v2'; // v2: built from the suite, -updates and -security

const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

export interface RootfsKeys {
  key: string;
  /** Same configuration, any archive state: an older entry to bring up to date. */
  restorePrefix: string;
}

export function rootfsKeys(spec: RootfsSpec, archiveState: string): RootfsKeys {
  const config = sha(
    JSON.stringify({
      recipe: ROOTFS_RECIPE,
      arch: spec.arch,
      suite: spec.suite,
      // Credential-free: a new token is the same archive.
      archives: archives(spec).map((a) => `${a.uri} ${a.suite}`),
      components: [...spec.components].sort(),
      packages: [...spec.packages].sort(),
      // Off is the escape hatch when the host's tools are suspected: never served a root they made.
      ...(spec.nativeTools === false ? { nativeTools: false } : {}),
      // bookworm's root merged by links from the start, not converted by usrmerge (without perl).
      ...(mergedFromStart(spec.suite) ? { usr: 'merged from the start' } : {}),
    }),
  ).slice(0, 16);
  const restorePrefix = `rpi-build-rootfs-${ROOTFS_RECIPE}-${spec.arch}-${spec.suite}-${config}-`;
  return { key: `${restorePrefix}${archiveState}`, restorePrefix };
}

/** fetch() says only "fetch failed" or "terminated"; the reason (ECONNREFUSED, a cut connection) is its cause. */
function fetchFailure(err: unknown): string {
  const e = err as Error & { cause?: Error & { code?: string } };
  return e.cause ? `${e.message}: ${e.cause.message || e.cause.code}` : e.message;
}

/**
 * The state of every archive the root is built from (suite, -updates, -security): one hash of
 * their InRelease files, so a security fix or a point release is a new key. Each archive is
 * read up front, so an unreachable one fails here with the input that names it.
 */
export async function archiveStates(spec: SourcesSpec, tries = 4): Promise<string> {
  const states: string[] = [];
  for (const a of archives(spec)) states.push(await archiveState(a.url, a.suite, tries, a.input));
  return states.length === 1 ? states[0]! : sha(states.join('\n')).slice(0, 16);
}

/** The archive's state: a hash of the suite's InRelease (its Date and every index hash). */
export async function archiveState(
  mirror: string,
  suite: string,
  tries = 4,
  input: 'mirror' | 'security-mirror' = 'mirror',
): Promise<string> {
  // Credentials go in a header, never into a URL that an error or a log line could show.
  const auth = basicAuth(mirror);
  const base = withoutCredentials(mirror).replace(/\/+$/, '');
  const flag = `--${input}`;
  for (const name of ['InRelease', 'Release']) {
    const url = `${base}/dists/${suite}/${name}`;
    if (url.startsWith('file://')) {
      const text = await readFile(fileURLToPath(url)).catch(() => undefined);
      if (text) return sha(text).slice(0, 16);
      continue;
    }
    for (let i = 0; i < tries; i++) {
      try {
        const res = await fetch(url, {
          signal: AbortSignal.timeout(30_000),
          ...(auth ? { headers: { authorization: auth } } : {}),
        });
        if (res.status === 404) break;
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return sha(Buffer.from(await res.arrayBuffer())).slice(0, 16);
      } catch (err) {
        if (i === tries - 1)
          throw new Error(
            `The Debian ${input === 'mirror' ? 'mirror' : 'security archive'} ${base} cannot be reached: reading ${url} failed ${tries} times (${fetchFailure(err)}). Set ${input} (${flag} on the CLI) to a reachable ${input === 'mirror' ? 'Debian mirror such as http://deb.debian.org/debian' : 'security archive such as http://deb.debian.org/debian-security'}, or check the network and any proxy.`,
          );
        const wait = 1000 * 2 ** i;
        logger().warn(`reading ${url} failed (${fetchFailure(err)}); retrying in ${wait / 1000} s`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
  throw new Error(
    `${base}/dists/${suite}/ has no InRelease or Release file: is "${suite}" on this mirror? (${input}, ${flag} on the CLI)`,
  );
}

/** Packs the root as root: numeric owners, device nodes, xattrs (file capabilities) kept. */
export async function packRootfs(
  root: string,
  tarball: string,
  logFile: string,
  members: string[] = ['.'],
): Promise<void> {
  await refuseMountsBelow(root, 'pack'); // never cache a root with /proc or a bind still inside
  logger().progress(`cache: packing ${root.split('/').pop()} (tar, zstd)`);
  await exec(
    'tar',
    [
      '--create',
      '--file',
      tarball,
      '--use-compress-program=zstd -T0 -3',
      '--numeric-owner',
      '--xattrs',
      '--xattrs-include=*',
      '--acls',
      '--one-file-system',
      '-C',
      root,
      ...members,
    ],
    {
      privileged: 'packing the root filesystem',
      logFile,
    },
  );
}

/** What a restored root may hold: device nodes only below its /dev (mmdebstrap makes them there). */
export const ROOTFS_ARCHIVE = { devicesUnder: 'dev', privileged: 'checking the cached root filesystem' };

/** Extracts a root tarball; callers restoring from a cache check it first (restoreArchive). */
export async function unpackRootfs(tarball: string, root: string, logFile: string): Promise<void> {
  await exec('mkdir', ['-p', root], { privileged: 'unpacking the root filesystem' });
  await exec(
    'tar',
    [
      '--extract',
      '--file',
      tarball,
      '--use-compress-program=zstd -d -T0',
      '--numeric-owner',
      '--xattrs',
      '--xattrs-include=*',
      '--acls',
      '-C',
      root,
    ],
    {
      privileged: 'unpacking the root filesystem',
      logFile,
    },
  );
}

/** The root filesystem as a cache entry: exact on the archive state, older states as a start. */
export function rootfsEntry(
  spec: RootfsSpec,
  archiveState: string,
  paths: { root: string; tarball: string; log: string },
): CacheEntry {
  const keys = rootfsKeys(spec, archiveState);
  return {
    name: 'rootfs',
    what: 'rootfs cache',
    instead: 'building without it',
    key: keys.key,
    restoreKeys: [keys.restorePrefix],
    tarball: paths.tarball,
    policy: ROOTFS_ARCHIVE,
    olderHit: 'on an older archive state',
    unpack: (file) => unpackRootfs(file, paths.root, paths.log),
    pack: (file) => packRootfs(paths.root, file, paths.log),
  };
}
