// Where the kernel tree comes from: a local folder (built out of tree, never written to),
// a source tarball (unpacked into the work folder), or a shallow git clone.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rmdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BuildConfig } from '../config/schema.js';
import { exec } from '../runtime/exec.js';
import { InputError, errorMessage } from '../runtime/errors.js';
import { logger } from '../runtime/log.js';
import { shallowClone } from '../runtime/git.js';
import type { KernelArch } from '../tools/toolchain.js';

export interface KernelSource {
  dir: string;
  /** What it is, for the log and the summary. */
  origin: string;
}

/** A tree we can build: the top Makefile and the arch folder are there. */
function checkTree(dir: string, karch: KernelArch, input: string): void {
  if (!existsSync(join(dir, 'Makefile')) || !existsSync(join(dir, 'arch', karch, 'Kconfig'))) {
    throw new InputError(
      input,
      `${dir} is not a Linux kernel tree for ${karch} (no Makefile or arch/${karch}/Kconfig)`,
      'Point it at the top of a kernel source tree (the folder holding MAINTAINERS and Makefile).',
    );
  }
}

/**
 * Unpacked to `dest` itself, the tarball's single top folder (linux-6.1.12/) taken away: the tree
 * is then at the same path as a clone's, so the compiler's paths, and with them ccache's hashes,
 * do not change with the tarball's name (a new point release) or between a tarball and a clone.
 */
async function unpackTarball(file: string, dest: string, logFile: string): Promise<string> {
  const unpacked = `${dest}.unpack`;
  await mkdir(unpacked, { recursive: true });
  await exec('tar', ['--extract', '-f', file, '-C', unpacked], { logFile });
  const top = await readdir(unpacked, { withFileTypes: true });
  const single = top.length === 1 && top[0]!.isDirectory();
  await rename(single ? join(unpacked, top[0]!.name) : unpacked, dest);
  if (single) await rmdir(unpacked);
  return dest;
}

export async function prepareSource(
  config: Pick<BuildConfig, 'kernelPath' | 'kernelSource' | 'kernelRef'>,
  karch: KernelArch,
  workDir: string,
  logFile: string,
): Promise<KernelSource> {
  if (config.kernelPath !== undefined) {
    const path = resolve(config.kernelPath);
    if ((await stat(path)).isDirectory()) {
      checkTree(path, karch, 'kernel-path');
      return { dir: path, origin: path };
    }
    logger().info(`unpacking ${path}`);
    const dir = await unpackTarball(path, join(workDir, 'source'), logFile).catch((err: unknown) => {
      throw new InputError(
        'kernel-path',
        `cannot unpack ${path}: ${errorMessage(err)}`,
        'Give a kernel source folder or a .tar.xz/.tar.gz/.tar.zst source tarball.',
      );
    });
    checkTree(dir, karch, 'kernel-path');
    return { dir, origin: path };
  }
  const dir = join(workDir, 'source');
  const ref = config.kernelRef;
  const url = await shallowClone({
    repository: config.kernelSource,
    ...(ref ? { ref } : {}),
    dest: dir,
    logFile,
    timeoutMs: 3_600_000,
    inputs: { repository: 'kernel-source', ref: 'kernel-ref' },
    fix: 'Check that the repository URL is reachable from the runner and that the branch or tag exists.',
  });
  checkTree(dir, karch, 'kernel-source');
  return { dir, origin: `${url}${ref ? `@${ref}` : ''}` };
}
