// The image's apt sources (suite, -updates, -security; one-line on bookworm, deb822 on trixie),
// the root filesystem cache key over all three archives' states, and /etc/resolv.conf
// surviving the chroot session (issue 15, items 6 and 9).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveStates, rootfsKeys } from '../src/cache/rootfs-cache.js';
import { loadConfig } from '../src/config/load.js';
import { withChrootMounts } from '../src/rootfs/chroot.js';
import { RESOLVED_STUB, withChrootKeepingResolver } from '../src/rootfs/resolver.js';
import {
  archives,
  authConf,
  mmdebstrapMirrors,
  sourcesFile,
  withAptAuth,
  writeImageSources,
} from '../src/rootfs/sources.js';
import { itNeeds } from './support/needs.js';
import { fileScratch } from './support/scratch.js';

// Never recursed into if a failed test left a mount below it (it would be the host's /dev).
const scratch = fileScratch()('sources');

const spec = {
  arch: 'arm64' as const,
  suite: 'bookworm',
  mirror: 'http://deb.debian.org/debian',
  securityMirror: 'http://deb.debian.org/debian-security',
  components: ['main', 'non-free-firmware'],
  packages: ['a'],
};

describe('apt sources of the image', () => {
  it('bookworm: one-line sources.list with the suite, -updates and -security', () => {
    expect(sourcesFile(spec)).toEqual({
      path: 'etc/apt/sources.list',
      text:
        'deb http://deb.debian.org/debian bookworm main non-free-firmware\n' +
        'deb http://deb.debian.org/debian bookworm-updates main non-free-firmware\n' +
        'deb http://deb.debian.org/debian-security bookworm-security main non-free-firmware\n',
    });
  });

  it('trixie: deb822 debian.sources, one stanza per archive', () => {
    expect(sourcesFile({ ...spec, suite: 'trixie' })).toEqual({
      path: 'etc/apt/sources.list.d/debian.sources',
      text: [
        'Types: deb',
        'URIs: http://deb.debian.org/debian',
        'Suites: trixie trixie-updates',
        'Components: main non-free-firmware',
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
        '',
        'Types: deb',
        'URIs: http://deb.debian.org/debian-security',
        'Suites: trixie-security',
        'Components: main non-free-firmware',
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
        '',
      ].join('\n'),
    });
  });

  it('security-mirror none leaves the security archive out', () => {
    expect(archives({ ...spec, securityMirror: 'none' }).map((a) => a.suite)).toEqual([
      'bookworm',
      'bookworm-updates',
    ]);
  });

  it('credentials reach neither the sources nor mmdebstrap argv, only the private auth file', () => {
    const secret = { ...spec, mirror: 'https://ci:s3cretTok3n@apt.example.org/debian/' };
    expect(sourcesFile(secret).text).not.toContain('s3cretTok3n');
    expect(sourcesFile(secret).text).toContain('deb https://apt.example.org/debian bookworm ');
    expect(mmdebstrapMirrors(secret).join(' ')).not.toContain('s3cretTok3n');
    expect(mmdebstrapMirrors(secret)).toEqual([
      'deb https://apt.example.org/debian bookworm main non-free-firmware',
      'deb https://apt.example.org/debian bookworm-updates main non-free-firmware',
      'deb http://deb.debian.org/debian-security bookworm-security main non-free-firmware',
    ]);
    // With protocol and path: apt sends the login to this archive only (and over http too).
    expect(authConf(secret)).toBe('machine https://apt.example.org/debian login ci password s3cretTok3n\n');
    expect(authConf(spec)).toBeUndefined();
  });

  it('a new config is checked: security-mirror must be a URL or none', async () => {
    await expect(loadConfig({ overrides: { 'security-mirror': 'none' } })).resolves.toMatchObject({
      securityMirror: 'none',
    });
    expect((await loadConfig({ overrides: {} })).securityMirror).toBe(
      'http://deb.debian.org/debian-security',
    );
  });

  it('writeImageSources replaces what the bootstrap wrote', () => {
    const root = join(scratch, 'sources-root');
    mkdirSync(join(root, 'etc', 'apt', 'sources.list.d'), { recursive: true });
    writeFileSync(join(root, 'etc', 'apt', 'sources.list'), 'deb http://old bookworm main\n');
    writeFileSync(join(root, 'etc', 'apt', 'sources.list.d', '0001main.list'), 'deb http://old x main\n');
    return writeImageSources(root, { ...spec, suite: 'trixie' }).then(() => {
      expect(() => lstatSync(join(root, 'etc', 'apt', 'sources.list'))).toThrow();
      expect(() => lstatSync(join(root, 'etc', 'apt', 'sources.list.d', '0001main.list'))).toThrow();
      expect(readFileSync(join(root, 'etc', 'apt', 'sources.list.d', 'debian.sources'), 'utf8')).toContain(
        'Suites: trixie-security',
      );
    });
  });

  it('withAptAuth gives apt in the root the logins (0600) only while it runs', async () => {
    const root = join(scratch, 'auth-root');
    const file = join(root, 'etc', 'apt', 'auth.conf.d', '90rpi-build.conf');
    const secret = { ...spec, securityMirror: 'http://u:t0ken@sec.example.org/debian-security' };
    let during = '';
    let mode = 0;
    await withAptAuth(root, secret, async () => {
      during = readFileSync(file, 'utf8');
      mode = lstatSync(file).mode & 0o777;
    });
    expect(during).toBe('machine http://sec.example.org/debian-security login u password t0ken\n');
    expect(mode).toBe(0o600);
    expect(() => lstatSync(file)).toThrow();
    await expect(withAptAuth(root, secret, () => Promise.reject(new Error('apt failed')))).rejects.toThrow(
      'apt failed',
    );
    expect(() => lstatSync(file)).toThrow(); // removed on failure too
  });
});

