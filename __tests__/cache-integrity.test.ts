// The cache never hands a build a broken or hostile entry: two builds saving one key into a
// shared folder leave one whole entry; a damaged entry, or one whose tar members would land
// outside the target (../, /abs, a device node in an odd place), is a warned miss and is
// deleted; a tool entry that changed since it was made is not used; pull requests only read.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fileScratch } from './support/scratch.js';
import { itNeeds } from './support/needs.js';
import { ROOT } from './support/runner.js';
import { ccacheEntry } from '../src/cache/ccache.js';
import { LocalStore } from '../src/cache/local-store.js';
import { baseWithCache } from '../src/rootfs/cached-base.js';
import { CacheSession } from '../src/cache/session.js';
import type { RootfsSpec } from '../src/rootfs/mmdebstrap.js';
import { captureLog } from './support/capture-log.js';
import { cacheFromUrl, obtainTool, packTool, restoreTool } from '../src/tools/tool-cache.js';

// The root filesystem build itself (mmdebstrap, minutes) is replaced by a stand-in that
// writes one file; everything around it (restore, checks, unpack, pack) is real.
const built = vi.hoisted(() => ({ count: 0 }));
vi.mock('../src/rootfs/base.js', () => ({
  buildBase: async (_spec: unknown, root: string) => {
    built.count++;
    const { mkdirSync: mk, writeFileSync: wr } = await import('node:fs');
    mk(join(root, 'etc'), { recursive: true });
    wr(join(root, 'etc', 'built-by-stand-in'), `build ${built.count}\n`);
  },
  refreshBase: async () => ({ upgraded: 0 }),
}));

const scratch = fileScratch();

const lines = captureLog();
const warnings = () => lines.filter((l) => l.startsWith('warning: '));

/** A zstd tarball of `dir` (or of the named members), with GNU tar's extra arguments. */
function tarZst(out: string, dir: string, members: string[] = ['.'], extra: string[] = []): string {
  execFileSync('tar', [
    '--create',
    '--use-compress-program=zstd -1',
    '-f',
    out,
    ...extra,
    '-C',
    dir,
    ...members,
  ]);
  return out;
}

