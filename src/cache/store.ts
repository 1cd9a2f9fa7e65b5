// A cache Store keeps single files (tarballs we make ourselves, as root, so ownership,
// device nodes and modes survive) under keys, with GitHub's matching rules: the exact key
// first, then the newest entry whose key starts with one of the restore keys.
import { errorMessage } from '../runtime/errors.js';
import { logger } from '../runtime/log.js';

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
}

/** A save the build asks for, done only after the whole build succeeded. */
export interface PendingSave {
  what: string;
  key: string;
  file: string;
  /** Older entries under this prefix may be pruned once this one is saved. */
  restorePrefix?: string;
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
