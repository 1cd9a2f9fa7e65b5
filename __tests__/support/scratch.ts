// Scratch folders for one test file, removed when it ends, so the big builds of one file do
// not eat the disk the next file's builds need. A folder with anything still mounted below it
// is left alone (removing through a bind mount would delete the mount's source).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountsBelow } from '../../src/runtime/mounts.js';

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
        else rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
