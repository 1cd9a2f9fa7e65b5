import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  InputError
} from "./chunk-4Z53H52X.js";
import {
  BOARDS
} from "./chunk-WKCL3XOP.js";

// src/config/kernel.ts
import { stat } from "node:fs/promises";
var isFragmentLine = (item) => /^CONFIG_[A-Za-z0-9_]+=/.test(item);
function applyBoard(config, archGiven) {
  if (config.target !== "kernel" || !config.board) return;
  const preset = BOARDS[config.board];
  const arch = config.arch[0];
  const karch = arch === "arm64" ? "arm64" : "arm";
  if (!archGiven) config.arch = [preset.arch];
  else if (karch !== preset.karch) {
    throw new InputError(
      "board",
      `${config.board} (${preset.description}) is built with ARCH=${preset.karch}, but arch is ${arch}`,
      `Drop arch, or use arch ${preset.arch} with board ${config.board}.`
    );
  }
}
async function checkKernelPaths(config) {
  if (config.target !== "kernel") return;
  if (config.kernelPath !== void 0 && !await stat(config.kernelPath).catch(() => void 0)) {
    throw new InputError(
      "kernel-path",
      `"${config.kernelPath}" does not exist`,
      "Give a kernel source folder or a .tar.xz/.tar.gz source tarball, or drop kernel-path to clone kernel-source."
    );
  }
  for (const item of config.kernelConfig) {
    if (isFragmentLine(item)) continue;
    if (!(await stat(item).catch(() => void 0))?.isFile())
      throw new InputError(
        "kernel-config",
        `"${item}" is neither a CONFIG_NAME=value line nor a fragment file`,
        "Give fragment files (lines like CONFIG_FOO=y) or the CONFIG_NAME=value lines themselves."
      );
  }
}

export {
  isFragmentLine,
  applyBoard,
  checkKernelPaths
};
