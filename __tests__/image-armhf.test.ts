// An armhf image end to end with every account and customization input, from a mirror that wants
// a login: built cold with the CLI under QEMU user emulation (the previous release, bookworm) and
// booted on the Pi 2 board. Its own file so it runs beside the arm64 builds. Slow: runs in CI as root.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { itNeeds } from './support/needs.js';
import { fileScratch } from './support/scratch.js';
import { bytesContaining, dumpFromExt4 } from './support/image-inspect.js';
import { startAuthMirror } from './support/auth-mirror.js';
import {
  IMAGE_NEEDS as NEEDS,
  MIN,
  cacheEntries,
  checkImage,
  cliAsync,
  expectNoHostPath,
} from './support/image-checks.js';

const scratch = fileScratch();

describe('rpi-build image --arch armhf', () => {
  itNeeds(
    [...NEEDS, 'tool:qemu-system-arm'],
    'bookworm armhf with a user, password, key, hostname, locale, overlay and a customize script, from a mirror that wants a login: builds and boots on raspi2b; no secret in the image',
    async () => {
      const cwd = scratch('image-armhf');
      writeFileSync(
        join(cwd, 'hello.sh'),
        '#!/bin/sh\nset -e\necho "customized on $(uname -m)" > /etc/rpi-build-test\n',
      );
      mkdirSync(join(cwd, 'overlay', 'etc', 'motd.d'), { recursive: true });
      writeFileSync(join(cwd, 'overlay', 'etc', 'motd.d', 'hello'), 'from the overlay\n');
      const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB0y6vTgl7aYbNNnj0Rm3Z7b1XHzqZGvFSJAbPZ4yDnq test@ci';
      const cache = scratch('cache-armhf');
      // A proxy of the real archive that answers 401 without this login.
      const token = 'mirr0r-T0ken';
      const mirror = await startAuthMirror({ user: 'ci', token });
      const r = await cliAsync(
        cwd,
        cache,
        { RPI_BUILD_PASSWORD: 'correct horse battery' },
        'image',
        '--mirror',
        `${mirror.url}/debian`,
        // Not the security archive here: its armhf index did not match its InRelease on this
        // test host (apt: "File has unexpected size"); the arm64 builds check -security.
        '--security-mirror',
        'none',
        '--arch',
        'armhf',
        // The previous release, booted on the Pi 2 board (the arm64 cases build the default, trixie).
        '--suite',
        'bookworm',
        // raspi2b emulates four Cortex-A7s: about 330 s to the login prompt here alone, more beside
        // the other test files; the default 900 s is meant for a runner's own cores.
        '--boot-timeout',
        '1800',
        '--out',
        'out',
        '--hostname',
        'raspberrypi',
        '--username',
        'alice',
        '--ssh-authorized-keys',
        key,
        '--customize',
        join(cwd, 'hello.sh'),
        '--overlay',
        join(cwd, 'overlay'),
        '--timezone',
        'Europe/Berlin',
        // Not the base's locale: made in customize, by the root's release of localedef for the
        // host's CPU, fetched through the same login.
        '--locale',
        'de_DE.UTF-8',
      );
      await mirror.close();
      expect(r.status, r.stderr.slice(-3000)).toBe(0);
      expect(r.stderr).toContain('rootfs cache miss');
      expect(mirror.requests.filter((q) => !q.authorized)).toEqual([]);
      expect(`${r.stdout}${r.stderr}`).not.toContain(token);
      expect(cacheEntries(cache)).toHaveLength(1); // a successful CLI build saves its root
      expect(r.stderr).not.toContain('correct horse battery');
      expect(r.stdout).toMatch(/^account=password\+ssh-key$/m);
      const { image, root } = checkImage(join(cwd, 'out'), 'armhf', mirror.plainUrl, false, 'bookworm');
      expectNoHostPath(image, cwd);
      // Neither the login (as written, or as apt's Basic header) nor the password, in any byte.
      const b64 = Buffer.from(`ci:${token}`).toString('base64');
      expect(bytesContaining(image, [token, b64, 'correct horse battery'])).toEqual([]);
      expect(bytesContaining(join(cwd, 'out', 'rpi-build-bookworm-armhf.img.xz'), [token])).toEqual([]);
      const read = (p: string) => readFileSync(dumpFromExt4(image, root, p, join(cwd, 'x')), 'utf8');
      expect(read('/etc/rpi-build-test')).toBe('customized on armv7l\n');
      expect(read('/etc/motd.d/hello')).toBe('from the overlay\n');
      expect(read('/home/alice/.ssh/authorized_keys')).toBe(`${key}\n`);
      expect(read('/etc/shadow')).toMatch(/^alice:\$6\$[^:]+:/m);
      expect(read('/etc/timezone')).toBe('Europe/Berlin\n');
      expect(read('/etc/default/locale')).toBe('LANG=de_DE.UTF-8\n');
      expect(read('/etc/locale.gen')).toBe('de_DE.UTF-8 UTF-8\n');
      expect(r.stderr).toMatch(/localedef \S+ from the archive's \S+ packages run natively for locale-gen/);
      // bookworm's root is merged from the start (mmdebstrap's merged-usr hook, as debootstrap does):
      // no usrmerge conversion, so the essential packages are installed with the host's tools too.
      expect(r.stderr).toMatch(/programs of .* run natively while the essential packages are installed/);
      expect(r.stderr).not.toContain('The essential packages include usrmerge');
      const manifest = readFileSync(join(cwd, 'out', 'rpi-build-bookworm-armhf.manifest'), 'utf8');
      expect(manifest).toMatch(/^usr-is-merged\t/m);
      expect(manifest).not.toMatch(/^usrmerge\t/m);
      // The archive holds the locale (its name is in the archive's name table).
      expect(
        bytesContaining(dumpFromExt4(image, root, '/usr/lib/locale/locale-archive', join(cwd, 'x')), [
          'de_DE.utf8',
        ]),
      ).toEqual(['de_DE.utf8']);
      for (const f of readdirSync(join(cwd, 'out'))) {
        if (!f.endsWith('.xz') && !f.endsWith('.img')) {
          expect(readFileSync(join(cwd, 'out', f), 'utf8')).not.toContain('correct horse battery');
        }
      }
    },
    40 * MIN,
  );
});
