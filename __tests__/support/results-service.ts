// A local stand-in for the GitHub Actions "results service", so the real @actions/cache 6
// and @actions/artifact 6 clients can save, restore, upload, list and download here.
//
//   - Azurite (npm) serves the blobs; signed URLs carry a SAS made with its published dev key.
//   - A small HTTP server answers the Twirp JSON calls the clients make:
//       POST /twirp/github.actions.results.api.v1.CacheService/{CreateCacheEntry,
//            FinalizeCacheEntryUpload, GetCacheEntryDownloadURL}
//       POST /twirp/github.actions.results.api.v1.ArtifactService/{CreateArtifact,
//            FinalizeArtifact, ListArtifacts, GetSignedArtifactURL, DeleteArtifact}
//   - `env` holds what a runner step needs for the clients to pick this service (protocol v2).
//   - `setFault` makes either service fail on purpose; `caches()`, `artifacts()` and `calls()`
//     show what was stored and asked for.
//
// Everything listens on 127.0.0.1 only. `runNode` runs an ESM snippet in a child Node process
// with that env, the way a runner step would (the clients read process.env at call time).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BlobSASPermissions,
  BlobServiceClient,
  type ContainerClient,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Azurite's well-known development account (published in Azurite's README). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.';

export type ServiceName = 'cache' | 'artifact';

/**
 * What a faulted service does:
 *  - an HTTP status (500, 503, 429, 403, ...): answer with it and a Twirp error body;
 *  - 'down':   destroy the connection without answering (the client sees ECONNRESET);
 *  - 'hang':   never answer (released by `setFault(service, null)` or `stop()`);
 *  - 'denied': the policy answers of the real service: cache reads get 403
 *              "cache read denied: ...", cache writes 200 {ok:false, message:"cache write denied: ..."};
 *              artifact calls get 403.
 */
export type Fault = number | 'down' | 'hang' | 'denied';

export interface FaultOptions {
  /** Only this Twirp method (e.g. 'FinalizeCacheEntryUpload'); default: every method. */
  method?: string;
  /** Fail this many matching requests, then behave again; default: until cleared. */
  times?: number;
}

export interface CacheEntryRecord {
  id: number;
  key: string;
  version: string;
  /** Bytes in the blob (0 until finalized). */
  size: number;
  /** size_bytes the client reported on finalize. */
  reportedSize: number;
  finalized: boolean;
  createdAt: Date;
  blobName: string;
}

export interface ArtifactRecord {
  id: number;
  name: string;
  /** The size the client reported on finalize (what ListArtifacts returns). */
  size: number;
  /** Bytes in the blob. */
  blobSize: number;
  /** "sha256:<hex>" as the client reported it. */
  digest: string | undefined;
  mimeType: string | undefined;
  version: number | undefined;
  expiresAt: Date | undefined;
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
  finalized: boolean;
  createdAt: Date;
  blobName: string;
}

export interface CallRecord {
  service: ServiceName | 'other';
  method: string;
  status: number;
  /** Set when an injected fault answered. */
  fault?: string;
}

export interface ResultsService {
  /** Base URL of the Twirp server, without trailing slash: http://127.0.0.1:PORT */
  url: string;
  /** Azurite account URL: http://127.0.0.1:PORT/devstoreaccount1 */
  blobUrl: string;
  container: string;
  runBackendId: string;
  jobBackendId: string;
  /** Variables for a runner step of the default job. */
  env: Record<string, string>;
  /** The same for another job (artifacts are listed per workflow run, created per job). */
  envForJob(jobBackendId: string, runBackendId?: string): Record<string, string>;
  setFault(service: ServiceName, fault: Fault | null, options?: FaultOptions): void;
  caches(): CacheEntryRecord[];
  artifacts(): ArtifactRecord[];
  calls(): CallRecord[];
  /** Forget calls recorded so far. */
  clearCalls(): void;
  /** Read a blob straight from Azurite. */
  readBlob(blobName: string): Promise<Buffer>;
  stop(): Promise<void>;
}

export interface StartOptions {
  runBackendId?: string;
  jobBackendId?: string;
  /** GITHUB_REPOSITORY; default 'rpi-build/results-stand-in'. */
  repository?: string;
  /** Milliseconds to wait for Azurite to listen; default 30 s. */
  startTimeoutMs?: number;
}

