// armel (Pi Zero/1): Debian's linux-image-rpi knows only the BCM2835, so the boot test runs
// it on QEMU's Pi Zero machine (raspi0) with the image's own device tree and the image as
// its SD card. One real build and boot through the CLI, plus the device-tree patch and the
// SD size rule it needs. Its root filesystem cache is kept under the temp folder between runs
// (as boot-tests.test.ts does): the cold path is the arm64 and armhf builds' own, and a cold
// armel root costs CI ten minutes. The first run on a machine is cold.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextPowerOfTwo, withoutPowerManagement } from '../src/boot/machines.js';
import { fatList, fatRead, partitions } from './support/image-inspect.js';
import { itNeeds } from './support/needs.js';
import { ROOT, bootLines } from './support/runner.js';
import { fileScratch } from './support/scratch.js';

const CLI = join(ROOT, 'dist', 'cli.js');
const MIN = 60_000;
/** Kept between runs (its rpi-build/ folder holds the root filesystem cache). */
const CACHE_HOME = process.env.RPI_BUILD_TEST_CACHE_ARMEL ?? join(tmpdir(), 'rpi-build-armel-test-cache');
const scratch = fileScratch();

describe('the Pi Zero machine for armel boot tests', () => {
  it("renames the BCM2835 power-management node's compatibles in place and nothing else", () => {
    const strings = ['brcm,bcm2835-pm\0brcm,bcm2835-pm-wdt\0', 'brcm,bcm2835-pwm\0', 'brcm,bcm2835-pm-other'];
    const dtb = Buffer.from(`\xd0\x0d\xfe\xed${strings.join('')}`, 'latin1');
    const out = withoutPowerManagement(dtb);
    expect(out.length).toBe(dtb.length);
    const text = out.toString('latin1');
    expect(text).toContain('rpi-build,no-pm\0rpi-build,no-pm-wdt\0');
    expect(text).not.toContain('brcm,bcm2835-pm\0');
    expect(text).not.toContain('brcm,bcm2835-pm-wdt\0');
    // Other compatibles (the PWM block, a longer name) stay as they were.
    expect(text).toContain('brcm,bcm2835-pwm\0');
    expect(text).toContain('brcm,bcm2835-pm-other');
    expect(dtb.toString('latin1')).toContain('brcm,bcm2835-pm\0'); // the input is not changed
  });

  it('rounds the SD card up to a power of two', () => {
    expect(nextPowerOfTwo(2 ** 30)).toBe(2 ** 30);
    expect(nextPowerOfTwo(2 ** 30 + 1)).toBe(2 ** 31);
    expect(nextPowerOfTwo(1_300_000_000 + 2 ** 30)).toBe(2 ** 32);
  });

  itNeeds(
    ['root', `file:${CLI}`, 'tool:mmdebstrap', 'tool:qemu-arm-static', 'tool:qemu-system-arm', 'tool:mcopy'],
    'rpi-build image --arch armel builds a Pi Zero/1 image that boots to a login prompt on raspi0; the image is not written by the boot',
    () => {
      const cwd = scratch('image-armel');
      // bookworm: this host's mirror serves trixie-updates' and trixie-security's armel indices
      // at sizes their InRelease does not list, so apt refuses them (see README).
      // raspi0 is one emulated core: beside CI's other builds its boot once took over 900 s.
      const args = [
        'image',
        '--arch',
        'armel',
        '--suite',
        'bookworm',
        '--out',
        'out',
        '--boot-timeout',
        '1500',
      ];
      const r = spawnSync('node', [CLI, ...args], {
        cwd,
        encoding: 'utf8',
        timeout: 45 * MIN,
        env: { ...process.env, GITHUB_ACTIONS: '', XDG_CACHE_HOME: CACHE_HOME },
      });
      expect(r.status, r.stderr.slice(-3000)).toBe(0);
      expect(r.stderr).toContain('Boot test on raspi0 (Pi Zero)');
      expect(r.stderr, bootLines(r.stderr)).toMatch(
        /Boot test passed in \d+ s: "raspberrypi login:"; rpi-build-firstboot: root filesystem \d+ MiB -> \d+ MiB/,
      );
      expect(r.stdout).toMatch(/^boot-test=passed in \d+ s$/m);
      const out = join(cwd, 'out');
      const base = 'rpi-build-bookworm-armel';
      expect(readdirSync(out).sort()).toEqual(
        ['SHA256SUMS', `${base}.boot.log`, `${base}.img.bmap`, `${base}.img.xz`, `${base}.manifest`].sort(),
      );
      // The boot wrote to an overlay: the image still matches the checksum taken before it.
      execFileSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: out });
      const log = readFileSync(join(out, `${base}.boot.log`), 'utf8');
      expect(log).toMatch(/Machine model: Raspberry Pi Zero/);
      expect(log).toMatch(/mmcblk0: mmc0:\S+ \S+ (?:2|4|8)\.00 GiB/); // the SD card, a power of two
      expect(log).not.toMatch(/Kernel panic/);

      execFileSync('xz', ['-dk', '-T0', join(out, `${base}.img.xz`)]);
      const image = join(out, `${base}.img`);
      const fat = partitions(image).partitions[0]!;
      const config = fatRead(image, fat.start, 'config.txt');
      expect(config).toMatch(/^kernel=vmlinuz-\S+-rpi$/m);
      // The device tree the boot test used is the image's own (patched only in the scratch copy).
      expect(fatList(image, fat.start)).toMatch(/bcm2835-rpi-zero\.dtb/);
      const dtb = join(cwd, 'zero.dtb');
      execFileSync('mcopy', ['-n', '-o', '-i', `${image}@@${fat.start}`, '::bcm2835-rpi-zero.dtb', dtb], {
        env: { ...process.env, MTOOLS_SKIP_CHECK: '1' },
      });
      expect(readFileSync(dtb).toString('latin1')).toContain('brcm,bcm2835-pm\0');
    },
    50 * MIN,
  );
});
