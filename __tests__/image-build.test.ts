// The main job end to end, as a user runs it: `rpi-build image --out DIR` with real
// mmdebstrap under real QEMU user emulation, the image assembled without loop devices,
// then booted under qemu-system to a login prompt. Slow (minutes each): runs in CI as root.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { itNeeds } from './support/needs.js';
import { ROOT } from './support/runner.js';
import {
  debugfs,
  describeFile,
  dumpFromExt4,
  fatList,
  fatRead,
  partitions,
} from './support/image-inspect.js';

const CLI = join(ROOT, 'dist', 'cli.js');
const NEEDS = [
  'root',
  'tool:mmdebstrap',
  'tool:qemu-aarch64-static',
  'tool:qemu-system-aarch64',
  'tool:mkfs.vfat',
  'tool:mcopy',
  'tool:debugfs',
] as const;
const MIN = 60_000;

function cli(cwd: string, ...args: string[]) {
  return spawnSync('node', [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 40 * MIN,
    env: { ...process.env, GITHUB_ACTIONS: '' },
  });
}

function checkImage(out: string, arch: 'arm64' | 'armhf') {
  const files = readdirSync(out).sort();
  const base = `rpi-build-bookworm-${arch}`;
  expect(files).toEqual([
    'SHA256SUMS',
    `${base}.boot.log`,
    `${base}.img.bmap`,
    `${base}.img.xz`,
    `${base}.manifest`,
  ]);
  execFileSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: out });

  const image = join(out, `${base}.img`);
  execFileSync('xz', ['-dk', '-T0', join(out, `${base}.img.xz`)]);
  const table = partitions(image);
  expect(table.label).toBe('dos');
  expect(table.partitions.map((p) => p.type)).toEqual(['c', '83']);
  const fat = table.partitions[0]!;
  const root = table.partitions[1]!;

  const config = fatRead(image, fat.start, 'config.txt');
  const kernel = /^kernel=(\S+)$/m.exec(config)?.[1];
  expect(kernel).toMatch(/^vmlinuz-/);
  expect(fatList(image, fat.start)).toContain(kernel);
  expect(fatRead(image, fat.start, 'cmdline.txt')).toMatch(/root=LABEL=RASPIROOT .*rootwait/);
  if (arch === 'arm64') {
    expect(config).toMatch(/^arm_64bit=1$/m);
    expect(fatList(image, fat.start)).toMatch(/bcm2711-rpi-4-b\.dtb/);
  }

  const sh = dumpFromExt4(image, root.start, '/bin/sh', join(out, 'sh.bin'));
  expect(describeFile(sh)).toMatch(
    arch === 'arm64' ? /ELF 64-bit LSB .* ARM aarch64/ : /ELF 32-bit LSB .* ARM, EABI5/,
  );
  // No SSH host keys ship (made on first boot), and the account without password or key is locked.
  expect(debugfs(image, root.start, 'ls -l /etc/ssh')).not.toMatch(/ssh_host_/);
  const manifest = readFileSync(join(out, `${base}.manifest`), 'utf8');
  expect(manifest).toMatch(new RegExp(`^raspi-firmware\\t\\S+\\tall$`, 'm'));
  expect(manifest).toMatch(
    new RegExp(`^linux-image-${arch === 'arm64' ? 'arm64' : 'armmp'}\\t\\S+\\t${arch}$`, 'm'),
  );
  expect(readFileSync(join(out, `${base}.boot.log`), 'utf8')).toMatch(/raspberrypi login:/);
  return { image, root: root.start };
}

