// The tool cache for cross toolchains, for real: Debian's cross gcc unpacked into
// RUNNER_TOOL_CACHE (apt-get download, no install), found there the second time; and a
// toolchain tarball fetched from a URL (a local HTTP server) the way the Arm GNU Toolchain is.
import { CacheSession } from '../src/cache/session.js';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itNeeds } from './support/needs.js';
import { fileScratch } from './support/scratch.js';
import { resolveToolchain, type ToolchainRequest } from '../src/tools/toolchain.js';
import { semverOf } from '../src/tools/tool-cache.js';
import { InputError } from '../src/runtime/errors.js';

// Tool caches hold a cross gcc or QEMU each: removed when the file ends.
const scratch = fileScratch();
const request = (toolchain: string): ToolchainRequest => ({
  karch: 'arm64',
  toolchain,
  caches: new CacheSession(undefined, false),
  scratch: scratch('tc-scratch'),
  logFile: join(scratch('tc-log'), 'toolchain.log'),
});

describe('cross toolchains in the tool cache', () => {
  const saved = { RUNNER_TOOL_CACHE: process.env.RUNNER_TOOL_CACHE, RUNNER_TEMP: process.env.RUNNER_TEMP };
  let server: Server;
  let base = '';
  let requests = 0;
  const served: Record<string, string> = {};
  beforeAll(async () => {
    process.env.RUNNER_TEMP = scratch('tc-temp');
    server = createServer((req, res) => {
      requests++;
      const file = served[req.url ?? ''];
      if (!file) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-length': statSync(file).size });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    Object.assign(process.env, saved);
  });

  it('maps Debian versions to the semver the tool cache wants', () => {
    expect(semverOf('4:12.2.0-3')).toBe('12.2.0');
    expect(semverOf('1:7.2+dfsg-7+deb12u16')).toBe('7.2.0');
    expect(() => semverOf('abc')).toThrow(/version number/);
  });

  let packaged = '';
  itNeeds(
    ['tool:apt-get', 'tool:dpkg-deb'],
    'packages: unpacked into the tool cache, then found there',
    async () => {
      process.env.RUNNER_TOOL_CACHE = scratch('toolcache-a');
      const first = await resolveToolchain(request('packages'));
      expect(first.source).toBe('packages');
      expect(first.prefix).toBe('aarch64-linux-gnu-');
      expect(first.binDir!.startsWith(process.env.RUNNER_TOOL_CACHE)).toBe(true);
      expect(existsSync(join(first.binDir!, 'aarch64-linux-gnu-gcc'))).toBe(true);
      const second = await resolveToolchain(request('packages'));
      expect(second.source).toBe('tool-cache');
      expect(second.binDir).toBe(first.binDir);
      // The unpacked compiler makes AArch64 objects on its own (its cc1 and as come from the tool cache).
      const dir = scratch('tc-compile');
      execFileSync(
        join(first.binDir!, 'aarch64-linux-gnu-gcc'),
        ['-c', '-x', 'c', '-', '-o', join(dir, 'a.o')],
        {
          input: 'int f(int x) { return x + 1; }\n',
          env: { ...process.env, ...first.env },
        },
      );
      expect(execFileSync('file', [join(dir, 'a.o')], { encoding: 'utf8' })).toMatch(/ARM aarch64/);
      packaged = join(first.binDir!, '..', '..');
    },
    300_000,
  );

  itNeeds(
    ['tool:apt-get', 'tool:dpkg-deb'],
    'a URL: downloaded once, unpacked, cached; no request the second time',
    async () => {
      expect(packaged).not.toBe('');
      // A tarball laid out like the Arm GNU Toolchain: one top folder holding bin/, lib/…
      const tarball = join(scratch('tc-tarball'), 'gnu-toolchain-aarch64.tar.gz');
      execFileSync('tar', [
        '-czf',
        tarball,
        '--transform',
        's,^\\.,gnu-toolchain-aarch64,S',
        '-C',
        join(packaged, 'usr'),
        '.',
      ]);
      served['/toolchains/gnu-toolchain-aarch64.tar.gz'] = tarball;
      process.env.RUNNER_TOOL_CACHE = scratch('toolcache-b');
      const url = `${base}/toolchains/gnu-toolchain-aarch64.tar.gz`;
      requests = 0;
      const first = await resolveToolchain(request(url));
      expect(first.source).toBe('download');
      expect(first.prefix).toBe('aarch64-linux-gnu-');
      expect(requests).toBe(1);
      const second = await resolveToolchain(request(url));
      expect(second.source).toBe('tool-cache');
      expect(requests).toBe(1);
    },
    300_000,
  );

  it('a URL that answers 404 is an error naming the toolchain input', async () => {
    process.env.RUNNER_TOOL_CACHE = scratch('toolcache-c');
    const err = await resolveToolchain(request(`${base}/nothing-here.tar.xz`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/^toolchain: could not download or unpack .*nothing-here/);
  });
});
