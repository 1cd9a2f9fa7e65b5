// Partition layout: sizes from content, never a guess that can be too small.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const MiB = 1024 * 1024;
/** First partition starts at 4 MiB, as Raspberry Pi and Debian raspi images do (erase-block aligned). */
export const FIRST_PARTITION_OFFSET = 4 * MiB;
const BLOCK = 4096;
const INODE_SIZE = 256;

export interface TreeUsage {
  /** Bytes the content occupies in 4 KiB blocks. */
  blockBytes: number;
  /** Files, folders, links and devices: each needs an inode. */
  inodes: number;
}

/** Walks a tree (without following links) and sums what an ext4 copy of it needs. */
export async function treeUsage(root: string): Promise<TreeUsage> {
  let blockBytes = 0;
  let inodes = 0;
  const seen = new Set<string>(); // hard links count once
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      const st = await lstat(p);
      inodes++;
      if (st.nlink > 1 && !st.isDirectory()) {
        const id = `${st.dev}:${st.ino}`;
        if (seen.has(id)) continue;
        seen.add(id);
      }
      blockBytes += Math.ceil(st.size / BLOCK) * BLOCK;
      if (st.isDirectory()) await walk(p);
    }
  };
  await walk(root);
  return { blockBytes, inodes };
}

export const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to;

/**
 * Size of the ext4 root: content, inode tables (one inode per 16 KiB, ext4's default ratio,
 * or more when there are many small files), metadata and journal overhead, then the margin.
 */
export function rootSizeBytes(u: TreeUsage, marginMiB: number): number {
  const inodeTable = Math.max(u.inodes * 1.3, u.blockBytes / 16384) * INODE_SIZE;
  const journal = 64 * MiB;
  const metadata = u.blockBytes * 0.04; // bitmaps, group descriptors, directory blocks slack
  const content = u.blockBytes + inodeTable + journal + metadata;
  // Keep the 5% reserved blocks out of the margin the user asked for.
  return roundUp(content / 0.95 + marginMiB * MiB, 4 * MiB);
}

export interface Layout {
  bootOffset: number;
  bootSize: number;
  rootOffset: number;
  rootSize: number;
  imageSize: number;
}

export function computeLayout(bootSizeMiB: number, rootSize: number): Layout {
  const bootOffset = FIRST_PARTITION_OFFSET;
  const bootSize = bootSizeMiB * MiB;
  const rootOffset = bootOffset + bootSize;
  return { bootOffset, bootSize, rootOffset, rootSize, imageSize: rootOffset + rootSize };
}

/** The sfdisk script: DOS label, FAT32 (LBA) boot partition, Linux root. */
export function sfdiskScript(l: Layout, diskId: string): string {
  const s = (b: number): number => b / 512;
  return [
    'label: dos',
    `label-id: 0x${diskId}`,
    'unit: sectors',
    '',
    `start=${s(l.bootOffset)}, size=${s(l.bootSize)}, type=c, bootable`,
    `start=${s(l.rootOffset)}, size=${s(l.rootSize)}, type=83`,
    '',
  ].join('\n');
}
