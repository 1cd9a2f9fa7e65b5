// The CLI's store: a folder (~/.cache/rpi-build by default). Entries are files named by key;
// restoring reads them in place (no copy), saving moves the file in.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { moveFile } from '../runtime/files.js';
import type { CacheHit, CacheStore } from './store.js';

/** Entries kept per restore prefix; older archive states are dropped. */
const KEEP_PER_PREFIX = 2;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'rpi-build');
}

const fileName = (key: string): string => `${key.replace(/[^A-Za-z0-9._-]/g, '_')}.cache`;

export class LocalStore implements CacheStore {
  readonly kind = 'local' as const;
  constructor(readonly dir: string) {}

  private async entries(): Promise<{ name: string; mtime: number; size: number }[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out = [];
    for (const name of names.filter((n) => n.endsWith('.cache'))) {
      const st = await stat(join(this.dir, name)).catch(() => undefined);
      if (st) out.push({ name, mtime: st.mtimeMs, size: st.size });
    }
    return out.sort((a, b) => b.mtime - a.mtime);
  }

  async restore(key: string, restoreKeys: string[]): Promise<CacheHit | undefined> {
    const all = await this.entries();
    const exact = all.find((e) => e.name === fileName(key));
    if (exact) return { key, exact: true, path: join(this.dir, exact.name), size: exact.size };
    for (const prefix of restoreKeys) {
      const p = fileName(prefix).slice(0, -'.cache'.length);
      const hit = all.find((e) => e.name.startsWith(p));
      if (hit)
        return {
          key: hit.name.slice(0, -'.cache'.length),
          exact: false,
          path: join(this.dir, hit.name),
          size: hit.size,
        };
    }
    return undefined;
  }

  async save(key: string, file: string, restorePrefix?: string): Promise<boolean> {
    await mkdir(this.dir, { recursive: true });
    const dest = join(this.dir, fileName(key));
    if (
      await stat(dest).then(
        () => true,
        () => false,
      )
    )
      return false;
    const tmp = `${dest}.partial`;
    await moveFile(file, tmp);
    await rename(tmp, dest); // atomic: a reader never sees half an entry
    if (restorePrefix) {
      const p = fileName(restorePrefix).slice(0, -'.cache'.length);
      const same = (await this.entries()).filter((e) => e.name.startsWith(p));
      for (const old of same.slice(KEEP_PER_PREFIX)) await rm(join(this.dir, old.name), { force: true });
    }
    return true;
  }
}
