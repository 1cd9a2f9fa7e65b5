// The one table of host packages, by the part of rpi-build that needs them. The build installs
// its parts' packages up front (not halfway through), and scripts/setup-test-host.sh installs
// the test host from the same table (`rpi-build host-packages --install ...`), so the two
// cannot drift. A package counts as present when what it provides is there (a tool on PATH, or
// a file), so a non-Debian host that has the tools needs no apt.
import { access } from 'node:fs/promises';
import type { BuildConfig } from '../config/schema.js';
import { installPackages, packageInstalled } from './packages.js';
import { which } from './tools.js';

export const PARTS = ['image', 'boot', 'base', 'kernel', 'pigen', 'tests'] as const;
export type Part = (typeof PARTS)[number];

/** What narrows a part's optional packages to the ones a build uses. */
type Uses = Pick<BuildConfig, 'ccache' | 'kernelPath' | 'kernelDebs'>;

export interface HostPackage {
  pkg: string;
  /** A tool on PATH, or an absolute file, that shows the package is there; none: ask dpkg. */
  provides?: string;
  /** Only for builds that use this feature (the test host installs every entry). */
  when?: (c: Uses) => boolean;
}

export const HOST_PACKAGES: Record<Part, HostPackage[]> = {
  image: [
    { pkg: 'mmdebstrap', provides: 'mmdebstrap' },
    // mmdebstrap refuses a foreign architecture without it ("install arch-test ...").
    { pkg: 'arch-test', provides: 'arch-test' },
    { pkg: 'ca-certificates', provides: '/etc/ssl/certs/ca-certificates.crt' },
    { pkg: 'dosfstools', provides: 'mkfs.vfat' },
    { pkg: 'mtools', provides: 'mcopy' },
    { pkg: 'fdisk', provides: 'sfdisk' },
    { pkg: 'e2fsprogs', provides: 'mkfs.ext4' },
    { pkg: 'zstd', provides: 'zstd' },
    { pkg: 'xz-utils', provides: 'xz' },
    { pkg: 'openssl', provides: 'openssl' },
    { pkg: 'bmap-tools', provides: 'bmaptool' },
  ],
  boot: [
    { pkg: 'qemu-system-arm', provides: 'qemu-system-aarch64' },
    // The kernel and config.txt come out of the FAT partition; the guest tests go into the root.
    { pkg: 'mtools', provides: 'mcopy' },
    { pkg: 'e2fsprogs', provides: 'debugfs' },
  ],
  // base-image: unpacking its archive and reading its root through a read-only loop mount.
  base: [
    { pkg: 'unzip', provides: 'unzip' },
    { pkg: 'xz-utils', provides: 'xz' },
    { pkg: 'zstd', provides: 'zstd' },
    { pkg: 'util-linux', provides: 'blkid' },
    { pkg: 'mount', provides: 'mount' },
  ],
  kernel: [
    { pkg: 'make', provides: 'make' },
    { pkg: 'gcc', provides: 'gcc' },
    { pkg: 'libc6-dev', provides: '/usr/include/stdio.h' },
    { pkg: 'flex', provides: 'flex' },
    { pkg: 'bison', provides: 'bison' },
    { pkg: 'bc', provides: 'bc' },
    { pkg: 'libssl-dev', provides: '/usr/include/openssl/ssl.h' },
    { pkg: 'libelf-dev', provides: '/usr/include/libelf.h' },
    { pkg: 'kmod', provides: 'depmod' },
    { pkg: 'cpio', provides: 'cpio' },
    { pkg: 'rsync', provides: 'rsync' },
    { pkg: 'xz-utils', provides: 'xz' },
    { pkg: 'zstd', provides: 'zstd' },
    { pkg: 'ccache', provides: 'ccache', when: (c) => c.ccache },
    { pkg: 'git', provides: 'git', when: (c) => c.kernelPath === undefined },
    {
      pkg: 'ca-certificates',
      provides: '/etc/ssl/certs/ca-certificates.crt',
      when: (c) => c.kernelPath === undefined,
    },
    { pkg: 'dpkg-dev', provides: 'dpkg-buildpackage', when: (c) => c.kernelDebs },
    { pkg: 'fakeroot', provides: 'fakeroot', when: (c) => c.kernelDebs },
  ],
  // pi-gen's own `depends` file names the rest (builders/pigen/depends.ts).
  pigen: [
    { pkg: 'git', provides: 'git' },
    { pkg: 'ca-certificates', provides: '/etc/ssl/certs/ca-certificates.crt' },
  ],
  // What only the test suite drives: the host's own emulators (the build takes them from the
  // tool cache), debootstrap for the fallback, sudo for the hosted-runner tests, and Debian's
  // kernel tree as the kernel tests' source.
  tests: [
    { pkg: 'qemu-user-static', provides: 'qemu-aarch64-static' },
    { pkg: 'debootstrap', provides: 'debootstrap' },
    { pkg: 'file', provides: 'file' },
    { pkg: 'sudo', provides: 'sudo' },
    { pkg: 'util-linux', provides: 'losetup' },
    // The base-image tests make a capability and a zip archive as a base would have them.
    { pkg: 'libcap2-bin', provides: 'setcap' },
    { pkg: 'zip', provides: 'zip' },
    { pkg: 'git', provides: 'git' },
    { pkg: 'linux-source' },
  ],
};

/** Every package a part may need, for a host that will run all of it (the test host). */
export function packagesOf(parts: readonly Part[]): string[] {
  return [...new Set(parts.flatMap((p) => HOST_PACKAGES[p].map((e) => e.pkg)))];
}

async function present(e: HostPackage): Promise<boolean> {
  if (!e.provides) return packageInstalled(e.pkg);
  if (e.provides.startsWith('/'))
    return access(e.provides).then(
      () => true,
      () => false,
    );
  return !!(await which(e.provides));
}

/** The packages of these parts whose tool or file is missing here (config narrows optional ones). */
export async function missingPackages(parts: readonly Part[], config?: Uses): Promise<string[]> {
  const missing = new Set<string>();
  for (const part of parts) {
    for (const e of HOST_PACKAGES[part]) {
      if (config && e.when && !e.when(config)) continue;
      if (!(await present(e))) missing.add(e.pkg);
    }
  }
  return [...missing];
}

/** Installs what these parts need and the host lacks, before the build starts. */
export async function ensureHostPackages(parts: readonly Part[], config?: Uses): Promise<string[]> {
  const missing = await missingPackages(parts, config);
  if (missing.length > 0) await installPackages(missing, parts.join(', '));
  return missing;
}

/** The parts an image build uses. */
export function imageParts(config: Pick<BuildConfig, 'bootTest'>): Part[] {
  return config.bootTest ? ['image', 'boot'] : ['image'];
}

export async function ensureImageTools(config: Pick<BuildConfig, 'bootTest'>): Promise<void> {
  await ensureHostPackages(imageParts(config));
}
