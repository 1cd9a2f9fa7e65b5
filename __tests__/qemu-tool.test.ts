// QEMU user-mode emulators from the tool cache, for real: qemu-user-static fetched with
// apt-get download into an empty RUNNER_TOOL_CACHE (not installed), only the two emulators
// kept, both running Debian's ARM busybox; found again with no PATH at all (no package
// manager); packed for a cache Store and restored into another runner's empty tool cache.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { itNeeds } from './support/needs.js';
import { fileScratch } from './support/scratch.js';
import { ROOT } from './support/runner.js';
import { readElf } from '../src/binfmt/elf.js';
import { LocalStore } from '../src/cache/local-store.js';
import { CacheSession } from '../src/cache/session.js';
import { QEMU_TOOL, qemuFromToolCache, type ToolOptions } from '../src/tools/qemu-user.js';
import { findTool, packTool, restoreTool } from '../src/tools/tool-cache.js';

// Tool caches hold a cross gcc or QEMU each: removed when the file ends.
const scratch = fileScratch();
const busybox = (arch: string) => join(ROOT, '.fixtures', arch, 'bin', 'busybox');
const options = (): ToolOptions => ({
  caches: new CacheSession(undefined, false),
  scratch: scratch('qemu-scratch'),
});

describe('QEMU user-mode emulators in the tool cache', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    process.env.RUNNER_TEMP = scratch('qemu-temp');
  });
  afterAll(() => {
    process.env = saved;
  });

  itNeeds(
    ['tool:apt-get', 'tool:dpkg-deb', 'fixtures'],
    'fetched once without installing, kept slim, run ARM programs, found again with no PATH',
    async () => {
      process.env.RUNNER_TOOL_CACHE = scratch('qemu-toolcache-a');
      const aarch64 = await qemuFromToolCache('aarch64', options());
      expect(aarch64.startsWith(process.env.RUNNER_TOOL_CACHE)).toBe(true);
      const elf = await readElf(aarch64);
      expect(elf?.dynamic).toBe(false); // static: works inside foreign chroots
      expect(
        execFileSync(aarch64, [busybox('arm64'), 'echo', 'hello from arm64'], { encoding: 'utf8' }),
      ).toBe('hello from arm64\n');
      const arm = await qemuFromToolCache('arm', options());
      expect(execFileSync(arm, [busybox('armhf'), 'echo', 'hello from armhf'], { encoding: 'utf8' })).toBe(
        'hello from armhf\n',
      );
      // Only the two emulators are kept, not the whole package (hundreds of MB).
      const tool = findTool(QEMU_TOOL)!;
      const kept = execFileSync('find', [tool.dir, '-type', 'f'], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .sort();
      // Plus the SHA-256 of each, recorded when the entry was made and checked before use.
      expect(kept.map((f) => f.slice(tool.dir.length + 1))).toEqual([
        '.rpi-build-sha256',
        'PACKAGES',
        'usr/bin/qemu-aarch64-static',
        'usr/bin/qemu-arm-static',
      ]);

      // Warm: nothing is run to find it (no PATH, so no apt-get could be).
      const path = process.env.PATH;
      process.env.PATH = '';
      try {
        expect(await qemuFromToolCache('aarch64', options())).toBe(aarch64);
      } finally {
        process.env.PATH = path;
      }

      // Another runner: the entry packed for a Store and restored into its empty tool cache.
      const store = new LocalStore(scratch('qemu-store'));
      const packing = new CacheSession(store, false);
      await packTool(tool, QEMU_TOOL, packing, scratch('qemu-pack'));
      const pending = packing.pending;
      expect(pending).toHaveLength(1);
      expect(pending[0]!.key).toMatch(
        new RegExp(`^tool-${QEMU_TOOL}-${process.arch}-${tool.version.replace(/\./g, '\\.')}-[0-9a-f]{16}$`),
      );
      expect(await store.save(pending[0]!.key, pending[0]!.file, pending[0]!.restorePrefix)).toBe(true);
      process.env.RUNNER_TOOL_CACHE = scratch('qemu-toolcache-b');
      const restored = await restoreTool(QEMU_TOOL, new CacheSession(store, false), scratch('qemu-restore'));
      expect(restored?.source).toBe('cache');
      const again = join(restored!.dir, 'usr', 'bin', 'qemu-aarch64-static');
      expect(statSync(again).size).toBe(statSync(aarch64).size);
      expect(execFileSync(again, [busybox('arm64'), 'echo', 'restored'], { encoding: 'utf8' })).toBe(
        'restored\n',
      );
    },
    300_000,
  );
});
