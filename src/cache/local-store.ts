// The CLI's store: a folder (~/.cache/rpi-build by default). Entries are files named by key;
// restoring reads them in place (no copy). Saving is safe with several builds sharing the
// folder (two self-hosted runners on one host, two terminals): each writes its own temporary
// file, checks it, and links it in under the entry's name only if no entry exists, so the
// first whole entry wins and a reader never sees half of one.
import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { exists, moveFile } from '../runtime/files.js';
import { checkWhole } from './archive.js';
import type { CacheHit, CacheStore } from './store.js';

/** Entries kept per restore prefix; older archive states are dropped. */
const KEEP_PER_PREFIX = 2;
/** A temporary file this old belongs to a save that died (a save takes seconds to minutes). */
const STALE_PARTIAL_MS = 24 * 3600 * 1000;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'rpi-build');
}

const fileName = (key: string): string => `${key.replace(/[^A-Za-z0-9._-]/g, '_')}.cache`;

export class LocalStore implements CacheStore {
  readonly kind = 'local' as const;
  /** Inode of each entry handed out by restore: discard deletes only that file, not a newer one. */
  private readonly restored = new Map<string, number>();
  constructor(readonly dir: string) {}

  private async entries(): Promise<{ name: string; mtime: number; size: number; ino: number }[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out = [];
    for (const name of names.filter((n) => n.endsWith('.cache') && !n.startsWith('.'))) {
      const st = await stat(join(this.dir, name)).catch(() => undefined);
      if (st) out.push({ name, mtime: st.mtimeMs, size: st.size, ino: st.ino });
    }
    return out.sort((a, b) => b.mtime - a.mtime);
  }

  async restore(key: string, restoreKeys: string[]): Promise<CacheHit | undefined> {
    const all = await this.entries();
    const found = (e: (typeof all)[number], exact: boolean): CacheHit => {
      const path = join(this.dir, e.name);
      this.restored.set(path, e.ino);
      return { key: exact ? key : e.name.slice(0, -'.cache'.length), exact, path, size: e.size };
    };
    const exact = all.find((e) => e.name === fileName(key));
    if (exact) return found(exact, true);
    for (const prefix of restoreKeys) {
      const p = fileName(prefix).slice(0, -'.cache'.length);
      const hit = all.find((e) => e.name.startsWith(p));
      if (hit) return found(hit, false);
    }
    return undefined;
  }

  async discard(hit: CacheHit): Promise<void> {
    const ino = this.restored.get(hit.path);
    const st = await stat(hit.path).catch(() => undefined);
    // Another build may have replaced the damaged entry with a good one meanwhile: keep that.
    if (st && (ino === undefined || st.ino === ino)) await rm(hit.path, { force: true });
  }

  async save(key: string, file: string, restorePrefix?: string): Promise<boolean> {
    await mkdir(this.dir, { recursive: true });
    await this.pruneStale();
    const dest = join(this.dir, fileName(key));
    if (await exists(dest)) return false;
    // Hidden and unique per save: two builds never write the same file.
    const tmp = join(this.dir, `.${fileName(key)}.${process.pid}.${randomBytes(6).toString('hex')}.partial`);
    try {
      await moveFile(file, tmp);
      await checkWhole(tmp);
      if (!(await linkNew(tmp, dest))) return false;
    } finally {
      await rm(tmp, { force: true });
    }
    if (restorePrefix) {
      const p = fileName(restorePrefix).slice(0, -'.cache'.length);
      const same = (await this.entries()).filter((e) => e.name.startsWith(p));
      for (const old of same.slice(KEEP_PER_PREFIX)) await rm(join(this.dir, old.name), { force: true });
    }
    return true;
  }

  /** Temporary files of saves that died long ago. */
  private async pruneStale(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.startsWith('.') && n.endsWith('.partial'))) {
      const st = await stat(join(this.dir, name)).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > STALE_PARTIAL_MS) await rm(join(this.dir, name), { force: true });
    }
  }
}

/**
 * Puts `tmp` under the name `dest` unless `dest` exists: link(2) fails with EEXIST instead of
 * overwriting, so of two builds saving one key the first whole entry stays. False when it existed.
 */
async function linkNew(tmp: string, dest: string): Promise<boolean> {
  try {
    await link(tmp, dest);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A filesystem without hard links: a rename after a last look (a small window, not a mix).
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    if (await exists(dest)) return false;
    await rename(tmp, dest);
    return true;
  }
}