describe('two builds saving one key into one cache folder', () => {
  let bundle = '';
  let child = '';
  beforeAll(async () => {
    // A real second process needs plain JavaScript: bundle the store as dist/ is bundled.
    const dir = scratch('integrity-bundle');
    bundle = join(dir, 'local-store.mjs');
    await build({
      entryPoints: [join(ROOT, 'src', 'cache', 'local-store.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
    child = join(dir, 'save.mjs');
    writeFileSync(
      child,
      `const [mod, dir, key, file, at] = process.argv.slice(2);
const { LocalStore } = await import(mod);
while (Date.now() < Number(at)) {}
const r = await new LocalStore(dir).save(key, file, 'k-').then((saved) => ({ saved }), (e) => ({ error: String(e) }));
console.log(JSON.stringify(r));
`,
    );
  });

  const save = (
    dir: string,
    key: string,
    file: string,
    at: number,
  ): Promise<{ saved?: boolean; error?: string }> =>
    new Promise((resolve, reject) => {
      const p = spawn(process.execPath, [child, pathToFileURL(bundle).href, dir, key, file, String(at)]);
      let out = '';
      p.stdout.on('data', (c: Buffer) => (out += c.toString()));
      p.on('error', reject);
      p.on('close', () => {
        try {
          resolve(JSON.parse(out) as { saved?: boolean; error?: string });
        } catch {
          reject(new Error(`child printed ${out}`));
        }
      });
    });

  itNeeds(
    ['tool:zstd'],
    'leave one whole entry equal to one of the two, no temporary file, and neither fails',
    async () => {
      // The sources on another filesystem than the cache (tmpfs), as a work folder on a runner's
      // temp disk is: the save copies, which is where two writers used to mix their bytes.
      const srcBase = existsSync('/dev/shm') ? '/dev/shm' : undefined;
      for (let round = 0; round < 3; round++) {
        const src = srcBase
          ? join(srcBase, `rpi-integrity-${process.pid}-${round}`)
          : scratch('integrity-src');
        mkdirSync(src, { recursive: true });
        try {
          const inputs = ['a', 'b'].map((n) => {
            const d = join(src, n);
            mkdirSync(d);
            writeFileSync(join(d, 'blob'), randomBytes(40 * 1024 * 1024));
            return tarZst(join(src, `${n}.tar.zst`), d);
          });
          const copies = inputs.map((f) => readFileSync(f));
          const cache = join(scratch('integrity-cache'), 'cache');
          const at = Date.now() + 300;
          const results = await Promise.all(inputs.map((f) => save(cache, 'k-1', f, at)));
          expect(results.map((r) => r.error)).toEqual([undefined, undefined]);
          expect(results.map((r) => r.saved).sort()).toEqual([false, true]);
          expect(readdirSync(cache)).toEqual(['k-1.cache']);
          const entry = readFileSync(join(cache, 'k-1.cache'));
          expect(copies.some((c) => c.equals(entry))).toBe(true);
        } finally {
          execFileSync('rm', ['-rf', src]);
        }
      }
    },
    120_000,
  );

  itNeeds(['tool:zstd'], 'refuse to save a cut-short tarball and leave nothing behind', async () => {
    const dir = scratch('integrity-cut');
    const d = join(dir, 'd');
    mkdirSync(d);
    writeFileSync(join(d, 'blob'), randomBytes(1024 * 1024));
    const file = tarZst(join(dir, 'cut.tar.zst'), d);
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const store = new LocalStore(join(dir, 'cache'));
    await expect(store.save('k-1', file)).rejects.toThrow(/not a whole zstd archive/);
    expect(readdirSync(join(dir, 'cache'))).toEqual([]);
  });
});

describe('a restored entry', () => {
  itNeeds(
    ['root', 'tool:zstd'],
    'cut short in the cache is a miss with a warning naming it, is deleted, and the root is built',
    async () => {
      const dir = scratch('integrity-rootfs');
      for (const suite of ['bookworm', 'bookworm-updates']) {
        mkdirSync(join(dir, 'mirror', 'dists', suite), { recursive: true });
        writeFileSync(join(dir, 'mirror', 'dists', suite, 'Release'), 'Date: today\n');
      }
      const spec = {
        arch: 'arm64',
        suite: 'bookworm',
        mirror: pathToFileURL(join(dir, 'mirror')).href,
        components: ['main'],
        packages: [],
      } as RootfsSpec;
      const store = new LocalStore(join(dir, 'cache'));
      const paths = (n: number) => ({
        root: join(dir, `root${n}`),
        hooks: join(dir, 'hooks'),
        tarball: join(dir, `t${n}`, 'rootfs.tar.zst'),
        log: join(dir, 'build.log'),
      });
      // A first build makes and saves a real entry; then the entry is cut in half on disk.
      const session = (): CacheSession => new CacheSession(store, false);
      const s1 = session();
      const pending = s1.pending;
      const first = await baseWithCache(spec, s1, paths(1));
      expect(first.status).toBe('miss');
      expect(built.count).toBe(1);
      expect(await store.save(pending[0]!.key, pending[0]!.file)).toBe(true);
      const entry = join(dir, 'cache', `${first.key}.cache`);
      truncateSync(entry, Math.floor(statSync(entry).size / 2));

      lines.length = 0;
      const s2 = session();
      const again = s2.pending;
      const second = await baseWithCache(spec, s2, paths(2));
      expect(second.status).toBe('miss');
      expect(warnings()).toHaveLength(1);
      expect(warnings()[0]).toMatch(
        new RegExp(
          `^warning: rootfs cache entry ${first.key} does not unpack .*; deleted it; building without it`,
        ),
      );
      expect(existsSync(entry)).toBe(false);
      expect(built.count).toBe(2);
      expect(readFileSync(join(dir, 'root2', 'etc', 'built-by-stand-in'), 'utf8')).toBe('build 2\n');
      // The rebuilt root is queued for saving under the same key, so the next build hits.
      expect(again.map((p) => p.key)).toEqual([first.key]);
      expect(await store.save(again[0]!.key, again[0]!.file)).toBe(true);
      const third = await baseWithCache(spec, session(), paths(3));
      expect(third.status).toBe('hit');
      expect(readFileSync(join(dir, 'root3', 'etc', 'built-by-stand-in'), 'utf8')).toBe('build 2\n');
    },
  );

  // Each crafted tarball: how it is made (GNU tar's own options), and the refusal expected.
  const crafted: [string, (src: string, out: string) => void, RegExp][] = [
    [
      'a member named ../escape',
      (src, out) => tarZst(out, src, ['e'], ['--absolute-names', '--transform', 's,^e$,../escape,']),
      /member "\.\.\/escape" would be written outside the target folder/,
    ],
    [
      'a member named /abs',
      (src, out) => tarZst(out, src, ['e'], ['--absolute-names', '--transform', 's,^e$,/abs,']),
      /member "\/abs" would be written outside the target folder/,
    ],
    [
      'a hard link to ../../etc/passwd',
      (src, out) => {
        execFileSync('ln', [join(src, 'e'), join(src, 'f')]);
        // Only the link's target is renamed (flags: not regular names, not symlinks; hard links).
        tarZst(out, src, ['e', 'f'], ['--absolute-names', '--transform', 's,^e$,../../etc/passwd,RSh']);
      },
      /hard link "f" points outside the target folder/,
    ],
    [
      'a character device outside /dev',
      (_src, out) => tarZst(out, '/', ['dev/null'], ['--transform', 's,^dev/null$,./etc/odd,']),
      /device node "\.\/etc\/odd" outside/,
    ],
  ];

  it.each(crafted)(
    'with %s is refused: a miss, a warning, deleted, nothing written',
    async (_n, make, why) => {
      const dir = scratch('integrity-crafted');
      const src = join(dir, 'src');
      mkdirSync(src);
      writeFileSync(join(src, 'e'), 'planted\n');
      const key = 'ccache-v1-arm64-defconfig-x64-1';
      mkdirSync(join(dir, 'cache'));
      make(src, join(dir, 'cache', `${key}.cache`));
      // The target two levels down, so "../escape" would still land inside the scratch folder.
      const target = join(dir, 'work', 'ccache');
      lines.length = 0;
      mkdirSync(target, { recursive: true }); // as the kernel builder makes it
      const entry = ccacheEntry('arm64', 'defconfig', target, join(dir, 'work', 'ccache.tar.zst'), {});
      expect(entry.key).toBe(`ccache-v1-arm64-defconfig-${process.arch}-`);
      const { report } = await new CacheSession(new LocalStore(join(dir, 'cache')), false).restore(entry);
      expect(report.status).toBe('miss');
      expect(warnings()).toHaveLength(1);
      expect(warnings()[0]).toMatch(new RegExp(`^warning: ccache cache entry ${key} is refused: `));
      expect(warnings()[0]).toMatch(why);
      expect(existsSync(join(dir, 'cache', `${key}.cache`))).toBe(false);
      expect(readdirSync(target)).toEqual([]);
      expect(existsSync(join(dir, 'work', 'escape'))).toBe(false);
      expect(existsSync('/abs')).toBe(false);
    },
  );

  itNeeds(
    ['root', 'tool:zstd'],
    'of a root: device nodes under ./dev are kept, elsewhere refused',
    async () => {
      const dir = scratch('integrity-dev');
      const root = join(dir, 'r');
      mkdirSync(join(root, 'dev'), { recursive: true });
      execFileSync('mknod', [join(root, 'dev', 'null'), 'c', '1', '3']);
      const { checkArchive } = await import('../src/cache/archive.js');
      const { ROOTFS_ARCHIVE } = await import('../src/cache/rootfs-cache.js');
      expect(await checkArchive(tarZst(join(dir, 'ok.tar.zst'), root), ROOTFS_ARCHIVE)).toBeUndefined();
      execFileSync('mknod', [join(root, 'sda'), 'b', '8', '0']);
      expect(await checkArchive(tarZst(join(dir, 'odd.tar.zst'), root), ROOTFS_ARCHIVE)).toMatch(
        /device node "\.\/sda" outside \.\/dev\//,
      );
    },
  );
});

describe('a tool-cache entry', () => {
  const saved = { RUNNER_TOOL_CACHE: process.env.RUNNER_TOOL_CACHE, RUNNER_TEMP: process.env.RUNNER_TEMP };
  let server: Server;
  let url = '';
  beforeAll(async () => {
    process.env.RUNNER_TEMP = scratch('integrity-temp');
    // A stand-in for a tool tarball (one top folder, as the Arm GNU Toolchain has).
    const src = join(scratch('integrity-tool'), 'fake-qemu');
    mkdirSync(join(src, 'usr', 'bin'), { recursive: true });
    writeFileSync(join(src, 'usr', 'bin', 'qemu-aarch64-static'), '#!/bin/sh\necho emulator\n', {
      mode: 0o755,
    });
    const tarball = join(src, '..', 'tool.tar.gz');
    execFileSync('tar', ['-czf', tarball, '-C', join(src, '..'), 'fake-qemu']);
    server = createServer((_req, res) => createReadStream(tarball).pipe(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/tool.tar.gz`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    Object.assign(process.env, saved);
  });

  itNeeds(
    ['tool:zstd'],
    'restored from a cache is used only if its files match their recorded hashes',
    async () => {
      process.env.RUNNER_TOOL_CACHE = scratch('integrity-toolcache-a');
      const tool = await cacheFromUrl('fake-qemu', url, scratch('integrity-fetch'));
      const cacheDir = join(scratch('integrity-store'), 'cache');
      const store = new LocalStore(cacheDir);
      const packing = new CacheSession(store, false);
      await packTool(tool, 'fake-qemu', packing, scratch('integrity-pack'));
      const pending = packing.pending;
      expect(pending[0]!.key).toMatch(/^tool-fake-qemu-\w+-1\.0\.0-[0-9a-f]{16}$/);
      expect(await store.save(pending[0]!.key, pending[0]!.file)).toBe(true);
      const entry = join(cacheDir, `${pending[0]!.key}.cache`);

      // Unchanged: restored into another runner's empty tool cache.
      process.env.RUNNER_TOOL_CACHE = scratch('integrity-toolcache-b');
      const ok = await restoreTool('fake-qemu', new CacheSession(store, false), scratch('integrity-restore'));
      expect(ok?.source).toBe('cache');
      expect(readFileSync(join(ok!.dir, 'usr', 'bin', 'qemu-aarch64-static'), 'utf8')).toContain('emulator');

      // The emulator inside the entry swapped (same key, same manifest): not used, deleted.
      const work = scratch('integrity-tamper');
      execFileSync('tar', ['--extract', '--use-compress-program=zstd -d', '-f', entry, '-C', work]);
      writeFileSync(join(work, 'usr', 'bin', 'qemu-aarch64-static'), '#!/bin/sh\necho planted\n');
      tarZst(entry, work);
      process.env.RUNNER_TOOL_CACHE = scratch('integrity-toolcache-c');
      lines.length = 0;
      expect(
        await restoreTool('fake-qemu', new CacheSession(store, false), scratch('integrity-restore')),
      ).toBeUndefined();
      expect(warnings()).toEqual([
        expect.stringMatching(
          new RegExp(
            `^warning: fake-qemu tool cache entry ${pending[0]!.key} does not match the hashes recorded when it was made \\(usr/bin/qemu-aarch64-static differs\\); deleted it; fetching it instead$`,
          ),
        ),
      ]);
      expect(existsSync(entry)).toBe(false);
      expect(readdirSync(process.env.RUNNER_TOOL_CACHE)).toEqual([]);
    },
  );

  it('in the local tool cache, changed since it was made, is fetched again', async () => {
    process.env.RUNNER_TOOL_CACHE = scratch('integrity-toolcache-d');
    const tool = await cacheFromUrl('fake-qemu', url, scratch('integrity-fetch'));
    const sources = { caches: new CacheSession(undefined, true), scratch: scratch('integrity-src') };
    let fetched = 0;
    const fetch = async () => {
      fetched++;
      return cacheFromUrl('fake-qemu', url, scratch('integrity-fetch'));
    };
    expect((await obtainTool('fake-qemu', sources, fetch)).source).toBe('tool-cache');
    expect(fetched).toBe(0);
    writeFileSync(join(tool.dir, 'usr', 'bin', 'qemu-aarch64-static'), '#!/bin/sh\necho planted\n');
    lines.length = 0;
    const again = await obtainTool('fake-qemu', sources, fetch);
    expect(fetched).toBe(1);
    expect(again.source).toBe('download');
    expect(warnings()[0]).toMatch(/fake-qemu in the tool cache .* does not match the hashes recorded/);
    expect(readFileSync(join(again.dir, 'usr', 'bin', 'qemu-aarch64-static'), 'utf8')).toContain('emulator');
  });
});

describe('pull requests', () => {
  const env = { ...process.env };
  afterAll(() => {
    process.env = env;
  });
  const read = async (event: string, inputs: Record<string, string>) => {
    for (const k of Object.keys(process.env)) if (/^(INPUT_|GITHUB_)/.test(k)) delete process.env[k];
    for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v;
    process.env.GITHUB_EVENT_NAME = event;
    const { readInputs } = await import('../src/config/inputs.js');
    const { loadConfig } = await import('../src/config/load.js');
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const config = await loadConfig(readInputs());
      return { readOnly: config.cacheReadOnly, printed: out.mock.calls.map((c) => String(c[0])).join('') };
    } finally {
      out.mockRestore();
    }
  };

  it.each([
    ['pull_request', {}, true],
    ['pull_request_target', {}, true],
    ['pull_request', { 'cache-read-only': 'false' }, false],
    ['push', {}, false],
  ])('%s with inputs %j: cache-read-only is %s', async (event, inputs, readOnly) => {
    const r = await read(event, inputs);
    expect(r.readOnly).toBe(readOnly);
    if (readOnly)
      expect(r.printed).toContain(
        `cache-read-only: true (default for ${event} events): caches are restored but not saved`,
      );
    else expect(r.printed).not.toContain('cache-read-only: true');
  });
});
