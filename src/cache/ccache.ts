// ccache for kernel builds: the ccache folder travels through the cache Store as a zstd
// tarball, keyed by kernel arch, defconfig and host, always under a new key (its contents
// change every build) and restored from the newest entry with the same prefix.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exec } from '../runtime/exec.js';
import { formatBytes, logger } from '../runtime/log.js';
import type { CacheReport } from './rootfs-step.js';
import { restoreArchive, type CacheStore, type PendingSave } from './store.js';

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

export async function restoreCcache(
  store: CacheStore,
  prefix: string,
  dir: string,
  tarball: string,
): Promise<CacheReport> {
  await mkdir(dir, { recursive: true });
  await mkdir(dirname(tarball), { recursive: true });
  const { hit, unavailable } = await restoreArchive(store, prefix, [prefix], tarball, {
    what: 'ccache cache',
    instead: 'compiling without it',
    unpack: async (file) => {
      await exec('tar', ['--extract', '--use-compress-program=zstd -d -T0', '-f', file, '-C', dir]);
    },
  });
  if (unavailable) return { name: 'ccache', status: 'error' };
  if (!hit) {
    logger().info(`ccache cache miss: ${prefix}*`);
    return { name: 'ccache', status: 'miss', key: prefix };
  }
  logger().info(`ccache restored from ${hit.key} (${formatBytes(hit.size)}, ${store.kind})`);
  return { name: 'ccache', status: 'hit', key: hit.key, size: hit.size };
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

/** Trims the cache to its cap, then packs it for saving after the build succeeds. */
export async function packCcache(
  env: Record<string, string>,
  dir: string,
  tarball: string,
  key: string,
  prefix: string,
  pending: PendingSave[],
): Promise<void> {
  await exec('ccache', ['--cleanup'], { env });
  await exec('tar', ['--create', '--use-compress-program=zstd -T0 -3', '-f', tarball, '-C', dir, '.']);
  pending.push({ what: 'ccache', key, file: tarball, restorePrefix: prefix });
}