class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TWIRP_CODES: Record<number, string> = {
  400: 'invalid_argument',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'already_exists',
  412: 'failed_precondition',
  429: 'resource_exhausted',
  500: 'internal',
  501: 'unimplemented',
  503: 'unavailable',
  504: 'deadline_exceeded',
};

type Json = Record<string, unknown>;

/** Builds an unsigned JWT ("alg":"none") whose scp names the results backend ids. */
export function runtimeToken(runBackendId: string, jobBackendId: string): string {
  const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const header = b64({ typ: 'JWT', alg: 'none' });
  const payload = b64({
    scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${runBackendId}:${jobBackendId}`,
    iat: now,
    exp: now + 6 * 3600,
  });
  return `${header}.${payload}.`;
}

function scopeOfToken(authorization: string | undefined): { run: string; job: string } | undefined {
  const m = /^Bearer (\S+)$/.exec(authorization ?? '');
  if (!m) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(m[1].split('.')[1] ?? '', 'base64url').toString()) as {
      scp?: unknown;
    };
    if (typeof payload.scp !== 'string') return undefined;
    for (const s of payload.scp.split(' ')) {
      const parts = s.split(':');
      if (parts[0] === 'Actions.Results' && parts.length === 3) return { run: parts[1], job: parts[2] };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Reads a field by its proto name, falling back to the lowerCamelCase JSON name. */
function field(body: Json, protoName: string): unknown {
  if (protoName in body) return body[protoName];
  const camel = protoName.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return body[camel];
}
function str(body: Json, protoName: string): string {
  const v = field(body, protoName);
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}
function need(body: Json, protoName: string): string {
  const v = str(body, protoName);
  if (!v) throw new TwirpError(400, 'invalid_argument', `${protoName} is required`);
  return v;
}

function azuriteBlobMain(): string {
  const require = createRequire(join(ROOT, 'package.json'));
  const pkgPath = require.resolve('azurite/package.json');
  return join(dirname(pkgPath), 'dist', 'src', 'blob', 'main.js');
}

interface Azurite {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startAzurite(cwd: string, timeoutMs: number): Promise<Azurite> {
  const child = spawn(
    process.execPath,
    [
      azuriteBlobMain(),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      // In memory: nothing to clean up. (--location cannot be combined with it; cwd is a
      // private temp folder in case Azurite writes anything anyway.)
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--loose',
      '--disableTelemetry',
      '--silent',
    ],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`Azurite did not listen within ${timeoutMs} ms:\n${log}`));
    }, timeoutMs);
    const onData = (d: Buffer): void => {
      log += d.toString();
      const m = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        res(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      rej(new Error(`Azurite exited early (${code ?? sig}):\n${log}`));
    });
  });
  // Keep draining its output so it never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((res) => child.once('exit', () => res()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { port, child, stop };
}

export async function startResultsService(options: StartOptions = {}): Promise<ResultsService> {
  const workDir = mkdtempSync(join(tmpdir(), 'rpi-results-'));
  const azuriteDir = join(workDir, 'azurite');
  const runnerTemp = join(workDir, 'runner-temp');
  mkdirSync(azuriteDir);
  mkdirSync(runnerTemp);

  let azurite: Azurite;
  try {
    azurite = await startAzurite(azuriteDir, options.startTimeoutMs ?? 30_000);
  } catch (e) {
    rmSync(workDir, { recursive: true, force: true });
    throw e;
  }
  // If the test process dies without stop(), do not leave Azurite running.
  const killOnExit = (): void => {
    azurite.child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const abandon = async (e: unknown): Promise<never> => {
    await azurite.stop();
    process.removeListener('exit', killOnExit);
    rmSync(workDir, { recursive: true, force: true });
    throw e;
  };

  const blobUrl = `http://127.0.0.1:${azurite.port}/${AZURITE_ACCOUNT}`;
  const credential = new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY);
  const blobService = new BlobServiceClient(blobUrl, credential, { retryOptions: { maxTries: 2 } });
  const container = 'actions-results';
  const containerClient: ContainerClient = blobService.getContainerClient(container);
  await containerClient.createIfNotExists().catch(abandon);

  const runBackendId = options.runBackendId ?? randomUUID();
  const jobBackendId = options.jobBackendId ?? randomUUID();
  let nextId = 1;
  const cacheEntries: CacheEntryRecord[] = [];
  const artifactEntries: ArtifactRecord[] = [];
  const callLog: CallRecord[] = [];
  const faults = new Map<ServiceName, { fault: Fault; method?: string; remaining: number }>();
  const hung = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  function sign(
    blobName: string,
    permissions: string,
    extra: { contentDisposition?: string; contentType?: string } = {},
  ): string {
    const now = Date.now();
    const sas = generateBlobSASQueryParameters(
      {
        containerName: container,
        blobName,
        permissions: BlobSASPermissions.parse(permissions),
        startsOn: new Date(now - 5 * 60_000),
        expiresOn: new Date(now + 6 * 3600_000),
        protocol: SASProtocol.HttpsAndHttp,
        ...extra,
      },
      credential,
    ).toString();
    return `${containerClient.getBlockBlobClient(blobName).url}?${sas}`;
  }

  async function blobSize(blobName: string): Promise<number | undefined> {
    try {
      const p = await containerClient.getBlockBlobClient(blobName).getProperties();
      return p.contentLength ?? 0;
    } catch {
      return undefined;
    }
  }

  // ---- CacheService ---------------------------------------------------------------------
  // Keys are matched like GitHub: within the request's version, an exact match of the key,
  // then the newest entry whose key starts with the key, then each restore key in order
  // (exact, then newest prefix match). Only finalized entries are visible.
  function findCache(version: string, keys: string[]): CacheEntryRecord | undefined {
    const visible = cacheEntries
      .filter((e) => e.finalized && e.version === version)
      .sort((a, b) => b.id - a.id);
    for (const k of keys) {
      const exact = visible.find((e) => e.key === k);
      if (exact) return exact;
      const prefix = visible.find((e) => e.key.startsWith(k));
      if (prefix) return prefix;
    }
    return undefined;
  }

  const cacheMethods: Record<string, (body: Json) => Promise<Json>> = {
    CreateCacheEntry: async (body) => {
      const key = need(body, 'key');
      const version = need(body, 'version');
      if (cacheEntries.some((e) => e.key === key && e.version === version))
        throw new TwirpError(
          409,
          'already_exists',
          'cache entry with the same key, version, and scope already exists',
        );
      const id = nextId++;
      const entry: CacheEntryRecord = {
        id,
        key,
        version,
        size: 0,
        reportedSize: 0,
        finalized: false,
        createdAt: new Date(),
        blobName: `caches/${id}/cache.tar`,
      };
      cacheEntries.push(entry);
      return { ok: true, signed_upload_url: sign(entry.blobName, 'cw') };
    },
    FinalizeCacheEntryUpload: async (body) => {
      const key = need(body, 'key');
      const version = need(body, 'version');
      const entry = cacheEntries.find((e) => e.key === key && e.version === version && !e.finalized);
      if (!entry) throw new TwirpError(404, 'not_found', `no pending cache entry for key ${key}`);
      const size = await blobSize(entry.blobName);
      if (size === undefined)
        throw new TwirpError(412, 'failed_precondition', `cache ${key} was not uploaded`);
      entry.size = size;
      entry.reportedSize = Number(str(body, 'size_bytes') || '0');
      entry.finalized = true;
      return { ok: true, entry_id: String(entry.id) };
    },
    GetCacheEntryDownloadURL: async (body) => {
      const key = need(body, 'key');
      const version = need(body, 'version');
      const restoreKeys = field(body, 'restore_keys');
      const keys = [key, ...(Array.isArray(restoreKeys) ? restoreKeys.map(String) : [])];
      const hit = findCache(version, keys);
      if (!hit) return { ok: false };
      return { ok: true, signed_download_url: sign(hit.blobName, 'r'), matched_key: hit.key };
    },
  };

  // ---- ArtifactService --------------------------------------------------------------------
  // Artifacts are created per job but named and listed per workflow run, as on GitHub.
  const visibleArtifacts = (run: string): ArtifactRecord[] =>
    artifactEntries.filter((a) => a.finalized && a.workflowRunBackendId === run).sort((a, b) => a.id - b.id);

  const artifactMethods: Record<string, (body: Json) => Promise<Json>> = {
    CreateArtifact: async (body) => {
      const run = need(body, 'workflow_run_backend_id');
      const job = need(body, 'workflow_job_run_backend_id');
      const name = need(body, 'name');
      if (visibleArtifacts(run).some((a) => a.name === name))
        throw new TwirpError(
          409,
          'already_exists',
          `an artifact with this name already exists on the workflow run: ${name}`,
        );
      // A retried, never finalized upload of the same name is replaced.
      for (let i = artifactEntries.length - 1; i >= 0; i--) {
        const a = artifactEntries[i];
        if (!a.finalized && a.workflowRunBackendId === run && a.name === name) artifactEntries.splice(i, 1);
      }
      const mime = field(body, 'mime_type');
      const mimeType = typeof mime === 'string' ? mime : undefined;
      const expires = field(body, 'expires_at');
      const version = field(body, 'version');
      const id = nextId++;
      const file = mimeType === undefined || mimeType === 'application/zip' ? `${name}.zip` : name;
      const record: ArtifactRecord = {
        id,
        name,
        size: 0,
        blobSize: 0,
        digest: undefined,
        mimeType,
        version: typeof version === 'number' ? version : undefined,
        expiresAt: typeof expires === 'string' ? new Date(expires) : undefined,
        workflowRunBackendId: run,
        workflowJobRunBackendId: job,
        finalized: false,
        createdAt: new Date(),
        blobName: `artifacts/${run}/${id}/${file}`,
      };
      artifactEntries.push(record);
      return { ok: true, signed_upload_url: sign(record.blobName, 'cw') };
    },
    FinalizeArtifact: async (body) => {
      const run = need(body, 'workflow_run_backend_id');
      const name = need(body, 'name');
      const record = artifactEntries.find(
        (a) => !a.finalized && a.workflowRunBackendId === run && a.name === name,
      );
      if (!record) throw new TwirpError(404, 'not_found', `no pending artifact named ${name}`);
      const size = await blobSize(record.blobName);
      if (size === undefined)
        throw new TwirpError(412, 'failed_precondition', `artifact ${name} was not uploaded`);
      record.blobSize = size;
      record.size = Number(str(body, 'size') || '0');
      const hash = field(body, 'hash');
      record.digest = typeof hash === 'string' ? hash : undefined;
      record.finalized = true;
      return { ok: true, artifact_id: String(record.id) };
    },
    ListArtifacts: async (body) => {
      const run = need(body, 'workflow_run_backend_id');
      const nameFilter = field(body, 'name_filter');
      const idFilter = field(body, 'id_filter');
      const list = visibleArtifacts(run).filter(
        (a) =>
          (typeof nameFilter !== 'string' || a.name === nameFilter) &&
          (idFilter === undefined || idFilter === null || String(a.id) === String(idFilter)),
      );
      return {
        artifacts: list.map((a) => ({
          workflow_run_backend_id: a.workflowRunBackendId,
          workflow_job_run_backend_id: a.workflowJobRunBackendId,
          database_id: String(a.id),
          name: a.name,
          size: String(a.size),
          created_at: a.createdAt.toISOString(),
          ...(a.digest ? { digest: a.digest } : {}),
        })),
      };
    },
    GetSignedArtifactURL: async (body) => {
      const run = need(body, 'workflow_run_backend_id');
      const name = need(body, 'name');
      const record = visibleArtifacts(run)
        .filter((a) => a.name === name)
        .pop();
      if (!record) throw new TwirpError(404, 'not_found', `artifact not found: ${name}`);
      const file = record.blobName.split('/').pop() ?? name;
      return {
        signed_url: sign(record.blobName, 'r', {
          contentDisposition: `attachment; filename="${file.replace(/["\\\r\n]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file)}`,
          ...(record.mimeType ? { contentType: record.mimeType } : {}),
        }),
      };
    },
    DeleteArtifact: async (body) => {
      const run = need(body, 'workflow_run_backend_id');
      const name = need(body, 'name');
      const record = visibleArtifacts(run)
        .filter((a) => a.name === name)
        .pop();
      if (!record) throw new TwirpError(404, 'not_found', `artifact not found: ${name}`);
      artifactEntries.splice(artifactEntries.indexOf(record), 1);
      await containerClient.getBlockBlobClient(record.blobName).deleteIfExists();
      return { ok: true, artifact_id: String(record.id) };
    },
  };

  // ---- HTTP plumbing --------------------------------------------------------------------------
  function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  function takeFault(service: ServiceName, method: string): Fault | undefined {
    const f = faults.get(service);
    if (!f || (f.method && f.method !== method)) return undefined;
    if (f.remaining !== Infinity && --f.remaining <= 0) faults.delete(service);
    return f.fault;
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      total += c.length;
      if (total > 4 * 1024 * 1024) throw new TwirpError(400, 'malformed', 'request body too large');
      chunks.push(c);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const m = path.startsWith(TWIRP_PREFIX)
      ? /^(CacheService|ArtifactService)\/(\w+)$/.exec(path.slice(TWIRP_PREFIX.length))
      : null;
    if (!m) {
      // @actions/cache falls back to the v1 REST protocol (/_apis/artifactcache/...) when
      // ACTIONS_CACHE_SERVICE_V2 is unset or GITHUB_SERVER_URL names another host.
      const msg = path.includes('/_apis/')
        ? 'this stand-in speaks only the v2 (Twirp) protocol; set ACTIONS_CACHE_SERVICE_V2=true and GITHUB_SERVER_URL=http://gh.localhost'
        : `no route for ${req.method} ${path}`;
      callLog.push({ service: 'other', method: `${req.method} ${path}`, status: 404 });
      send(res, 404, { code: 'bad_route', msg });
      return;
    }
    const service: ServiceName = m[1] === 'CacheService' ? 'cache' : 'artifact';
    const method = m[2];
    const record = (status: number, fault?: string): void => {
      callLog.push(fault === undefined ? { service, method, status } : { service, method, status, fault });
    };
    const fault = takeFault(service, method);
    if (fault === 'down') {
      record(0, 'down');
      req.socket.destroy();
      return;
    }
    if (fault === 'hang') {
      record(0, 'hang');
      hung.add(res);
      return;
    }
    if (typeof fault === 'number') {
      record(fault, String(fault));
      send(
        res,
        fault,
        { code: TWIRP_CODES[fault] ?? 'unknown', msg: `injected fault ${fault}` },
        fault === 429 ? { 'Retry-After': '1' } : {},
      );
      return;
    }
    if (fault === 'denied') {
      if (service === 'cache' && method === 'CreateCacheEntry') {
        record(200, 'denied');
        send(res, 200, { ok: false, message: 'cache write denied: token has no writable scopes' });
      } else {
        const what =
          service === 'cache' ? 'cache read denied: token has no readable scopes' : 'artifact access denied';
        record(403, 'denied');
        send(res, 403, { code: 'permission_denied', msg: what });
      }
      return;
    }
    try {
      if (req.method !== 'POST')
        throw new TwirpError(404, 'bad_route', `Twirp wants POST, not ${req.method}`);
      const handler = (service === 'cache' ? cacheMethods : artifactMethods)[method];
      if (!handler) throw new TwirpError(404, 'bad_route', `no method ${m[1]}/${method}`);
      if (!scopeOfToken(req.headers.authorization))
        throw new TwirpError(
          401,
          'unauthenticated',
          'missing or malformed bearer token (need scp Actions.Results:<run>:<job>)',
        );
      const text = await readBody(req);
      let body: Json;
      try {
        body = text ? (JSON.parse(text) as Json) : {};
      } catch {
        throw new TwirpError(400, 'malformed', 'the request body is not JSON');
      }
      const out = await handler(body);
      record(200);
      send(res, 200, out);
    } catch (e) {
      const err =
        e instanceof TwirpError
          ? e
          : new TwirpError(500, 'internal', e instanceof Error ? e.message : String(e));
      record(err.status);
      if (!res.headersSent) send(res, err.status, { code: err.code, msg: err.message });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { code: 'internal', msg: String(e) });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  }).catch(abandon);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const repository = options.repository ?? 'rpi-build/results-stand-in';

  const envForJob = (job: string, run: string = runBackendId): Record<string, string> => ({
    ACTIONS_RESULTS_URL: `${url}/`,
    ACTIONS_RUNTIME_TOKEN: runtimeToken(run, job),
    ACTIONS_CACHE_SERVICE_V2: 'true',
    // A *.localhost host counts as github.com-like; any other non-github host is taken for
    // GHES, which silently forces cache protocol v1 and makes the artifact client refuse.
    GITHUB_SERVER_URL: 'http://gh.localhost',
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0],
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'test',
    GITHUB_WORKFLOW: 'results-stand-in',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: runnerTemp,
  });

  let stopped = false;
  return {
    url,
    blobUrl,
    container,
    runBackendId,
    jobBackendId,
    env: envForJob(jobBackendId),
    envForJob,
    setFault(service, fault, opts = {}) {
      if (fault === null) {
        faults.delete(service);
        for (const res of hung) res.destroy();
        hung.clear();
        return;
      }
      faults.set(service, {
        fault,
        ...(opts.method ? { method: opts.method } : {}),
        remaining: opts.times ?? Infinity,
      });
    },
    caches: () => cacheEntries.map((e) => ({ ...e })),
    artifacts: () => artifactEntries.map((a) => ({ ...a })),
    calls: () => callLog.map((c) => ({ ...c })),
    clearCalls: () => {
      callLog.length = 0;
    },
    readBlob: (blobName) => containerClient.getBlockBlobClient(blobName).downloadToBuffer(),
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const res of hung) res.destroy();
      hung.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
      await azurite.stop();
      process.removeListener('exit', killOnExit);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

