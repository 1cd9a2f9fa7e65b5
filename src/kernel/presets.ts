// Board presets: which defconfig, kernel ARCH, make target and firmware file name each
// Raspberry Pi uses (the names the Pi firmware loads from the boot partition).
import type { BOARD_NAMES } from '../config/options.js';
import type { Arch } from '../config/schema.js';
import type { KernelArch } from '../tools/toolchain.js';

export interface BoardPreset {
  description: string;
  karch: KernelArch;
  /** The image arch this kernel belongs to (checked against an explicit arch). */
  arch: Arch;
  defconfig: string;
  /** What the firmware loads: kernel.img, kernel7.img, kernel7l.img, kernel8.img, kernel_2712.img. */
  firmwareName: string;
  /** make target and where it lands under arch/<karch>/boot/. */
  makeTarget: 'Image' | 'zImage';
}

export const BOARDS = {
  pi1: {
    description: 'Pi 1 / Zero / Zero W (32-bit)',
    karch: 'arm',
    arch: 'armel',
    defconfig: 'bcmrpi_defconfig',
    firmwareName: 'kernel.img',
    makeTarget: 'zImage',
  },
  pi2: {
    description: 'Pi 2 / 3 / Zero 2 (32-bit)',
    karch: 'arm',
    arch: 'armhf',
    defconfig: 'bcm2709_defconfig',
    firmwareName: 'kernel7.img',
    makeTarget: 'zImage',
  },
  pi4: {
    description: 'Pi 4 / 400 (32-bit)',
    karch: 'arm',
    arch: 'armhf',
    defconfig: 'bcm2711_defconfig',
    firmwareName: 'kernel7l.img',
    makeTarget: 'zImage',
  },
  'pi4-64': {
    description: 'Pi 3 / 4 / 400 / Zero 2 (64-bit)',
    karch: 'arm64',
    arch: 'arm64',
    defconfig: 'bcm2711_defconfig',
    firmwareName: 'kernel8.img',
    makeTarget: 'Image',
  },
  pi5: {
    description: 'Pi 5 (64-bit)',
    karch: 'arm64',
    arch: 'arm64',
    defconfig: 'bcm2712_defconfig',
    firmwareName: 'kernel_2712.img',
    makeTarget: 'Image',
  },
} as const satisfies Record<(typeof BOARD_NAMES)[number], BoardPreset>;

export type Board = keyof typeof BOARDS;

/** Without a board, the arch picks one: arm64 -> pi4-64, armhf -> pi2, armel -> pi1. */
export function boardFor(board: Board | undefined, arch: Arch): Board {
  if (board) return board;
  return arch === 'arm64' ? 'pi4-64' : arch === 'armhf' ? 'pi2' : 'pi1';
}

/** Make targets that write a .config without a file under arch/<karch>/configs/. */
export const BUILTIN_CONFIGS = ['defconfig', 'tinyconfig', 'allnoconfig', 'allmodconfig', 'allyesconfig'];
