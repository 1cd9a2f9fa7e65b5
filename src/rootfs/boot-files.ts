// What the Pi boots from, made inside the root: the boot configuration raspi-firmware reads,
// fstab, and the one initramfs (with raspi-firmware's copy into /boot/firmware). The cacheable
// base makes them; customize makes the initramfs again after scripts and undoes the divert.
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Arch } from '../config/schema.js';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import { inChroot } from './chroot.js';
import { mkinitramfs } from './mkinitramfs.js';
import { UNDIVERT_INITRAMFS } from './mmdebstrap.js';
import { PI_CONSOLE } from './packages.js';
import type { SuiteTools } from './suite-tools.js';
import { writeRootFile } from './write.js';

export async function kernelVersion(root: string): Promise<string> {
  const kernels = (await readdir(join(root, 'boot')))
    .filter((f) => f.startsWith('vmlinuz-'))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const last = kernels.pop();
  if (!last)
    throw new Error(
      'No kernel in the root filesystem (/boot/vmlinuz-*): the kernel package did not install.',
    );
  return last.slice('vmlinuz-'.length);
}

/** The Pi's boot configuration: what raspi-firmware's hooks read when the initramfs is made. */
export async function configureBoot(root: string, arch: Arch): Promise<void> {
  await writeRootFile(
    root,
    'etc/default/raspi-firmware',
    [
      '# Written by rpi-build; read by raspi-firmware when a kernel or initramfs is installed.',
      'ROOTPART=LABEL=RASPIROOT',
      `CONSOLES="tty0 ${PI_CONSOLE[arch]}"`,
      '',
    ].join('\n'),
  );
  await writeRootFile(
    root,
    'etc/fstab',
    [
      '# <device>       <mount point>   <type> <options>                  <dump> <pass>',
      'LABEL=RASPIROOT  /               ext4   rw,noatime                 0      1',
      'LABEL=RASPIFIRM  /boot/firmware  vfat   rw,noatime,umask=0077      0      2',
      '',
    ].join('\n'),
  );
  await mkdir(join(root, 'boot', 'firmware'), { recursive: true });
}

/**
 * Storage and filesystem drivers the initramfs needs to find the root: SD cards on every Pi
 * (sdhci-iproc, bcm2835), USB disks (Pi 4 xhci behind PCIe, dwc2 on older boards), and
 * virtio for QEMU's virt machine (the boot test). Names a flavour lacks are skipped.
 */
export const INITRAMFS_MODULES = [
  'ext4',
  'crc32c_generic', // ext4's checksums; a soft dependency modprobe does not follow
  'gpio_regulator', // SD card power regulators on the Pi
  'fixed',
  'vfat',
  'nls_cp437',
  'nls_ascii',
  'mmc_block',
  'sdhci-iproc',
  'sdhci-pltfm',
  'bcm2835',
  'bcm2835-sdhost',
  'bcm2835-mmc',
  'usb-storage',
  'uas',
  'sd_mod',
  'xhci-pci',
  'xhci-plat-hcd',
  'dwc2',
  'reset-raspberrypi',
  'virtio_blk',
  'virtio_pci',
  'virtio_mmio',
];

/**
 * Makes the initramfs once, with only the drivers listed above (MODULES=list): under
 * emulation MODULES=most forks a process per module and takes minutes; this takes seconds.
 * The list lives in a private config folder, so on the device later kernel updates use
 * Debian's defaults (natively, where they are cheap). raspi-firmware's hook then copies
 * kernel, initramfs and device trees into /boot/firmware and writes config.txt and cmdline.txt.
 */
export async function makeInitramfs(
  root: string,
  logFile: string,
  opts: { arch: Arch; nativeTools: boolean; suite?: SuiteTools | undefined },
): Promise<void> {
  const version = await kernelVersion(root);
  const conf = join(root, 'tmp', 'rpi-build-initramfs');
  await exec('cp', ['-a', join(root, 'etc', 'initramfs-tools'), conf], {
    privileged: 'copying the initramfs config',
  });
  const confFile = join(conf, 'initramfs.conf');
  const settings = (await readFile(confFile, 'utf8'))
    .replace(/^MODULES=.*$/m, 'MODULES=list')
    .replace(/^FSTYPE=.*$/m, 'FSTYPE=ext4') // the root's LABEL cannot be resolved inside the chroot
    .replace(/^COMPRESS=.*$/m, 'COMPRESS=zstd');
  await writeFile(confFile, settings);
  await writeFile(join(conf, 'modules'), `${INITRAMFS_MODULES.join('\n')}\n`);
  // mkinitramfs says little while it works: the step says what runs.
  logger().progress(`initramfs: making initrd.img-${version} (mkinitramfs)`);
  try {
    await mkinitramfs(root, version, '/tmp/rpi-build-initramfs', { ...opts, logFile });
  } finally {
    await rm(conf, { recursive: true, force: true });
  }
  logger().progress(
    `initramfs: copying ${version}'s kernel, initramfs and device trees to the boot partition`,
  );
  await inChroot(root, ['/etc/kernel/postinst.d/z50-raspi-firmware', version, `/boot/vmlinuz-${version}`], {
    logFile,
    env: { DEB_MAINT_PARAMS: 'configure' },
  });
}

/** Puts Debian's update-initramfs back, so kernel updates on the device make their own. */
export async function restoreUpdateInitramfs(root: string, logFile: string): Promise<void> {
  await rm(join(root, 'usr', 'sbin', 'update-initramfs'), { force: true });
  await inChroot(root, UNDIVERT_INITRAMFS, { logFile });
}
