// The Actions cache (@actions/cache) as a Store. The client hashes the cached paths, as
// written, into the entry's version and stores files relative to the workspace, so an absolute
// path under RUNNER_TEMP would tie an entry to one runner's folder layout (self-hosted fleets,
// two runners on a host never hit each other's entries). Entries therefore pass through a
// fixed folder inside the workspace, named by a relative path, for only as long as the client
// needs them there; the file lives at `dest` otherwise.
import * as cache from '@actions/cache';
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { moveFile } from '../runtime/files.js';
import type { CacheHit, CacheStore } from './store.js';

/** The transfer folder, relative to the workspace: the same string on every runner. */
export const TRANSFER_DIR = '.rpi-build-cache-transfer';

function workspace(): string {
  return process.env.GITHUB_WORKSPACE ?? process.cwd();
}

/** Runs fn with the workspace as the current folder (the client resolves relative paths there). */
async function inWorkspace<T>(fn: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(workspace());
  try {
    return await fn();
  } finally {
    process.chdir(before);
  }
}

export class ActionsStore implements CacheStore {
  readonly kind = 'actions' as const;

  static available(): boolean {
    return cache.isFeatureAvailable();
  }

  async restore(key: string, restoreKeys: string[], dest: string): Promise<CacheHit | undefined> {
    const rel = `${TRANSFER_DIR}/${basename(dest)}`;
    const abs = join(workspace(), rel);
    try {
      // The client turns service failures (500, down) into a warning and a miss.
      const matched = await inWorkspace(() => cache.restoreCache([rel], key, restoreKeys));
      if (!matched) return undefined;
      await moveFile(abs, dest);
      const size = (await stat(dest)).size;
      return { key: matched, exact: matched === key, path: dest, size };
    } finally {
      await rm(join(workspace(), TRANSFER_DIR), { recursive: true, force: true });
    }
  }

  async save(key: string, file: string): Promise<boolean> {
    const rel = `${TRANSFER_DIR}/${basename(file)}`;
    const abs = join(workspace(), rel);
    await mkdir(join(workspace(), TRANSFER_DIR), { recursive: true });
    await moveFile(file, abs);
    try {
      // -1: the key exists already, or the service refused; the client has said which.
      return (await inWorkspace(() => cache.saveCache([rel], key))) !== -1;
    } finally {
      // Back where the build left it (the post step may still read it), and the workspace clean.
      await moveFile(abs, file).catch(() => undefined);
      await rm(join(workspace(), TRANSFER_DIR), { recursive: true, force: true });
    }
  }
}
