// The root filesystem phase with its cache: an exact hit unpacks the base; an entry from an
// older archive state is unpacked and brought up to date with apt; a miss builds it. New or
// refreshed bases are packed for saving, which happens only once the whole build succeeded.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BuildConfig } from '../config/schema.js';
import { buildBase, refreshBase } from '../rootfs/base.js';
import type { RootfsSpec } from '../rootfs/mmdebstrap.js';
import { errorMessage } from '../runtime/errors.js';
import { formatBytes, inActions, logger } from '../runtime/log.js';
import { saveState } from '../runtime/state.js';
import { LocalStore } from './local-store.js';
import { ROOTFS_ARCHIVE, archiveStates, packRootfs, rootfsKeys, unpackRootfs } from './rootfs-cache.js';
import { restoreArchive, type CacheStore, type PendingSave } from './store.js';

export interface CacheReport {
  name: string;
  status: 'hit' | 'partial' | 'miss' | 'disabled' | 'error';
  key?: string;
  size?: number;
}

export interface RootfsPaths {
  root: string;
  hooks: string;
  tarball: string;
  log: string;
}

export async function rootfsWithCache(
  spec: RootfsSpec,
  config: Pick<BuildConfig, 'cache' | 'cacheReadOnly'>,
  store: CacheStore | undefined,
  paths: RootfsPaths,
  pending: PendingSave[],
): Promise<CacheReport> {
  const log = logger();
  // Read first, with or without a cache: an unreachable mirror then fails here, after a few
  // retries and with the fix, instead of minutes later inside mmdebstrap.
  const state = await archiveStates(spec);
  if (!config.cache || !store) {
    await buildBase(spec, paths.root, paths.hooks, paths.log);
    return { name: 'rootfs', status: 'disabled' };
  }
  const keys = rootfsKeys(spec, state);
  await mkdir(dirname(paths.tarball), { recursive: true });
  const { hit } = await restoreArchive(store, keys.key, [keys.restorePrefix], paths.tarball, {
    ...ROOTFS_ARCHIVE,
    what: 'rootfs cache',
    instead: 'building without it',
    unpack: (file) => unpackRootfs(file, paths.root, paths.log),
  });
  const report: CacheReport = { name: 'rootfs', status: 'miss', key: keys.key };
  if (hit) {
    log.info(
      `rootfs cache ${hit.exact ? 'hit' : 'hit on an older archive state'}: ${hit.key} (${formatBytes(hit.size)}, ${store.kind})`,
    );
    report.size = hit.size;
    if (hit.exact) return { ...report, status: 'hit' };
    const { upgraded } = await refreshBase(paths.root, spec.arch, paths.log, spec);
    log.info(`brought the cached root up to date: ${upgraded} package(s) upgraded`);
    report.status = 'partial';
  } else {
    log.info(`rootfs cache miss: ${keys.key}`);
    await buildBase(spec, paths.root, paths.hooks, paths.log);
  }
  if (!config.cacheReadOnly) {
    await packRootfs(paths.root, paths.tarball, paths.log);
    pending.push({ what: 'rootfs', key: keys.key, file: paths.tarball, restorePrefix: keys.restorePrefix });
  }
  return report;
}

/** Saves what the build asked for; a failing cache only warns. Returns what was saved. */
export async function savePending(store: CacheStore, pending: PendingSave[]): Promise<CacheReport[]> {
  const out: CacheReport[] = [];
  for (const p of pending) {
    try {
      const saved = await store.save(p.key, p.file, p.restorePrefix);
      logger().info(
        saved
          ? `saved ${p.what} cache ${p.key} (${store.kind})`
          : `${p.what} cache ${p.key} exists; not saved again`,
      );
      if (saved) out.push({ name: p.what, status: 'miss', key: p.key });
    } catch (err) {
      logger().warn(`could not save the ${p.what} cache (${errorMessage(err)}); the build itself succeeded`);
    }
  }
  return out;
}

/**
 * Called once the build succeeded: in Actions the post step saves (after the job's own
 * steps), elsewhere the saves happen now.
 */
export async function commitPending(store: CacheStore | undefined, pending: PendingSave[]): Promise<void> {
  if (!store || pending.length === 0) return;
  if (inActions()) {
    saveState('pendingSaves', pending);
    if (store instanceof LocalStore) saveState('cacheDir', store.dir);
  } else await savePending(store, pending);
}
