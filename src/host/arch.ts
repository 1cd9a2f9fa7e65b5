// Names of one architecture in each world: Debian, QEMU, the kernel, Docker platforms.
import type { Arch } from '../config/schema.js';
import type { ElfMachine } from '../binfmt/elf.js';

export interface ArchInfo {
  arch: Arch;
  /** QEMU user-mode name and binfmt handler name suffix. */
  qemu: 'aarch64' | 'arm';
  /** The ELF machine its programs carry. */
  elf: 'aarch64' | 'arm';
  /** Docker-style platform. */
  platform: string;
  /** qemu-system binary for the boot test. */
  qemuSystem: string;
}

export const ARCH_INFO: Record<Arch, ArchInfo> = {
  arm64: {
    arch: 'arm64',
    qemu: 'aarch64',
    elf: 'aarch64',
    platform: 'linux/arm64',
    qemuSystem: 'qemu-system-aarch64',
  },
  armhf: { arch: 'armhf', qemu: 'arm', elf: 'arm', platform: 'linux/arm/v7', qemuSystem: 'qemu-system-arm' },
  armel: { arch: 'armel', qemu: 'arm', elf: 'arm', platform: 'linux/arm/v5', qemuSystem: 'qemu-system-arm' },
};

/** `uname -m` values to a Debian-ish name for display. */
export function kernelArchName(machine: string): string {
  if (machine === 'aarch64' || machine === 'arm64') return 'arm64';
  if (machine === 'x86_64') return 'amd64';
  if (machine.startsWith('armv')) return 'arm';
  if (/^i[3-6]86$/.test(machine)) return 'i386';
  return machine;
}

export function userlandName(bits: 32 | 64, machine: ElfMachine): string {
  if (machine === 'aarch64') return 'arm64';
  if (machine === 'arm') return 'armhf';
  if (machine === 'x86_64') return 'amd64';
  if (machine === 'i386') return 'i386';
  return `${machine}/${bits}`;
}
