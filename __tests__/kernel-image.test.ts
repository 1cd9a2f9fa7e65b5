// Your kernel in your image, the whole loop through the CLI: Debian's linux-source compiled by
// `rpi-build kernel` with examples/kernel-boot-arm64.config (tinyconfig plus what the boot
// needs, built in), then `rpi-build image --kernel-dir` installing it into the default image in
// place of Debian's kernel, booted on the Pi 3 board (raspi3b) to a login prompt, where a test
// script sees the built release and loads one of its modules; the first boot runs no ldconfig.
// Then a kernel that cannot boot: CI's small kernel without its serial driver, whose own boot
// test (--boot-test, the tiny initramfs) fails naming the options to build in.
// The cold paths are kernel-build's (cross gcc, ccache) and image-build's (the root): this file
// keeps its cache folder (toolchain, ccache, root filesystem) under the temp folder between
// runs (KEPT_CACHE_HOME; boot-tests restores its root from it too), as armel-image does. The
// first run on a machine is cold: a 13-minute compile on 2 cores.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { itNeeds } from './support/needs.js';
import { ROOT } from './support/runner.js';
import { fileScratch } from './support/scratch.js';
import { LINUX_SOURCE } from './support/kernel-builds.js';
import { debugfs, fatList, fatRead, partitions } from './support/image-inspect.js';
import { CLI, IMAGE_NEEDS, KEPT_CACHE_HOME, MIN } from './support/image-checks.js';

const SOURCE = LINUX_SOURCE;
const FRAGMENT = join(ROOT, 'examples', 'kernel-boot-arm64.config');
// Removing the kernel trees took over a minute in a CI-like run beside other builds (fileScratch allows 5).
const scratch = fileScratch();

function cli(cwd: string, timeoutMin: number, ...args: string[]) {
  return spawnSync('node', [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMin * MIN,
    // The CLI's own tool cache (under the cache folder), not a runner's.
    env: { ...process.env, GITHUB_ACTIONS: '', RUNNER_TOOL_CACHE: '', XDG_CACHE_HOME: KEPT_CACHE_HOME },
  });
}
/** Debian's linux-source, tinyconfig plus a fragment, into cwd/<out>. */
const kernelBuild = (cwd: string, fragment: string, out: string, ...extra: string[]) =>
  cli(
    cwd,
    60,
    'kernel',
    '--kernel-path',
    SOURCE,
    '--defconfig',
    'tinyconfig',
    '--kernel-config',
    fragment,
    '--out',
    out,
    ...extra,
  );
const sha256 = (file: string) => execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
const escape = (s: string) => s.replace(/[.+]/g, '\\$&');

