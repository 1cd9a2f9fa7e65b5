// Assembles the SD-card image from two folders: a sparse file, a DOS partition table
// from sfdisk, then each filesystem written in place. No loop devices, no mounts.
import { randomBytes, randomUUID } from 'node:crypto';
import { open } from 'node:fs/promises';
import { exec } from '../runtime/exec.js';
import { refuseMountsBelow } from '../runtime/mounts.js';
import { writeExt4, writeFat } from './filesystems.js';
import {
  MiB,
  computeLayout,
  rootSizeBytes,
  roundUp,
  sfdiskScript,
  treeUsage,
  type Layout,
} from './layout.js';

export const BOOT_LABEL = 'RASPIFIRM';
export const ROOT_LABEL = 'RASPIROOT';

export interface AssembleInput {
  image: string;
  bootDir: string;
  rootDir: string;
  bootSizeMiB: number;
  rootMarginMiB: number;
  logFile?: string;
  sourceDateEpoch?: number;
  /** Keep a base image's names (base-image): fstab and cmdline.txt may refer to any of them. */
  identity?: Identity;
  /** The root partition is at least this large (a base image's own root). */
  minRootBytes?: number;
}

export interface Identity {
  /** DOS disk identifier, 8 hex digits: PARTUUIDs are <diskId>-01 and -02. */
  diskId: string;
  rootUuid: string;
  bootLabel: string;
  rootLabel: string;
  /** The FAT volume id as blkid prints it (ABCD-1234). */
  bootVolumeId?: string;
}

export interface AssembleResult {
  layout: Layout;
  diskId: string;
  rootUuid: string;
}

export async function assembleImage(input: AssembleInput): Promise<AssembleResult> {
  // Before the image file exists: a mount left inside a tree (a customize script's, /proc)
  // would put the host's files into the image.
  await refuseMountsBelow(input.rootDir, 'assemble an image from');
  await refuseMountsBelow(input.bootDir, 'assemble an image from');
  const usage = await treeUsage(input.rootDir);
  const needed = rootSizeBytes(usage, input.rootMarginMiB);
  const layout = computeLayout(
    input.bootSizeMiB,
    Math.max(needed, roundUp(input.minRootBytes ?? 0, 4 * MiB)),
  );
  const id = input.identity;
  const diskId = id?.diskId ?? randomBytes(4).toString('hex');
  const rootUuid = id?.rootUuid ?? randomUUID();
  const log = input.logFile ? { logFile: input.logFile } : {};

  const fh = await open(input.image, 'w');
  await fh.truncate(layout.imageSize); // sparse: unwritten ranges take no disk
  await fh.close();
  await exec('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', input.image], {
    input: sfdiskScript(layout, diskId),
    ...log,
  });
  const fsOpts = {
    ...log,
    ...(input.sourceDateEpoch !== undefined ? { sourceDateEpoch: input.sourceDateEpoch } : {}),
  };
  await writeFat(
    input.image,
    layout.bootOffset,
    layout.bootSize,
    id?.bootLabel ?? BOOT_LABEL,
    input.bootDir,
    {
      ...fsOpts,
      ...(id?.bootVolumeId ? { volumeId: id.bootVolumeId.replace('-', '') } : {}),
    },
  );
  await writeExt4(
    input.image,
    layout.rootOffset,
    layout.rootSize,
    id?.rootLabel ?? ROOT_LABEL,
    input.rootDir,
    rootUuid,
    fsOpts,
  );
  return { layout, diskId, rootUuid };
}
