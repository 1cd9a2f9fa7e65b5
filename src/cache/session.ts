// The one cache mechanism. Each cached thing (root filesystem, ccache, pi-gen's stage0, tools)
// is a CacheEntry: its keys and how to pack and unpack it, made in one function beside the
// thing it caches. A build's CacheSession restores entries (checked, reported, a broken or
// unreachable cache only warns), queues saves, and commits them once the build succeeded:
// at once on the CLI, by the post step in Actions.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorMessage } from '../runtime/errors.js';
import { formatBytes, logger } from '../runtime/log.js';
import type { PendingSave } from '../runtime/pending.js';
import type { StateWriter } from '../runtime/state.js';
import type { ArchivePolicy } from './archive.js';
import { LocalStore } from './local-store.js';
import { restoreArchive, type CacheHit, type CacheStore } from './store.js';

export type { PendingSave };

export interface CacheReport {
  name: string;
  status: 'hit' | 'partial' | 'miss' | 'disabled' | 'error';
  key?: string;
  size?: number;
}

export interface CacheEntry {
  /** Short name in the summary's cache table ("rootfs", "ccache"). */
  name: string;
  /** Names the cache in messages ("rootfs cache"). */
  what: string;
  /** What the build does without the entry ("building without it"). */
  instead: string;
  /** The exact key restored first (and saved under, unless saveKey says otherwise). */
  key: string;
  /** Prefixes of older entries that may serve when the exact key misses. */
  restoreKeys: string[];
  /** A save's key when it differs from key (ccache: a new key every run). */
  saveKey?: string;
  /** One path for restore and save: the Actions cache matches entries by their paths too. */
  tarball: string;
  /** The listing checks a restored tarball passes before unpack (device nodes, paths). */
  policy?: ArchivePolicy;
  /** A hit on an older entry, in words ("on an older archive state"). */
  olderHit?: string;
  /** An inexact hit counts as a hit (ccache: every entry is older by design). */
  anyHitIsHit?: boolean;
  /** Kept out of the summary's cache table (tools: the step that uses them reports). */
  unreported?: boolean;
  unpack(file: string, hit: CacheHit): Promise<void>;
  pack(file: string): Promise<void>;
}

export interface Restored {
  report: CacheReport;
  hit?: CacheHit;
}

export class CacheSession {
  readonly pending: PendingSave[] = [];

  constructor(
    /** Undefined when caching is off (cache: false). */
    readonly store: CacheStore | undefined,
    readonly readOnly: boolean,
    /** Where restore reports go (the run report's cache table). */
    readonly reports: CacheReport[] = [],
  ) {}

  /** Restores an entry, reports it, and returns the hit (undefined on a miss or a refused entry). */
  async restore(entry: CacheEntry): Promise<Restored> {
    if (!this.store) return this.add(entry, { name: entry.name, status: 'disabled' });
    const store = this.store;
    await mkdir(dirname(entry.tarball), { recursive: true });
    const { hit, unavailable } = await restoreArchive(store, entry.key, entry.restoreKeys, entry.tarball, {
      ...entry.policy,
      what: entry.what,
      instead: entry.instead,
      unpack: (file, h) => entry.unpack(file, h),
    });
    if (unavailable) return this.add(entry, { name: entry.name, status: 'error', key: entry.key });
    if (!hit) {
      logger().info(`${entry.what} miss: ${entry.key}`);
      return this.add(entry, { name: entry.name, status: 'miss', key: entry.key });
    }
    const full = hit.exact || entry.anyHitIsHit === true;
    logger().info(
      `${entry.what} hit${full ? '' : ` ${entry.olderHit ?? 'on an older entry'}`}: ${hit.key} (${formatBytes(hit.size)}, ${store.kind})`,
    );
    return {
      ...this.add(entry, {
        name: entry.name,
        status: full ? 'hit' : 'partial',
        key: hit.key,
        size: hit.size,
      }),
      hit,
    };
  }

  private add(entry: CacheEntry, report: CacheReport): Restored {
    if (!entry.unreported) this.reports.push(report);
    return { report };
  }

  /** Would save() store anything? (No store, read-only, or the exact entry restored: no.) */
  wants(entry: CacheEntry, restored?: Restored): boolean {
    if (!this.store || this.readOnly) return false;
    const saveKey = entry.saveKey ?? entry.key;
    return !(restored?.hit?.exact && restored.hit.key === saveKey);
  }

  /** Packs the entry now and queues its save for when the build has succeeded. */
  async save(entry: CacheEntry, restored?: Restored): Promise<void> {
    if (!this.wants(entry, restored)) return;
    await mkdir(dirname(entry.tarball), { recursive: true });
    await entry.pack(entry.tarball);
    this.pending.push({
      what: entry.name,
      key: entry.saveKey ?? entry.key,
      file: entry.tarball,
      ...(entry.restoreKeys[0] ? { restorePrefix: entry.restoreKeys[0] } : {}),
    });
  }

  /** Saves from another session (a sudo child's) join this one's. */
  adopt(pending: PendingSave[]): void {
    this.pending.push(...pending);
  }

  /**
   * Called once the build succeeded: where a post step follows, the saves are left to it
   * (after the job's own steps); elsewhere they happen now.
   */
  async commit(state: StateWriter): Promise<void> {
    if (!this.store || this.pending.length === 0) return;
    if (state.deferred) {
      state.save('pendingSaves', this.pending);
      if (this.store instanceof LocalStore) state.save('cacheDir', this.store.dir);
    } else await savePending(this.store, this.pending);
  }
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