describe('the root filesystem cache key covers all three archives', () => {
  it('the configuration part names every archive; the state part changes with each', async () => {
    const bodies: Record<string, string> = {
      '/debian/dists/bookworm/InRelease': 'Date: 1\n',
      '/debian/dists/bookworm-updates/InRelease': 'Date: 1\n',
      '/debian-security/dists/bookworm-security/InRelease': 'Date: 1\n',
    };
    const server = createServer((req, res) => {
      const body = bodies[req.url ?? ''];
      if (body === undefined) return void res.writeHead(404).end();
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const local = { ...spec, mirror: `${base}/debian`, securityMirror: `${base}/debian-security` };
    try {
      const first = await archiveStates(local);
      const k = rootfsKeys(local, first);
      for (const path of Object.keys(bodies)) {
        bodies[path] = 'Date: 2\n';
        const next = await archiveStates(local);
        expect(next, path).not.toBe(first);
        const changed = rootfsKeys(local, next);
        expect(changed.key).not.toBe(k.key);
        expect(changed.restorePrefix).toBe(k.restorePrefix); // an older state still seeds the build
        bodies[path] = 'Date: 1\n';
      }
      expect(await archiveStates(local)).toBe(first);
      // Another security archive or none at all is another configuration.
      expect(rootfsKeys({ ...local, securityMirror: 'none' }, first).restorePrefix).not.toBe(k.restorePrefix);
      // A new token for the same archive is the same configuration.
      const withToken = { ...local, mirror: `${base.replace('http://', 'http://u:tok@')}/debian` };
      expect(rootfsKeys(withToken, first).key).toBe(k.key);
      // An unreachable security archive fails early, naming its own input.
      delete bodies['/debian-security/dists/bookworm-security/InRelease'];
      await expect(archiveStates(local, 1)).rejects.toThrow(/security-mirror, --security-mirror on the CLI/);
    } finally {
      server.close();
    }
  });
});

describe('/etc/resolv.conf survives the chroot session', () => {
  const fakeRoot = (name: string): string => {
    const root = join(scratch, name);
    for (const d of ['etc', 'proc', 'sys', 'dev', 'usr/sbin']) mkdirSync(join(root, d), { recursive: true });
    return root;
  };

  itNeeds(
    ['root', 'tool:mount'],
    'the session alone deletes it (the bug); the wrapper restores it',
    async () => {
      const root = fakeRoot('resolv-bug');
      symlinkSync(
        RESOLVED_STUB.kind === 'link' ? RESOLVED_STUB.target : '',
        join(root, 'etc', 'resolv.conf'),
      );
      await withChrootMounts(root, async () => undefined);
      expect(() => lstatSync(join(root, 'etc', 'resolv.conf'))).toThrow(); // what every image shipped

      symlinkSync('../run/systemd/resolve/stub-resolv.conf', join(root, 'etc', 'resolv.conf'));
      let inside = '';
      await withChrootKeepingResolver(root, async () => {
        inside = readFileSync(join(root, 'etc', 'resolv.conf'), 'utf8'); // the host's, for apt in scripts
      });
      expect(inside).toBe(readFileSync('/etc/resolv.conf', 'utf8'));
      expect(readlinkSync(join(root, 'etc', 'resolv.conf'))).toBe('../run/systemd/resolve/stub-resolv.conf');
    },
  );

  itNeeds(
    ['root', 'tool:mount'],
    "the preferred stub when there was none; a script's own file wins",
    async () => {
      const root = fakeRoot('resolv-choice');
      await withChrootKeepingResolver(root, async () => undefined, undefined, RESOLVED_STUB);
      expect(readlinkSync(join(root, 'etc', 'resolv.conf'))).toBe('../run/systemd/resolve/stub-resolv.conf');

      await withChrootKeepingResolver(
        root,
        async () => {
          rmSync(join(root, 'etc', 'resolv.conf'));
          writeFileSync(join(root, 'etc', 'resolv.conf'), 'nameserver 192.0.2.53\n');
        },
        undefined,
        RESOLVED_STUB,
      );
      expect(readFileSync(join(root, 'etc', 'resolv.conf'), 'utf8')).toBe('nameserver 192.0.2.53\n');
      expect(lstatSync(join(root, 'etc', 'resolv.conf')).isSymbolicLink()).toBe(false);
    },
  );
});
