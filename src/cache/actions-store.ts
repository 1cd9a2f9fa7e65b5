// The Actions cache (@actions/cache) as a Store. It restores a file to the path it was saved
// from, so the tarball always lives at the same place in the work folder (under RUNNER_TEMP).
import * as cache from '@actions/cache';
import { stat } from 'node:fs/promises';
import type { CacheHit, CacheStore } from './store.js';

export class ActionsStore implements CacheStore {
  readonly kind = 'actions' as const;

  static available(): boolean {
    return cache.isFeatureAvailable();
  }

  async restore(key: string, restoreKeys: string[], dest: string): Promise<CacheHit | undefined> {
    // The client turns service failures (500, down) into a warning and a miss.
    const matched = await cache.restoreCache([dest], key, restoreKeys);
    if (!matched) return undefined;
    const size = (await stat(dest)).size;
    return { key: matched, exact: matched === key, path: dest, size };
  }

  async save(key: string, file: string): Promise<boolean> {
    // -1: the key exists already, or the service refused; the client has said which.
    return (await cache.saveCache([file], key)) !== -1;
  }
}
