// A Debian mirror that wants a login: a proxy in front of the real archive (/debian and
// /debian-security) that answers 401 without the right Basic credentials and records every
// request, so a test can check the build sent them (in a header) and never put them anywhere else.
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AuthMirror {
  /** http://user:token@127.0.0.1:PORT (append /debian or /debian-security). */
  url: string;
  /** The same without credentials. */
  plainUrl: string;
  requests: { path: string; authorized: boolean; agent: string }[];
  close(): Promise<void>;
}

export interface AuthMirrorOptions {
  user: string;
  token: string;
  /** Answer 404 to every .deb: the build then fails right after apt read the indices. */
  refuseDebs?: boolean;
  upstream?: string;
}

export async function startAuthMirror(opts: AuthMirrorOptions): Promise<AuthMirror> {
  const upstream = new URL(opts.upstream ?? 'http://deb.debian.org');
  const expected = `Basic ${Buffer.from(`${opts.user}:${opts.token}`).toString('base64')}`;
  const requests: AuthMirror['requests'] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const authorized = req.headers.authorization === expected;
    requests.push({ path, authorized, agent: String(req.headers['user-agent'] ?? '') });
    if (!authorized)
      return void res.writeHead(401, { 'www-authenticate': 'Basic realm="mirror"' }).end('login needed\n');
    if (!/^\/debian(?:-security)?\//.test(path)) return void res.writeHead(404).end();
    if (opts.refuseDebs && path.endsWith('.deb')) return void res.writeHead(404).end('no debs here\n');
    const up = request(
      {
        host: upstream.hostname,
        port: upstream.port || 80,
        path,
        method: req.method,
        headers: { host: upstream.host, 'user-agent': String(req.headers['user-agent'] ?? 'auth-mirror') },
      },
      (r: IncomingMessage) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.on('close', () => {
      if (!res.writableEnded) up.destroy();
    });
    up.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.user}:${opts.token}@127.0.0.1:${port}`,
    plainUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