export interface RunNodeOptions {
  /** Variables added to a clean environment (ACTIONS_*, GITHUB_*, RUNNER_*, INPUT_*, STATE_* of this process are dropped). */
  env?: Record<string, string>;
  /** Default: the repository root, so bare imports resolve to its node_modules. */
  cwd?: string;
  /**
   * Divide every setTimeout delay of 1 s or more by this factor in the child. The clients'
   * retry loops sleep 3 s x 1.5^n between 5 attempts (about 25-35 s in all); a factor of
   * 100 runs the same loop in well under a second.
   */
  timeScale?: number;
  /** Kill the child after this many ms; default 60 s. */
  timeoutMs?: number;
}

export interface RunNodeResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Values the snippet passed to emit(), in order. */
  results: unknown[];
  durationMs: number;
  timedOut: boolean;
}

const RESULT_MARK = '@@rpi-results@@';

/**
 * Runs an ESM snippet in a child Node process. The snippet may use top-level await and a
 * global `emit(value)` to hand JSON-serialisable values back. Because a time-scale shim is
 * installed before the snippet runs, import the @actions packages with `await import()`
 * or static imports alike.
 */
export function runNode(code: string, options: RunNodeOptions = {}): Promise<RunNodeResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(ACTIONS_|GITHUB_|RUNNER_|INPUT_|STATE_)/.test(k)) continue;
    env[k] = v;
  }
  Object.assign(env, options.env ?? {});
  let prelude = `globalThis.emit = (v) => process.stdout.write('\\n${RESULT_MARK}' + JSON.stringify(v ?? null) + '\\n');\n`;
  if (options.timeScale && options.timeScale !== 1) {
    prelude +=
      `const st = globalThis.setTimeout;\n` +
      `globalThis.setTimeout = Object.assign((fn, ms, ...a) => st(fn, typeof ms === 'number' && ms >= 1000 ? Math.max(1, Math.round(ms / ${Number(options.timeScale)})) : ms, ...a), st);\n`;
  }
  const args = [
    '--import',
    `data:text/javascript,${encodeURIComponent(prelude)}`,
    '--input-type=module',
    '-e',
    code,
  ];
  const started = Date.now();
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      const results: unknown[] = [];
      for (const line of stdout.split('\n'))
        if (line.startsWith(RESULT_MARK)) results.push(JSON.parse(line.slice(RESULT_MARK.length)) as unknown);
      res({ exitCode, stdout, stderr, results, durationMs: Date.now() - started, timedOut });
    });
  });
}
