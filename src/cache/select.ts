// Which store serves this run: inside GitHub Actions with the cache service available, the
// Actions cache; otherwise a local folder (the CLI's default, ~/.cache/rpi-build, or cache-dir).
import type { BuildConfig } from '../config/schema.js';
import { inActions } from '../runtime/log.js';
import { ActionsStore } from './actions-store.js';
import { LocalStore, defaultCacheDir } from './local-store.js';
import type { CacheStore } from './store.js';

export function selectStore(config: Pick<BuildConfig, 'cacheDir'>): CacheStore {
  if (!config.cacheDir && inActions() && ActionsStore.available()) return new ActionsStore();
  return new LocalStore(config.cacheDir ?? defaultCacheDir());
}
