// Checks for target kernel that need more than one value: the board against an explicit
// arch, and the paths of the tree and of config fragments (before any work starts).
import { stat } from 'node:fs/promises';
import { readKernelBuild } from '../kernel/build-folder.js';
import { BOARDS } from '../kernel/presets.js';
import { InputError } from '../runtime/errors.js';
import type { BuildConfig } from './schema.js';

export const isFragmentLine = (item: string): boolean => /^CONFIG_[A-Za-z0-9_]+=/.test(item);

/** A board decides the arch unless one was given; a given one must match it. */
export function applyBoard(config: BuildConfig, archGiven: boolean): void {
  if (config.target !== 'kernel' || !config.board) return;
  const preset = BOARDS[config.board];
  const arch = config.arch[0]!;
  const karch = arch === 'arm64' ? 'arm64' : 'arm';
  if (!archGiven) config.arch = [preset.arch];
  else if (karch !== preset.karch) {
    throw new InputError(
      'board',
      `${config.board} (${preset.description}) is built with ARCH=${preset.karch}, but arch is ${arch}`,
      `Drop arch, or use arch ${preset.arch} with board ${config.board}.`,
    );
  }
}

export async function checkKernelPaths(config: BuildConfig): Promise<void> {
  if (config.target !== 'kernel') return;
  if (config.kernelPath !== undefined && !(await stat(config.kernelPath).catch(() => undefined))) {
    throw new InputError(
      'kernel-path',
      `"${config.kernelPath}" does not exist`,
      'Give a kernel source folder or a .tar.xz/.tar.gz source tarball, or drop kernel-path to clone kernel-source.',
    );
  }
  for (const item of config.kernelConfig) {
    if (isFragmentLine(item)) continue;
    if (!(await stat(item).catch(() => undefined))?.isFile())
      throw new InputError(
        'kernel-config',
        `"${item}" is neither a CONFIG_NAME=value line nor a fragment file`,
        'Give fragment files (lines like CONFIG_FOO=y) or the CONFIG_NAME=value lines themselves.',
      );
  }
}

/** kernel-dir: a kernel build for the image's arch, whole, read before any work. */
export async function checkKernelDir(config: BuildConfig): Promise<void> {
  if (config.kernelDir === undefined) return;
  if (config.target !== 'image' || config.builder !== 'debian')
    throw new InputError(
      'kernel-dir',
      `installs a kernel into the Debian image; it does nothing for ${config.target === 'image' ? `builder ${config.builder}` : `target ${config.target}`}`,
      'Drop kernel-dir, or use it with target image and builder debian.',
    );
  await readKernelBuild(config.kernelDir, config.arch[0]!);
}