describe('rpi-build kernel, then rpi-build image --kernel-dir', () => {
  itNeeds(
    [
      ...IMAGE_NEEDS,
      `file:${SOURCE}`,
      `file:${CLI}`,
      'tool:make',
      'tool:ccache',
      'tool:apt-get',
      'tool:qemu-system-aarch64',
    ],
    "a kernel compiled from Debian's linux-source replaces Debian's in the default image (kernel, config.txt, device trees, overlays, modules, initramfs) and boots it on the Pi 3 board: uname -r is the built release",
    () => {
      const cwd = scratch('kernel-image');
      const k = kernelBuild(cwd, FRAGMENT, 'kernel');
      expect(k.status, (k.stdout + k.stderr).slice(-3000)).toBe(0);
      const release = /^kernel-release=(.+)$/m.exec(k.stdout)?.[1] ?? '';
      expect(release).toMatch(/^6\.\d+\.\d+/);
      const kernelDir = join(cwd, 'kernel');
      // A device tree and an overlay only this folder has: the image shows they came from it.
      mkdirSync(join(kernelDir, 'boot', 'overlays'), { recursive: true });
      copyFileSync(
        join(kernelDir, 'boot', 'bcm2837-rpi-3-b.dtb'),
        join(kernelDir, 'boot', 'bcm2837-rpi-build-marker.dtb'),
      );
      copyFileSync(
        join(kernelDir, 'boot', 'bcm2837-rpi-3-b.dtb'),
        join(kernelDir, 'boot', 'overlays', 'rpi-build-marker.dtbo'),
      );
      writeFileSync(
        join(cwd, 'check-kernel.sh'),
        [
          '#!/bin/sh',
          'set -e',
          'echo "running $(uname -r)"',
          'if dpkg-query -W "linux-image-*" 2>/dev/null; then echo "a Debian kernel package is installed" >&2; exit 4; fi',
          'test -s "/lib/modules/$(uname -r)/modules.dep"',
          // The fragment's one module, from /lib/modules/<release>.
          'modprobe crc-ccitt',
          'grep -q "^crc_ccitt " /proc/modules',
          'echo "kernel checks passed"',
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
      const r = cli(
        cwd,
        45,
        'image',
        '--out',
        'out',
        '--kernel-dir',
        'kernel',
        '--test-script',
        'check-kernel.sh',
        '--compression',
        'none',
        // raspi3b beside CI's other builds and boots; the default 900 s is meant for a runner's own cores.
        '--boot-timeout',
        '1500',
      );
      const log = r.stdout + r.stderr;
      expect(r.status, log.slice(-3000)).toBe(0);
      expect(r.stderr).toMatch(/kernel-dir: removing Debian's kernel \(linux-image-/);
      expect(r.stderr).toContain(`kernel-dir: installing ${release} (kernel8.img,`);
      expect(r.stderr).toContain('Boot test on raspi3b (Pi 3B)');
      expect(r.stdout).toMatch(new RegExp(`^kernel-release=${escape(release)}$`, 'm'));
      expect(log).toMatch(/^boot-check: machine: raspi3b \(Pi 3B\), login prompt after \d+ s$/m);
      expect(log).toContain(`[check-kernel.sh] running ${release}`);
      expect(log).toContain('[check-kernel.sh] kernel checks passed');
      // The image's update stamps: its first boot rebuilds nothing the build already made.
      const bootLog = readFileSync(join(cwd, 'out', 'rpi-build-trixie-arm64.boot.log'), 'utf8');
      expect(bootLog).toContain('raspberrypi login:');
      expect(bootLog).not.toMatch(/Starting .*(Rebuild Dynamic Linker Cache|Rebuild Journal Catalog)/);

      const image = join(cwd, 'out', 'rpi-build-trixie-arm64.img');
      const [fat, root] = partitions(image).partitions;
      const config = fatRead(image, fat!.start, 'config.txt');
      expect(config).toMatch(new RegExp(`^kernel=vmlinuz-${escape(release)}$`, 'm'));
      expect(config).toMatch(new RegExp(`^initramfs initrd\\.img-${escape(release)}$`, 'm'));
      const listing = fatList(image, fat!.start);
      expect(listing).toContain('bcm2837-rpi-build-marker.dtb');
      expect(fatList(image, fat!.start, '::overlays')).toContain('rpi-build-marker.dtbo');
      const onFat = join(cwd, 'vmlinuz');
      execFileSync('mcopy', ['-n', '-i', `${image}@@${fat!.start}`, `::vmlinuz-${release}`, onFat]);
      expect(sha256(onFat)).toBe(sha256(join(kernelDir, 'boot', 'kernel8.img')));
      expect(debugfs(image, root!.start, `ls /usr/lib/modules/${release}`)).toMatch(/modules\.dep\b/);
      const manifest = readFileSync(join(cwd, 'out', 'rpi-build-trixie-arm64.manifest'), 'utf8');
      expect(manifest).not.toMatch(/^linux-image-/m);
      expect(manifest).toContain(`\nkernel-dir\t${release}\tarm64\n`);
    },
    110 * MIN,
  );

  itNeeds(
    [`file:${SOURCE}`, `file:${CLI}`, 'tool:make', 'tool:ccache', 'tool:apt-get', 'tool:qemu-system-aarch64'],
    'a kernel without a serial console: --boot-test fails naming the console options, and publishes nothing',
    () => {
      const cwd = scratch('kernel-no-console');
      // CI's small kernel (kernel-build's) with initramfs support but without the PL011 driver.
      const fragment = readFileSync(join(ROOT, '__tests__', 'fixtures', 'kernel-ci.config'), 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith('CONFIG_SERIAL_AMBA_PL011'))
        .join('\n');
      writeFileSync(join(cwd, 'no-console.config'), `${fragment}\nCONFIG_BLK_DEV_INITRD=y\n`);
      // Built once without the boot test: a failed build saves no cache, so without this the
      // compile below would be cold in every run.
      const built = kernelBuild(cwd, 'no-console.config', 'built');
      expect(built.status, (built.stdout + built.stderr).slice(-3000)).toBe(0);
      const r = kernelBuild(
        cwd,
        'no-console.config',
        'kernel',
        '--boot-test',
        'true',
        '--boot-machine',
        'virt',
        '--boot-timeout',
        '30',
      );
      const log = r.stdout + r.stderr;
      expect(r.status, log.slice(-3000)).not.toBe(0);
      expect(log).toMatch(
        /Kernel boot test failed after \d+ s: the kernel printed nothing on the serial console of [^\n]*within 30 s: build in the PL011 serial console it boots with \(console=ttyAMA0,115200: CONFIG_SERIAL_AMBA_PL011=y, CONFIG_SERIAL_AMBA_PL011_CONSOLE=y\)/,
      );
      // Its (empty) console log is kept in the work folder's logs/, where diagnostics collect it.
      const kept = /Console log: (\S+)/.exec(log)?.[1] ?? '';
      expect(kept).toMatch(/\/logs\/boot-test\.log$/);
      expect(existsSync(kept), kept).toBe(true);
      // The kernel was built (through ccache: the failure is the boot's), and nothing reached the out folder.
      expect(log).toMatch(/Build: make Image modules dtbs \(ARCH=arm64\): [\d.]+ s/);
      expect(Number(/ccache: (\d+) hits/.exec(log)?.[1])).toBeGreaterThan(300);
      expect(existsSync(join(cwd, 'kernel')) ? readdirSync(join(cwd, 'kernel')) : []).toEqual([]);
    },
    30 * MIN,
  );
});
