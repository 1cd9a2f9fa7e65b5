// The root filesystem phase with its cache: an exact hit unpacks the base; an entry from an
// older archive state is unpacked and brought up to date with apt; a miss builds it. New or
// refreshed bases are packed for saving, which happens only once the whole build succeeded.
import { archiveStates, rootfsEntry } from '../cache/rootfs-cache.js';
import type { CacheReport, CacheSession } from '../cache/session.js';
import { logger } from '../runtime/log.js';
import { buildBase, refreshBase } from './base.js';
import type { RootfsSpec } from './mmdebstrap.js';

export interface RootfsPaths {
  root: string;
  hooks: string;
  tarball: string;
  log: string;
}

export async function baseWithCache(
  spec: RootfsSpec,
  caches: CacheSession,
  paths: RootfsPaths,
): Promise<CacheReport> {
  // Read first, with or without a cache: an unreachable mirror then fails here, after a few
  // retries and with the fix, instead of minutes later inside mmdebstrap.
  const state = await archiveStates(spec);
  const entry = rootfsEntry(spec, state, paths);
  const restored = await caches.restore(entry);
  if (restored.report.status === 'partial') {
    const { upgraded } = await refreshBase(paths.root, spec.arch, paths.log, spec);
    logger().info(`brought the cached root up to date: ${upgraded} package(s) upgraded`);
  } else if (restored.report.status !== 'hit') {
    await buildBase(spec, paths.root, paths.hooks, paths.log);
  }
  await caches.save(entry, restored);
  return restored.report;
}
