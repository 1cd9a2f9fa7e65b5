// A Debian mirror in front of the real one that misbehaves on purpose, for the fault tests:
// some .deb downloads have their connection reset before any byte, some get their headers
// and half the body before the connection drops. Everything else passes through unchanged.
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultyMirror {
  url: string;
  /** .deb requests seen, and how many were reset or cut. */
  readonly debs: number;
  readonly resets: number;
  readonly cuts: number;
  /** When each request for a file whose name starts with `alwaysCut` arrived (ms since epoch). */
  readonly alwaysCutTimes: number[];
  errors: string[];
  close(): Promise<void>;
}

export interface Faults {
  /** Reset every n-th .deb request before answering. */
  resetEvery?: number;
  /** Send half of every n-th .deb, then drop the connection. */
  cutEvery?: number;
  /** Send half of every download of this package (file name prefix), every time. */
  alwaysCut?: string;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
]);
const forwardHeaders = (h: IncomingHttpHeaders, host: string) => {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return { ...out, host };
};

/** Upstream requests that stall this long are dropped (the client then sees a failed download). */
const UPSTREAM_TIMEOUT_MS = 30_000;

export async function startFaultyMirror(upstream: string, faults: Faults): Promise<FaultyMirror> {
  const up = new URL(upstream.replace(/\/+$/, ''));
  // No socket limit: a limit plus one leaked upstream socket per abandoned download is how
  // an earlier version of this proxy queued requests forever.
  const agent = new Agent({ keepAlive: true });
  const m = { debs: 0, resets: 0, cuts: 0 };
  const alwaysCutTimes: number[] = [];
  const errors: string[] = [];
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || !req.url?.startsWith('/debian/')) return void res.writeHead(404).end();
    const path = `${up.pathname}${req.url.slice('/debian'.length)}`;
    let cut = false;
    if (req.url.endsWith('.deb')) {
      m.debs++;
      const file = req.url.slice(req.url.lastIndexOf('/') + 1);
      if (faults.alwaysCut && file.startsWith(faults.alwaysCut)) {
        alwaysCutTimes.push(Date.now());
        cut = true;
      } else if (faults.resetEvery && m.debs % faults.resetEvery === 0) {
        m.resets++;
        req.socket.resetAndDestroy();
        return;
      } else cut = !!faults.cutEvery && m.debs % faults.cutEvery === 0;
    }
    let upstreamRes: IncomingMessage | undefined;
    const fwd = request(
      {
        host: up.hostname,
        port: up.port || 80,
        path,
        method: 'GET',
        headers: forwardHeaders(req.headers, up.host),
        agent,
      },
      (ur) => {
        upstreamRes = ur;
        // The client already went away (apt drops a connection after a broken download,
        // with its pipelined requests): stop reading upstream, or its socket leaks.
        if (res.destroyed) return void ur.destroy();
        res.writeHead(ur.statusCode ?? 502, forwardHeaders(ur.headers, up.host));
        const length = Number(ur.headers['content-length'] ?? 0);
        if (!cut || ur.statusCode !== 200 || length < 2) return void ur.pipe(res);
        m.cuts++;
        let sent = 0;
        const half = Math.ceil(length / 2);
        ur.on('data', (chunk: Buffer) => {
          if (sent >= half) return;
          const part = chunk.subarray(0, half - sent);
          sent += part.length;
          res.write(part);
          if (sent >= half) {
            ur.destroy();
            // Let the half reach the client, then drop the connection.
            const socket = res.socket;
            socket?.end(() => socket.destroy());
          }
        });
      },
    );
    res.on('close', () => {
      if (!upstreamRes) fwd.destroy();
      else if (!upstreamRes.complete) upstreamRes.destroy();
    });
    fwd.setTimeout(UPSTREAM_TIMEOUT_MS, () => fwd.destroy(new Error('upstream stalled')));
    fwd.on('error', (e) => {
      errors.push(`${path}: ${e.message}`);
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    fwd.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/debian`,
    get debs() {
      return m.debs;
    },
    get resets() {
      return m.resets;
    },
    get cuts() {
      return m.cuts;
    },
    alwaysCutTimes,
    errors,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
        agent.destroy();
      }),
  };
}
