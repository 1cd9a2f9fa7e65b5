// What a kernel build's out folder holds (rpi-build kernel's out-dir, or its artifact once
// downloaded): boot/<firmware name> beside the device trees and overlays/, config-<release>,
// System.map-<release>, and modules-<release>.tar.gz when the config has modules. Read and
// checked before any work for kernel-dir; rootfs/custom-kernel.ts installs it into a root.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Arch } from '../config/schema.js';
import { InputError } from '../runtime/errors.js';
import { exec } from '../runtime/exec.js';
import { readHead } from '../runtime/files.js';
import { BOARDS } from './presets.js';

export interface KernelBuild {
  /** The kernel release (`uname -r` on the device), from config-<release>. */
  release: string;
  arch: Arch;
  /** boot/<firmware name>: an arm64 Image or an ARM zImage. */
  kernel: string;
  firmwareName: string;
  /** boot/*.dtb. */
  dtbs: string[];
  /** boot/overlays/*: the .dtbo files and their README. */
  overlays: string[];
  config: string;
  systemMap?: string;
  /** modules-<release>.tar.gz: lib/modules/<release>/…; absent for a kernel without modules. */
  modules?: string;
}

/** The firmware's file names and the arch whose kernel each is (from the board presets). */
const FIRMWARE_ARCH: ReadonlyMap<string, Arch> = new Map(
  Object.values(BOARDS).map((b) => [b.firmwareName, b.arch] as const),
);

const INPUT = 'kernel-dir';
const WHAT =
  "Give the out folder of a kernel build (rpi-build kernel's out-dir, its kernel-path output, or its artifact downloaded): boot/kernel*.img, config-<release>, modules-<release>.tar.gz.";

/** arm64 Image ("ARM\x64" at 56), ARM zImage (0x016f2818 at 0x24), from the file's first bytes. */
export function kernelFormat(head: Buffer): 'arm64' | 'arm' | undefined {
  if (head.length >= 60 && head.subarray(56, 60).toString('latin1') === 'ARM\x64') return 'arm64';
  if (head.length >= 0x28 && head.readUInt32LE(0x24) === 0x016f2818) return 'arm';
  return undefined;
}

const entries = (dir: string): Promise<string[]> => readdir(dir).catch(() => []);

/** Reads a kernel build folder for an image of `arch`, refusing (InputError) what would not install. */
export async function readKernelBuild(dir: string, arch: Arch): Promise<KernelBuild> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory())
    throw new InputError(INPUT, `"${dir}" ${st ? 'is not a folder' : 'does not exist'}`, WHAT);
  const boot = join(dir, 'boot');
  const bootNames = await entries(boot);
  const kernels = bootNames.filter((n) => FIRMWARE_ARCH.has(n)).sort();
  if (kernels.length === 0) {
    // kernel-debs' packages alone: the same kernel, but read from the out folder they came in.
    const debs = (await entries(dir)).filter((n) => /^linux-image-.+\.deb$/.test(n));
    if (debs.length)
      throw new InputError(
        INPUT,
        `"${dir}" holds ${debs.join(', ')} but no boot/kernel*.img: the packages without the rest of the kernel build's out folder`,
        'Give the whole out folder the kernel build wrote with kernel-debs: true (its boot/ and modules tarball are the kernel the packages hold), or put the packages in an overlay and install them with dpkg -i in a customize script.',
      );
    throw new InputError(
      INPUT,
      `"${dir}" holds no boot/kernel*.img: it is not a kernel build's out folder`,
      WHAT,
    );
  }
  if (kernels.length > 1)
    throw new InputError(
      INPUT,
      `"${dir}" holds ${kernels.map((k) => `boot/${k}`).join(' and ')}: the builds of more than one board`,
      'Give the out folder of one kernel build (one board).',
    );
  const firmwareName = kernels[0]!;
  const kernel = join(boot, firmwareName);
  const kernelArch = FIRMWARE_ARCH.get(firmwareName)!;
  const format = kernelFormat(await readHead(kernel, 64));
  const expected = kernelArch === 'arm64' ? 'arm64' : 'arm';
  if (format !== expected)
    throw new InputError(
      INPUT,
      `boot/${firmwareName} in "${dir}" is not ${expected === 'arm64' ? 'an arm64 Image' : 'an ARM zImage'} (${format ? `it is an ${format} kernel` : 'no kernel header'})`,
      WHAT,
    );
  if (kernelArch !== arch)
    throw new InputError(
      INPUT,
      `"${dir}" holds ${firmwareName}, a kernel for ${kernelArch} images, but arch is ${arch}`,
      `Use arch ${kernelArch}, or build the kernel for ${arch} (board ${Object.entries(BOARDS)
        .filter(([, b]) => b.arch === arch)
        .map(([name]) => name)
        .join(' or ')}).`,
    );

  const names = await entries(dir);
  const configs = names.filter((n) => n.startsWith('config-')).sort();
  if (configs.length !== 1)
    throw new InputError(
      INPUT,
      configs.length
        ? `"${dir}" holds ${configs.join(' and ')}: more than one kernel release`
        : `"${dir}" has no config-<release> (the kernel's .config, which names its release)`,
      WHAT,
    );
  const release = configs[0]!.slice('config-'.length);
  const config = join(dir, configs[0]!);
  const modulesFile = `modules-${release}.tar.gz`;
  let modules: string | undefined;
  if (/^CONFIG_MODULES=y$/m.test(await readFile(config, 'utf8'))) {
    if (!names.includes(modulesFile))
      throw new InputError(
        INPUT,
        `the modules of release ${release} are missing: "${dir}" has no ${modulesFile}, and its config builds modules`,
        'Give the whole out folder of the kernel build (with its modules tarball).',
      );
    modules = join(dir, modulesFile);
    await checkModulesTarball(modules, release);
  }
  const systemMap = names.includes(`System.map-${release}`) ? join(dir, `System.map-${release}`) : undefined;
  return {
    release,
    arch,
    kernel,
    firmwareName,
    dtbs: bootNames
      .filter((n) => n.endsWith('.dtb'))
      .sort()
      .map((n) => join(boot, n)),
    overlays: (await entries(join(boot, 'overlays'))).sort().map((n) => join(boot, 'overlays', n)),
    config,
    ...(systemMap ? { systemMap } : {}),
    ...(modules ? { modules } : {}),
  };
}

/** Every member under lib/modules/<release>/: nothing else lands in the root from the tarball. */
async function checkModulesTarball(tarball: string, release: string): Promise<void> {
  const listed = await exec('tar', ['--list', '--gzip', '--file', tarball]).catch((err: Error) => {
    throw new InputError(
      INPUT,
      `${tarball} cannot be read as a .tar.gz (${err.message.split('\n')[0]})`,
      'Give the modules tarball the kernel build wrote.',
    );
  });
  const inside = `lib/modules/${release}/`;
  const stray = listed.stdout
    .split('\n')
    .filter(Boolean)
    .map((m) => m.replace(/^\.\//, ''))
    .find((m) => !(m === 'lib/' || m === 'lib/modules/' || m.startsWith(inside) || `${m}/` === inside));
  if (stray !== undefined)
    throw new InputError(
      INPUT,
      `${tarball} holds "${stray}", outside lib/modules/${release}/`,
      'Give the modules tarball the kernel build wrote (only lib/modules/<release>/ inside).',
    );
}
