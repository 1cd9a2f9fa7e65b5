// A cache Store keeps single files (tarballs we make ourselves, as root, so ownership,
// device nodes and modes survive) under keys, with GitHub's matching rules: the exact key
// first, then the newest entry whose key starts with one of the restore keys.
import { rm } from 'node:fs/promises';
import { errorMessage } from '../runtime/errors.js';
import { logger } from '../runtime/log.js';
import { checkArchive, UnusableEntry, type ArchivePolicy } from './archive.js';

export type { PendingSave } from '../runtime/pending.js';

export interface CacheHit {
  /** The key that matched (equal to the asked key on an exact hit). */
  key: string;
  exact: boolean;
  /** Where the restored file is. */
  path: string;
  size: number;
}

export interface CacheStore {
  readonly kind: 'actions' | 'local';
  restore(key: string, restoreKeys: string[], dest: string): Promise<CacheHit | undefined>;
  /** Saves the file under the key; false when the key exists already (entries are immutable). */
  save(key: string, file: string, restorePrefix?: string): Promise<boolean>;
  /** Drops an entry found damaged or refused, so the next build does not hit it again. */
  discard?(hit: CacheHit): Promise<void>;
}

/**
 * store.restore for a build: a cache that is down or answers 500 must not stop it, so the
 * failure is warned about with what happens instead, and `unavailable` tells it from a miss.
 */
export async function restoreOrWarn(
  store: CacheStore,
  key: string,
  restoreKeys: string[],
  dest: string,
  what: string,
  instead: string,
): Promise<{ hit?: CacheHit; unavailable: boolean }> {
  try {
    const hit = await store.restore(key, restoreKeys, dest);
    return hit ? { hit, unavailable: false } : { unavailable: false };
  } catch (err) {
    logger().warn(`${what} unavailable (${errorMessage(err)}); ${instead}`);
    return { unavailable: true };
  }
}

export interface ArchiveRestore extends ArchivePolicy {
  /** Names the cache in messages ("rootfs cache"). */
  what: string;
  /** What the build does without the entry ("building without it"). */
  instead: string;
  /** Extracts the checked tarball; an UnusableEntry it throws is a miss like a damaged tarball. */
  unpack: (file: string, hit: CacheHit) => Promise<void>;
}

/**
 * The one restore for tarball entries: restoreOrWarn, then the listing check (whole, nothing
 * outside the target, device nodes only where a root has them), then `unpack`. An entry that
 * fails a check is dropped (the local store deletes it; a downloaded copy is removed), warned
 * about by key and reported as a miss: the build goes on as if there were no entry.
 */
export async function restoreArchive(
  store: CacheStore,
  key: string,
  restoreKeys: string[],
  dest: string,
  opts: ArchiveRestore,
): Promise<{ hit?: CacheHit; unavailable: boolean; refused?: string }> {
  const r = await restoreOrWarn(store, key, restoreKeys, dest, opts.what, opts.instead);
  if (!r.hit) return r;
  const hit = r.hit;
  let refused = await checkArchive(hit.path, opts);
  if (!refused) {
    try {
      await opts.unpack(hit.path, hit);
      return r;
    } catch (err) {
      if (!(err instanceof UnusableEntry)) throw err;
      refused = err.message;
    }
  }
  const dropped = await (store.discard ? store.discard(hit) : rm(hit.path, { force: true })).then(
    () => 'deleted it',
    (err: unknown) => `could not delete it: ${errorMessage(err)}`,
  );
  logger().warn(`${opts.what} entry ${hit.key} ${refused}; ${dropped}; ${opts.instead}`);
  return { unavailable: false, refused };
}
