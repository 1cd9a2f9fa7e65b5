// kernel-dir: a kernel build installed into the root instead of Debian's kernel. It is laid
// out as a Debian kernel package lays itself out (/boot/vmlinuz-<release>, the device trees in
// /usr/lib/linux-image-<release>/, modules in /usr/lib/modules/<release>), so raspi-firmware's
// hooks put it on the boot partition and name it in config.txt's kernel= line now, and keep
// doing so on the device when the initramfs is made again there.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KernelBuild } from '../kernel/build-folder.js';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import { readManifest } from '../image/manifest.js';
import { inChroot } from './chroot.js';

/** Debian's kernel packages in the root (the image's own kernel and its meta package). */
export async function debianKernelPackages(root: string): Promise<string[]> {
  return (await readManifest(root)).map((p) => p.name).filter((n) => /^linux-image-/.test(n));
}

/**
 * Removes Debian's kernel (its files, modules and initramfs, and its copies on the boot
 * partition), then puts the build's kernel, config, System.map, device trees and modules in
 * their Debian places and runs depmod for it. The initramfs is made afterwards, once
 * (customize), and raspi-firmware's hook copies kernel, initramfs and device trees to
 * /boot/firmware; the build's overlays are copied there now.
 */
export async function installKernelBuild(root: string, build: KernelBuild, logFile: string): Promise<void> {
  const log = logger();
  const debian = await debianKernelPackages(root);
  if (debian.length) {
    log.info(`kernel-dir: removing Debian's kernel (${debian.join(', ')})`);
    await inChroot(root, ['dpkg', '--purge', ...debian], {
      logFile,
      onLine: (l) => log.progress(`kernel-dir: ${l}`),
    });
  }
  // update-initramfs is diverted during the build, so the purge left Debian's initramfs; its
  // newer version would be the one raspi-firmware's hook names in config.txt.
  const boot = join(root, 'boot');
  for (const f of await readdir(boot))
    if (f.startsWith('initrd.img-') && !existsSync(join(boot, `vmlinuz-${f.slice('initrd.img-'.length)}`)))
      await rm(join(boot, f));
  // What raspi-firmware copied for Debian's kernel: its device trees would stay beside ours.
  const firmware = join(boot, 'firmware');
  for (const f of await readdir(firmware))
    if (/^(vmlinuz-|initrd\.img-)/.test(f) || /^bcm.*\.dtb$/.test(f)) await rm(join(firmware, f));

  const { release } = build;
  log.info(`kernel-dir: installing ${release} (${build.firmwareName}, ${build.dtbs.length} device trees)`);
  await copyFile(build.kernel, join(boot, `vmlinuz-${release}`));
  await copyFile(build.config, join(boot, `config-${release}`));
  if (build.systemMap) await copyFile(build.systemMap, join(boot, `System.map-${release}`));
  // Where raspi-firmware's hook looks for them (arm64 kernels keep a vendor folder).
  const dtbDir = join(
    root,
    'usr',
    'lib',
    `linux-image-${release}`,
    ...(build.arch === 'arm64' ? ['broadcom'] : []),
  );
  await mkdir(dtbDir, { recursive: true });
  for (const dtb of build.dtbs) await copyFile(dtb, join(dtbDir, dtb.split('/').pop()!));
  if (build.overlays.length) {
    await mkdir(join(firmware, 'overlays'), { recursive: true });
    for (const o of build.overlays) await copyFile(o, join(firmware, 'overlays', o.split('/').pop()!));
  }
  if (build.modules) {
    // lib/ is a link to usr/lib in a merged-/usr root: keep it one.
    log.progress(`kernel-dir: unpacking the modules of ${release}`);
    await exec(
      'tar',
      ['--extract', '--gzip', '--keep-directory-symlink', '--file', build.modules, '--directory', root],
      { logFile, privileged: 'unpacking the kernel modules into the root' },
    );
    log.progress(`kernel-dir: depmod ${release}`);
    await inChroot(root, ['depmod', release], { logFile });
  }
}
