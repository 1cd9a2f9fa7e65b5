// Scratch folders for one test file, removed when it ends, so the big builds of one file do
// not eat the disk the next file's builds need. A folder with anything still mounted below it
// is left alone (removing through a bind mount would delete the mount's source).
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { mountsBelow } from '../../src/runtime/mounts.js';

/**
 * The timeout for removeAll's hook (`afterAll(removeAll, REMOVE_TIMEOUT)`): a file's roots, images
 * and kernel trees can take minutes to delete on a busy 2-core machine (image-build's once took over
 * the 60 s hooks get by default while other files built beside it).
 */
export const REMOVE_TIMEOUT = 5 * 60_000;

export function scratchDirs(): { scratch: (name: string) => string; removeAll: () => Promise<void> } {
  const made: string[] = [];
  return {
    scratch: (name) => {
      const dir = mkdtempSync(join(tmpdir(), `rpi-${name}-`));
      made.push(dir);
      return dir;
    },
    removeAll: async () => {
      for (const dir of made.splice(0)) {
        const mounted = await mountsBelow(dir);
        if (mounted.length)
          console.warn(`left ${dir} in place: still mounted below it: ${mounted.join(', ')}`);
        else await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Scratch folders for the test file that calls this at its top level: the file's `afterAll`
 * removes them, with REMOVE_TIMEOUT. Returns the function that makes one (`scratch('name')`).
 */
export function fileScratch(): (name: string) => string {
  const { scratch, removeAll } = scratchDirs();
  afterAll(removeAll, REMOVE_TIMEOUT);
  return scratch;
}