describe('rpi-build image', () => {
  itNeeds(
    [...NEEDS],
    'with no flags but --out: an arm64 bookworm image that boots to a login prompt',
    () => {
      const cwd = mkdtempSync(join(tmpdir(), 'rpi-image-arm64-'));
      const r = cli(cwd, 'image', '--out', 'out');
      expect(r.stderr).toContain('Boot test passed');
      expect(r.status, r.stderr.slice(-3000)).toBe(0);
      expect(r.stdout).toMatch(/^image-sha256=[0-9a-f]{64}$/m);
      expect(r.stdout).toMatch(/^account=locked$/m);
      const { image, root } = checkImage(join(cwd, 'out'), 'arm64');
      const shadow = dumpFromExt4(image, root, '/etc/shadow', join(cwd, 'shadow'));
      expect(readFileSync(shadow, 'utf8')).toMatch(/^pi:!/m);

      // The standalone command boots the same (compressed) image again.
      const again = cli(cwd, 'boot-test', join(cwd, 'out', 'rpi-build-bookworm-arm64.img.xz'));
      expect(again.stderr).toMatch(/PASSED after \d+ s: raspberrypi login:/);
      expect(again.status).toBe(0);
    },
    40 * MIN,
  );

  itNeeds(
    [...NEEDS, 'tool:qemu-system-arm'],
    'armhf with a user, password, key, hostname and a customize script: builds and boots',
    () => {
      const cwd = mkdtempSync(join(tmpdir(), 'rpi-image-armhf-'));
      writeFileSync(
        join(cwd, 'hello.sh'),
        '#!/bin/sh\nset -e\necho "customized on $(uname -m)" > /etc/rpi-build-test\n',
      );
      mkdirSync(join(cwd, 'overlay', 'etc', 'motd.d'), { recursive: true });
      writeFileSync(join(cwd, 'overlay', 'etc', 'motd.d', 'hello'), 'from the overlay\n');
      const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB0y6vTgl7aYbNNnj0Rm3Z7b1XHzqZGvFSJAbPZ4yDnq test@ci';
      const r = cli(
        cwd,
        'image',
        '--arch',
        'armhf',
        '--out',
        'out',
        '--hostname',
        'raspberrypi',
        '--username',
        'alice',
        '--password',
        'correct horse battery',
        '--ssh-authorized-keys',
        key,
        '--customize',
        join(cwd, 'hello.sh'),
        '--overlay',
        join(cwd, 'overlay'),
        '--timezone',
        'Europe/Berlin',
      );
      expect(r.status, r.stderr.slice(-3000)).toBe(0);
      expect(r.stderr).not.toContain('correct horse battery');
      expect(r.stdout).toMatch(/^account=password\+ssh-key$/m);
      const { image, root } = checkImage(join(cwd, 'out'), 'armhf');
      const read = (p: string) => readFileSync(dumpFromExt4(image, root, p, join(cwd, 'x')), 'utf8');
      expect(read('/etc/rpi-build-test')).toBe('customized on armv7l\n');
      expect(read('/etc/motd.d/hello')).toBe('from the overlay\n');
      expect(read('/home/alice/.ssh/authorized_keys')).toBe(`${key}\n`);
      expect(read('/etc/shadow')).toMatch(/^alice:\$6\$[^:]+:/m);
      expect(read('/etc/timezone')).toBe('Europe/Berlin\n');
      for (const f of readdirSync(join(cwd, 'out'))) {
        if (!f.endsWith('.xz') && !f.endsWith('.img'))
          expect(readFileSync(join(cwd, 'out', f), 'utf8')).not.toContain('correct horse battery');
      }
    },
    40 * MIN,
  );

  itNeeds(
    [...NEEDS],
    'a customize script that fails stops the build with its output, and the out folder stays empty',
    () => {
      const cwd = mkdtempSync(join(tmpdir(), 'rpi-image-fail-'));
      writeFileSync(
        join(cwd, 'fail.sh'),
        '#!/bin/sh\necho "checking the widget"\necho "widget missing" >&2\nexit 3\n',
      );
      const r = cli(
        cwd,
        'image',
        '--out',
        'out',
        '--customize',
        join(cwd, 'fail.sh'),
        '--boot-test',
        'false',
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/customize script .*fail\.sh exited with code 3/);
      expect(r.stderr).toContain('checking the widget');
      expect(r.stderr).toContain('widget missing');
      expect(existsSync(join(cwd, 'out')) ? readdirSync(join(cwd, 'out')) : []).toEqual([]);
      // Nothing stays mounted below the work folder after the failure.
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(join(cwd, '.work'));
    },
    40 * MIN,
  );
});
