// Host tools an image build runs, by the Debian package that provides each: a fresh
// Debian/Ubuntu machine gets them from apt-get before the build starts, not halfway through.
import type { BuildConfig } from '../config/schema.js';
import { installPackages } from './packages.js';
import { which } from './tools.js';

const IMAGE_TOOLS: [tool: string, pkg: string][] = [
  ['mmdebstrap', 'mmdebstrap'],
  ['mkfs.vfat', 'dosfstools'],
  ['mcopy', 'mtools'],
  ['sfdisk', 'fdisk'],
  ['mkfs.ext4', 'e2fsprogs'],
  ['zstd', 'zstd'],
  ['xz', 'xz-utils'],
  ['openssl', 'openssl'],
  ['bmaptool', 'bmap-tools'],
];
const BOOT_TOOLS: [string, string][] = [
  ['qemu-system-aarch64', 'qemu-system-arm'],
  ['qemu-img', 'qemu-utils'],
];

export async function ensureImageTools(config: Pick<BuildConfig, 'bootTest'>): Promise<void> {
  const wanted = [...IMAGE_TOOLS, ...(config.bootTest ? BOOT_TOOLS : [])];
  const missing: string[] = [];
  for (const [tool, pkg] of wanted) if (!(await which(tool))) missing.push(pkg);
  if (missing.length > 0) await installPackages([...new Set(missing)], 'building an image');
}
