import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);

// src/kernel/presets.ts
var BOARDS = {
  pi1: {
    description: "Pi 1 / Zero / Zero W (32-bit)",
    karch: "arm",
    arch: "armel",
    defconfig: "bcmrpi_defconfig",
    firmwareName: "kernel.img",
    makeTarget: "zImage"
  },
  pi2: {
    description: "Pi 2 / 3 / Zero 2 (32-bit)",
    karch: "arm",
    arch: "armhf",
    defconfig: "bcm2709_defconfig",
    firmwareName: "kernel7.img",
    makeTarget: "zImage"
  },
  pi4: {
    description: "Pi 4 / 400 (32-bit)",
    karch: "arm",
    arch: "armhf",
    defconfig: "bcm2711_defconfig",
    firmwareName: "kernel7l.img",
    makeTarget: "zImage"
  },
  "pi4-64": {
    description: "Pi 3 / 4 / 400 / Zero 2 (64-bit)",
    karch: "arm64",
    arch: "arm64",
    defconfig: "bcm2711_defconfig",
    firmwareName: "kernel8.img",
    makeTarget: "Image"
  },
  pi5: {
    description: "Pi 5 (64-bit)",
    karch: "arm64",
    arch: "arm64",
    defconfig: "bcm2712_defconfig",
    firmwareName: "kernel_2712.img",
    makeTarget: "Image"
  }
};
function boardFor(board, arch) {
  if (board) return board;
  return arch === "arm64" ? "pi4-64" : arch === "armhf" ? "pi2" : "pi1";
}
var BUILTIN_CONFIGS = ["defconfig", "tinyconfig", "allnoconfig", "allmodconfig", "allyesconfig"];

export {
  BOARDS,
  boardFor,
  BUILTIN_CONFIGS
};
