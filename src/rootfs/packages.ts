// What goes into a Raspberry Pi root filesystem from Debian's archive, per arch:
// Debian's own kernel flavour for the board family plus raspi-firmware, as Debian's raspi images do.
import type { Arch } from '../config/schema.js';

export const KERNEL_PACKAGE: Record<Arch, string> = {
  arm64: 'linux-image-arm64', // Pi 3, 4, 400, 5 (64-bit)
  armhf: 'linux-image-armmp', // Pi 2, 3 (32-bit)
  armel: 'linux-image-rpi', // Pi Zero, 1
};

/** Serial console the Pi's firmware sets up: the mini UART on 3/4, the PL011 on older boards. */
export const PI_CONSOLE: Record<Arch, string> = {
  arm64: 'ttyS1,115200',
  armhf: 'ttyAMA0,115200',
  armel: 'ttyAMA0,115200',
};

export const BASE_PACKAGES = [
  'raspi-firmware',
  'firmware-brcm80211',
  'systemd-sysv',
  'udev',
  'kmod',
  'initramfs-tools',
  'zstd',
  'openssh-server',
  'sudo',
  'locales',
  'tzdata',
  'ca-certificates',
  'iproute2',
  'iputils-ping',
  'systemd-timesyncd',
  'systemd-resolved',
  'wpasupplicant',
  'fdisk', // sfdisk grows the root partition on first boot (growpart would pull in python3)
  'e2fsprogs',
  'dosfstools',
];

export function rootfsPackages(arch: Arch, extra: string[]): string[] {
  return [...new Set([KERNEL_PACKAGE[arch], ...BASE_PACKAGES, ...extra])].sort();
}
