// Kernel build folders as target kernel writes them (the layout of src/kernel/install.ts),
// with kernel files that carry only the real header (an arm64 Image's "ARM\x64" at 56, a
// zImage's magic at 0x24): enough for what is read before any work, never booted. And where
// the real kernel source is, for the files and benches that compile one.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's linux-source tarball (scripts/setup-test-host.sh installs it), or where it would be. */
export const LINUX_SOURCE = join(
  '/usr/src',
  (existsSync('/usr/src') ? readdirSync('/usr/src') : []).find((f) =>
    /^linux-source-[\d.]+\.tar\.xz$/.test(f),
  ) ?? 'linux-source-6.1.tar.xz',
);

export const RELEASE = '6.1.0-ci';

export function arm64Image(): Buffer {
  const b = Buffer.alloc(4096);
  b.write('ARM\x64', 56, 'latin1');
  return b;
}

export function armZImage(): Buffer {
  const b = Buffer.alloc(4096);
  b.writeUInt32LE(0x016f2818, 0x24);
  return b;
}

interface Layout {
  firmwareName?: string;
  kernel?: Buffer;
  modules?: 'ok' | 'none' | 'stray';
  config?: string;
}

/** One kernel build folder under `top`/`name`. */
export function makeKernelBuild(top: string, name: string, layout: Layout = {}): string {
  const dir = join(top, name);
  mkdirSync(join(dir, 'boot', 'overlays'), { recursive: true });
  writeFileSync(join(dir, 'boot', layout.firmwareName ?? 'kernel8.img'), layout.kernel ?? arm64Image());
  writeFileSync(join(dir, 'boot', 'bcm2837-rpi-3-b.dtb'), Buffer.from([0xd0, 0x0d, 0xfe, 0xed]));
  writeFileSync(join(dir, 'boot', 'bcm2710-rpi-3-b.dtb'), Buffer.from([0xd0, 0x0d, 0xfe, 0xed]));
  writeFileSync(join(dir, 'boot', 'overlays', 'rpi-build-test.dtbo'), Buffer.from([0xd0, 0x0d, 0xfe, 0xed]));
  writeFileSync(
    join(dir, `config-${RELEASE}`),
    layout.config ?? 'CONFIG_MODULES=y\nCONFIG_LOCALVERSION="-ci"\n',
  );
  writeFileSync(join(dir, `System.map-${RELEASE}`), 'ffff800080000000 T _text\n');
  const modules = layout.modules ?? 'ok';
  if (modules !== 'none') {
    const stage = join(dir, 'modules-stage');
    const mod = join(stage, 'lib', 'modules', RELEASE, 'kernel', 'lib');
    mkdirSync(mod, { recursive: true });
    writeFileSync(join(mod, 'crc-ccitt.ko'), 'not really a module\n');
    const members = ['lib'];
    if (modules === 'stray') {
      mkdirSync(join(stage, 'etc'));
      writeFileSync(join(stage, 'etc', 'motd'), 'written by a kernel tarball\n');
      members.push('etc');
    }
    execFileSync('tar', ['-czf', join(dir, `modules-${RELEASE}.tar.gz`), '-C', stage, ...members]);
    execFileSync('rm', ['-rf', stage]);
  }
  return dir;
}

/** The folders the bad-input table names: one good arm64 build and one of each fault. */
export function makeKernelBuilds(top: string) {
  const notABuild = join(top, 'linux-tree');
  mkdirSync(join(notABuild, 'arch', 'arm64'), { recursive: true });
  writeFileSync(join(notABuild, 'Makefile'), 'VERSION = 6\n');
  const debsOnly = join(top, 'kernel-debs');
  mkdirSync(debsOnly, { recursive: true });
  writeFileSync(join(debsOnly, `linux-image-${RELEASE}_${RELEASE}-1_arm64.deb`), '!<arch>\n');
  return {
    debsOnly,
    arm64: makeKernelBuild(top, 'kernel-arm64'),
    notABuild,
    notAKernel: makeKernelBuild(top, 'kernel-text', { kernel: Buffer.from('see README\n') }),
    noModules: makeKernelBuild(top, 'kernel-no-modules', { modules: 'none' }),
    strayModules: makeKernelBuild(top, 'kernel-stray', { modules: 'stray' }),
  };
}
