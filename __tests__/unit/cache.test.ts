import { existsSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileScratch } from '../support/scratch.js';
import { LocalStore } from '../../src/cache/local-store.js';
import { archiveState, rootfsKeys } from '../../src/cache/rootfs-cache.js';
import { MERGED_USR_HOOKS } from '../../src/rootfs/mmdebstrap.js';

const scratch = fileScratch();

const spec = {
  arch: 'arm64' as const,
  suite: 'bookworm',
  mirror: 'http://deb.debian.org/debian',
  components: ['main', 'non-free-firmware'],
  packages: ['b', 'a'],
};

describe('rootfs cache keys', () => {
  it('change with everything that changes the root, not with package order', () => {
    const k = rootfsKeys(spec, 'state1');
    expect(k.key.startsWith(k.restorePrefix)).toBe(true);
    expect(rootfsKeys({ ...spec, packages: ['a', 'b'] }, 'state1').key).toBe(k.key);
    for (const other of [
      { ...spec, arch: 'armhf' as const },
      { ...spec, suite: 'trixie' },
      { ...spec, packages: ['a'] },
      { ...spec, mirror: 'http://other/debian' },
      { ...spec, components: ['main'] },
    ]) {
      expect(rootfsKeys(other, 'state1').restorePrefix).not.toBe(k.restorePrefix);
    }
    // A new archive state is a new key with the same restore prefix.
    const newer = rootfsKeys(spec, 'state2');
    expect(newer.key).not.toBe(k.key);
    expect(newer.restorePrefix).toBe(k.restorePrefix);
  });

  it("keys bookworm's root merged from the start apart from a usrmerge-converted one; trixie's as before", () => {
    // The restore prefixes this spec had before bookworm's root was merged from the start, which
    // a host whose mmdebstrap lacks the merged-usr hook still builds (and so keys alike).
    const converted = 'rpi-build-rootfs-v2-arm64-bookworm-7342ad9634572fc3-';
    expect(rootfsKeys(spec, 'state1').restorePrefix !== converted).toBe(
      existsSync(join(MERGED_USR_HOOKS, 'setup00.sh')),
    );
    expect(rootfsKeys({ ...spec, suite: 'trixie' }, 'state1').restorePrefix).toBe(
      'rpi-build-rootfs-v2-arm64-trixie-6fcfbe8b8c1a5cbc-',
    );
  });

  it('reads the archive state from InRelease, retrying a failing server', async () => {
    let calls = 0;
    let body = 'Date: Sat, 21 Nov 2026 00:00:00 UTC\n';
    const server = createServer((req, res) => {
      calls++;
      if (calls === 1) return void res.writeHead(500).end();
      if (req.url === '/debian/dists/bookworm/InRelease') return void res.end(body);
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      const a = await archiveState(`http://127.0.0.1:${port}/debian`, 'bookworm');
      expect(a).toMatch(/^[0-9a-f]{16}$/);
      body = 'Date: Sun, 22 Nov 2026 00:00:00 UTC\n';
      expect(await archiveState(`http://127.0.0.1:${port}/debian`, 'bookworm')).not.toBe(a);
      await expect(archiveState(`http://127.0.0.1:${port}/debian`, 'sid-nonexistent')).rejects.toThrow(
        /has no InRelease or Release file/,
      );
    } finally {
      server.close();
    }
  });
});

describe('local store', () => {
  const file = (dir: string, text: string) => {
    const p = join(dir, `f-${Math.random()}`);
    writeFileSync(p, text);
    return p;
  };
  it('saves once per key, restores exact keys first, then the newest entry by prefix', async () => {
    const dir = scratch('store');
    const store = new LocalStore(join(dir, 'cache'));
    expect(await store.restore('rootfs-x-s1', ['rootfs-x-'])).toBeUndefined();
    expect(await store.save('rootfs-x-s1', file(dir, 'one'))).toBe(true);
    expect(await store.save('rootfs-x-s1', file(dir, 'again'))).toBe(false);
    const exact = await store.restore('rootfs-x-s1', ['rootfs-x-']);
    expect(exact).toMatchObject({ key: 'rootfs-x-s1', exact: true, size: 3 });
    expect(readFileSync(exact!.path, 'utf8')).toBe('one');
    await store.save('rootfs-x-s2', file(dir, 'two'));
    utimesSync(join(dir, 'cache', 'rootfs-x-s1.cache'), new Date(1000), new Date(1000));
    const partial = await store.restore('rootfs-x-s3', ['rootfs-x-']);
    expect(partial).toMatchObject({ key: 'rootfs-x-s2', exact: false });
    expect(await store.restore('rootfs-y-s1', ['rootfs-y-'])).toBeUndefined();
  });
  it('keeps two entries per prefix', async () => {
    const dir = scratch('store');
    const store = new LocalStore(join(dir, 'cache'));
    for (const [i, k] of ['p-1', 'p-2', 'p-3'].entries()) {
      await store.save(k, file(dir, k), 'p-');
      utimesSync(join(dir, 'cache', `${k}.cache`), new Date(1000 * (i + 1)), new Date(1000 * (i + 1)));
    }
    await store.save('p-4', file(dir, 'p-4'), 'p-');
    expect(readdirSync(join(dir, 'cache')).sort()).toEqual(['p-3.cache', 'p-4.cache']);
  });
});

describe('summary and redaction', () => {
  it('the job summary names the failing phase and never shows a secret', async () => {
    const { newReport } = await import('../../src/publish/report.js');
    const { summaryMarkdown } = await import('../../src/publish/summary.js');
    const { redact } = await import('../../src/runtime/redact.js');
    const r = newReport('image', ['arm64'], 'bookworm');
    r.phases.timings.push(
      { name: 'rootfs', start: 0, seconds: 12.3, ok: true },
      { name: 'customize', start: 12.3, seconds: 4, ok: false },
    );
    r.caches.push({ name: 'rootfs', status: 'hit', key: 'rpi-build-rootfs-v1-x', size: 2048 });
    r.outcome = 'failure';
    r.error = 'customize script /x.sh exited with code 7:\nthe password is hunter22';
    const md = redact(summaryMarkdown(r), ['hunter22']);
    expect(md).toContain('**Failed in phase `customize`:**');
    expect(md).toMatch(/^\| rootfs \| 12\.3 \| ok \|$/m);
    expect(md).toMatch(/^\| customize \| 4\.0 \| failed \|$/m);
    expect(md).toMatch(/^\| rootfs \| hit \| `rpi-build-rootfs-v1-x` \| 2\.0 KiB \|$/m);
    expect(md).toContain('the password is ***');
    expect(md).not.toContain('hunter22');
  });

  it('shows what the boot test found inside the image: each check and each test script', async () => {
    const { newReport } = await import('../../src/publish/report.js');
    const { summaryMarkdown, summaryText } = await import('../../src/publish/summary.js');
    const r = newReport('image', ['arm64'], 'bookworm');
    r.outcome = 'success';
    Object.assign(r.facts, {
      'boot-check: units': 'running, no failed units',
      'boot-check: root': 'fills the disk: file system 2276 MiB, partition ends at 2608 MiB of 2608 MiB',
      'test: check.sh': 'passed in 3 s',
      'test: a|b.sh': 'failed (exit 3) after 1 s',
    });
    const md = summaryMarkdown(r);
    expect(md).toContain('### Inside the booted image');
    expect(md).toMatch(/^\| units \| running, no failed units \|$/m);
    expect(md).toMatch(/^\| test script check\.sh \| passed in 3 s \|$/m);
    // A pipe in a name stays inside its cell.
    expect(md).toMatch(/^\| test script a\\\|b\.sh \| failed \(exit 3\) after 1 s \|$/m);
    expect(summaryText(r)).toMatch(/^ {2}test script check\.sh +passed in 3 s$/m);
  });
});
