// The real @actions/cache 6 and @actions/artifact 6 clients against the local results
// service stand-in (Twirp server + Azurite). Each client call runs in a child Node process
// with the runner-step environment the stand-in hands out, as it would in a workflow step.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  runNode,
  startResultsService,
  type ResultsService,
  type RunNodeResult,
} from './support/results-service.js';

let svc: ResultsService;
const work = mkdtempSync(join(tmpdir(), 'rpi-results-test-'));

beforeAll(async () => {
  svc = await startResultsService();
}, 30_000);

afterAll(async () => {
  await svc?.stop();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  svc.setFault('cache', null);
  svc.setFault('artifact', null);
  svc.clearCalls();
});

/** sha256 of every file under dir, by relative path. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

function fill(dir: string, files: Record<string, Buffer | string>): void {
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
}

function emptied(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function step(
  code: string,
  opts: { timeScale?: number; env?: Record<string, string> } = {},
): Promise<RunNodeResult> {
  const r = await runNode(code, {
    env: opts.env ?? svc.env,
    timeoutMs: 45_000,
    ...(opts.timeScale ? { timeScale: opts.timeScale } : {}),
  });
  if (r.exitCode !== 0) throw new Error(`child failed (${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

const j = JSON.stringify;

describe('cache through the results service stand-in', () => {
  const dir = join(work, 'cache-data');
  const key = 'rootfs-arm64-bookworm-abc123';

  it('saves, restores by exact key, by primary-key prefix and by restore key; misses are undefined', async () => {
    fill(dir, {
      'rootfs.tar': randomBytes(1024 * 1024),
      'nested/deeper/notes.txt': 'hello from the cache\n',
      'empty.bin': Buffer.alloc(0),
    });
    const before = tree(dir);

    const saved = await step(`
      const cache = await import('@actions/cache');
      emit(cache.isFeatureAvailable());
      emit(await cache.saveCache([${j(dir)}], ${j(key)}));
    `);
    expect(saved.results[0]).toBe(true);
    expect(saved.results[1]).toBeGreaterThan(0);
    const entries = svc.caches();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ key, finalized: true, id: saved.results[1] });
    expect(entries[0].size).toBeGreaterThan(0);
    expect(entries[0].reportedSize).toBe(entries[0].size);

    emptied(dir);
    const restored = await step(`
      const cache = await import('@actions/cache');
      emit(await cache.restoreCache([${j(dir)}], ${j(key)}));
    `);
    expect(restored.results).toEqual([key]);
    expect(tree(dir)).toEqual(before);

    emptied(dir);
    const byRestoreKey = await step(`
      const cache = await import('@actions/cache');
      emit(await cache.restoreCache([${j(dir)}], 'rootfs-arm64-bookworm-zzz', ['rootfs-arm64-']));
    `);
    expect(byRestoreKey.results).toEqual([key]);
    expect(byRestoreKey.stdout).toContain(`Cache hit for restore-key: ${key}`);
    expect(tree(dir)).toEqual(before);

    emptied(dir);
    const misses = await step(`
      const cache = await import('@actions/cache');
      // primary key used as a prefix ("Lookup is done with prefix matching")
      emit(await cache.restoreCache([${j(dir)}], 'rootfs-arm64-book', [], { lookupOnly: true }));
      emit(await cache.restoreCache([${j(dir)}], 'kernel-6.6', ['kernel-']) ?? null);
      // the same key with other paths is another version: a miss
      emit(await cache.restoreCache([${j(join(work, 'elsewhere'))}], ${j(key)}) ?? null);
    `);
    expect(misses.results).toEqual([key, null, null]);
    expect(tree(dir)).toEqual({});
  });

  it('prefers the newest prefix match, and a second save of a key is refused with 409', async () => {
    const d = join(work, 'newest');
    const r = await step(`
      const fs = await import('node:fs');
      const cache = await import('@actions/cache');
      fs.mkdirSync(${j(d)}, { recursive: true });
      fs.writeFileSync(${j(d)} + '/v', 'one');
      emit(await cache.saveCache([${j(d)}], 'tools-1'));
      fs.writeFileSync(${j(d)} + '/v', 'two');
      emit(await cache.saveCache([${j(d)}], 'tools-2'));
      emit(await cache.saveCache([${j(d)}], 'tools-2'));
      fs.rmSync(${j(d)}, { recursive: true });
      emit(await cache.restoreCache([${j(d)}], 'tools-3', ['tools-']));
      emit(fs.readFileSync(${j(d)} + '/v', 'utf8'));
    `);
    const [first, second, again, matched, content] = r.results;
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first as number);
    // The real client swallows the conflict: saveCache returns -1 and logs (not warns)
    // "Failed to save: Unable to reserve cache with key tools-2, another job may be creating this cache."
    expect(again).toBe(-1);
    expect(r.stdout).toContain('another job may be creating this cache');
    expect(svc.calls()).toContainEqual({ service: 'cache', method: 'CreateCacheEntry', status: 409 });
    expect(matched).toBe('tools-2');
    expect(content).toBe('two');
  });
});

describe('artifacts through the results service stand-in', () => {
  it('uploads (20 MB included), lists, gets, downloads identical bytes and deletes', async () => {
    const src = join(work, 'artifact-src');
    fill(src, {
      'image.img': randomBytes(20 * 1024 * 1024),
      SHA256SUMS: 'abc  image.img\n',
      'meta/manifest.json': j({ arch: 'arm64', suite: 'bookworm' }),
    });
    const files = Object.keys(tree(src)).map((f) => join(src, f));
    const out = join(work, 'artifact-out');

    const r = await step(`
      const { DefaultArtifactClient } = await import('@actions/artifact');
      const client = new DefaultArtifactClient();
      const up = await client.uploadArtifact('rpi-image', ${j(files)}, ${j(src)}, { retentionDays: 3 });
      emit(up);
      emit((await client.listArtifacts()).artifacts);
      emit((await client.getArtifact('rpi-image')).artifact);
      emit(await client.downloadArtifact(up.id, { path: ${j(out)} }));
    `);
    const [up, list, got, down] = r.results as [
      { id: number; size: number; digest: string },
      { name: string; id: number; size: number; digest?: string }[],
      { name: string; id: number; size: number },
      { downloadPath: string; digestMismatch: boolean },
    ];
    expect(up.id).toBeGreaterThan(0);
    expect(up.size).toBeGreaterThan(20 * 1024 * 1024);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      name: 'rpi-image',
      id: up.id,
      size: up.size,
      digest: `sha256:${up.digest}`,
    });
    expect(got).toMatchObject({ name: 'rpi-image', id: up.id, size: up.size });
    expect(down).toEqual({ downloadPath: out, digestMismatch: false });
    expect(tree(out)).toEqual(tree(src));

    const [rec] = svc.artifacts();
    expect(rec).toMatchObject({
      name: 'rpi-image',
      id: up.id,
      size: up.size,
      blobSize: up.size,
      finalized: true,
    });
    expect(rec.mimeType).toBe('application/zip');
    expect(rec.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 2 * 86_400_000);
    // The zip in blob storage hashes to the digest the client reported.
    const blob = await svc.readBlob(rec.blobName);
    expect(`sha256:${createHash('sha256').update(blob).digest('hex')}`).toBe(rec.digest);

    // Another job of the same run sees it; a second upload of the name is refused.
    const other = await runNode(
      `
      const { DefaultArtifactClient } = await import('@actions/artifact');
      const client = new DefaultArtifactClient();
      emit((await client.listArtifacts()).artifacts.map((a) => a.name));
      try { await client.uploadArtifact('rpi-image', ${j(files.slice(1))}, ${j(src)}); emit('uploaded'); }
      catch (e) { emit(String(e.message)); }
      emit(await client.deleteArtifact('rpi-image'));
      emit((await client.listArtifacts()).artifacts);
    `,
      { env: svc.envForJob('another-job') },
    );
    expect(other.exitCode).toBe(0);
    expect(other.results[0]).toEqual(['rpi-image']);
    expect(other.results[1]).toMatch(/\(409\) Conflict/);
    expect(other.results[2]).toEqual({ id: up.id });
    expect(other.results[3]).toEqual([]);
    expect(svc.artifacts()).toEqual([]);
  });
});

describe('faults', () => {
  const dir = join(work, 'fault-data');

  it('cache answering 500: restore misses and save returns -1 after 5 attempts each, no hang', async () => {
    fill(dir, { a: 'a' });
    svc.setFault('cache', 500);
    // timeScale shortens the client's own backoff (3 s, then x1.5..2.25 per attempt; about 25-35 s)
    const r = await step(
      `
      const cache = await import('@actions/cache');
      emit(await cache.restoreCache([${j(dir)}], 'fault-key', ['fault-']) ?? null);
      emit(await cache.saveCache([${j(dir)}], 'fault-key'));
    `,
      { timeScale: 100 },
    );
    expect(r.results).toEqual([null, -1]);
    const calls = svc.calls();
    expect(calls.filter((c) => c.method === 'GetCacheEntryDownloadURL' && c.status === 500)).toHaveLength(5);
    expect(calls.filter((c) => c.method === 'CreateCacheEntry' && c.status === 500)).toHaveLength(5);
    // restore: a warning annotation; save: only an info line, worded as a reservation conflict.
    expect(r.stdout).toContain(
      '::warning::Failed to restore: Failed to GetCacheEntryDownloadURL: Failed to make request after 5 attempts: Failed request: (500) Internal Server Error: injected fault 500',
    );
    expect(r.stdout).toContain(
      'Failed to save: Unable to reserve cache with key fault-key, another job may be creating this cache.',
    );
    expect(r.stdout).not.toContain('::error::');
    expect(svc.caches().some((e) => e.key === 'fault-key')).toBe(false);
  });

  it('cache down (connection reset): no retries, restore misses and save returns -1 at once', async () => {
    fill(dir, { a: 'a' });
    svc.setFault('cache', 'down');
    const r = await step(`
      const cache = await import('@actions/cache');
      emit(await cache.restoreCache([${j(dir)}], 'down-key') ?? null);
      emit(await cache.saveCache([${j(dir)}], 'down-key'));
    `);
    expect(r.results).toEqual([null, -1]);
    expect(svc.calls()).toEqual([
      { service: 'cache', method: 'GetCacheEntryDownloadURL', status: 0, fault: 'down' },
      { service: 'cache', method: 'CreateCacheEntry', status: 0, fault: 'down' },
    ]);
    expect(r.stdout).toContain('Unable to make request: ECONNRESET');
    expect(r.durationMs).toBeLessThan(15_000);
  });

  it('a failed finalize leaves no visible entry; one transient 503 is retried through', async () => {
    fill(dir, { a: 'finalize' });
    svc.setFault('cache', 500, { method: 'FinalizeCacheEntryUpload' });
    const r = await step(
      `
      const cache = await import('@actions/cache');
      emit(await cache.saveCache([${j(dir)}], 'fin-key'));
      emit(await cache.restoreCache([${j(dir)}], 'fin-key') ?? null);
    `,
      { timeScale: 100 },
    );
    expect(r.results).toEqual([-1, null]);
    expect(r.stdout).toContain('::warning::Failed to save: Failed to FinalizeCacheEntryUpload');
    expect(svc.caches().find((e) => e.key === 'fin-key')).toMatchObject({ finalized: false });

    svc.clearCalls();
    svc.setFault('cache', 503, { times: 1 });
    const again = await step(
      `
      const cache = await import('@actions/cache');
      emit(await cache.saveCache([${j(dir)}], 'fin-key-2'));
    `,
      { timeScale: 100 },
    );
    expect(again.results[0]).toBeGreaterThan(0);
    expect(svc.calls().map((c) => `${c.method}:${c.status}`)).toEqual([
      'CreateCacheEntry:503',
      'CreateCacheEntry:200',
      'FinalizeCacheEntryUpload:200',
    ]);
  });

  it('denied cache policy reads as a miss and a skipped save; artifact outage rejects the upload', async () => {
    fill(dir, { a: 'a' });
    svc.setFault('cache', 'denied');
    svc.setFault('artifact', 'down');
    const r = await step(`
      const cache = await import('@actions/cache');
      emit(await cache.restoreCache([${j(dir)}], 'denied-key') ?? null);
      emit(await cache.saveCache([${j(dir)}], 'denied-key'));
      const { DefaultArtifactClient } = await import('@actions/artifact');
      try { await new DefaultArtifactClient().uploadArtifact('x', [${j(join(dir, 'a'))}], ${j(dir)}); emit('uploaded'); }
      catch (e) { emit(e.name + ': ' + e.message.split('\\n')[0]); }
    `);
    expect(r.results).toEqual([
      null,
      -1,
      'Error: Failed to CreateArtifact: Unable to make request: ECONNRESET',
    ]);
    expect(r.stdout).toContain('cache read denied: token has no readable scopes');
    expect(r.stdout).toContain('cache write denied: token has no writable scopes');
  });
});
