// ccache for kernel builds: the ccache folder travels through the cache Store as a zstd
// tarball, keyed by kernel arch, defconfig and host, always under a new key (its contents
// change every build) and restored from the newest entry with the same prefix.
import { mkdir } from 'node:fs/promises';
import { exec } from '../runtime/exec.js';
import type { CacheEntry } from './session.js';

export const CCACHE_RECIPE = 'v1';

export function ccachePrefix(karch: string, defconfig: string): string {
  return `ccache-${CCACHE_RECIPE}-${karch}-${defconfig}-${process.arch}-`;
}

/** A key no earlier run used: the run's id in Actions, the time elsewhere. */
export function ccacheKey(karch: string, defconfig: string, env: NodeJS.ProcessEnv = process.env): string {
  const run = env.GITHUB_RUN_ID ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}` : '';
  return `${ccachePrefix(karch, defconfig)}${run || Date.now().toString(36)}`;
}

export function ccacheEnv(dir: string, maxSizeMiB: number, baseDir: string): Record<string, string> {
  return {
    CCACHE_DIR: dir,
    CCACHE_MAXSIZE: `${maxSizeMiB}M`,
    // Paths under the work folder are hashed relative to it, so a moved work folder still hits.
    CCACHE_BASEDIR: baseDir,
    CCACHE_NOHASHDIR: 'true',
    CCACHE_COMPILERCHECK: 'content',
  };
}

/**
 * The ccache folder as a cache entry: restored from the newest entry of its prefix, trimmed
 * to its cap and saved under a new key each successful build.
 */
export function ccacheEntry(
  karch: string,
  defconfig: string,
  dir: string,
  tarball: string,
  env: Record<string, string>,
): CacheEntry {
  const prefix = ccachePrefix(karch, defconfig);
  return {
    name: 'ccache',
    what: 'ccache cache',
    instead: 'compiling without it',
    key: prefix,
    restoreKeys: [prefix],
    saveKey: ccacheKey(karch, defconfig),
    tarball,
    anyHitIsHit: true,
    unpack: async (file) => {
      await mkdir(dir, { recursive: true });
      await exec('tar', ['--extract', '--use-compress-program=zstd -d -T0', '-f', file, '-C', dir]);
    },
    pack: async (file) => {
      await exec('ccache', ['--cleanup'], { env });
      await exec('tar', ['--create', '--use-compress-program=zstd -T0 -3', '-f', file, '-C', dir, '.']);
    },
  };
}

export interface CcacheStats {
  hits: number;
  misses: number;
}

export async function ccacheStats(env: Record<string, string>): Promise<CcacheStats> {
  const r = await exec('ccache', ['--print-stats'], { env });
  const v = (k: string): number => Number(r.stdout.match(new RegExp(`^${k}\\t(\\d+)`, 'm'))?.[1] ?? 0);
  return { hits: v('direct_cache_hit') + v('preprocessed_cache_hit'), misses: v('cache_miss') };
}
