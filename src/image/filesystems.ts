// Partition contents written straight into the image file at their offsets, without
// loop devices, mounts or intermediate copies: mkfs.vfat --offset + mcopy image@@offset
// for the FAT boot partition, mkfs.ext4 -E offset= -d for the root.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { exec } from '../runtime/exec.js';
import { refuseMountsBelow } from '../runtime/mounts.js';

export interface FsOptions {
  logFile?: string;
  /** Seconds since the epoch for reproducible timestamps. */
  sourceDateEpoch?: number;
  /** FAT volume id, 8 hex digits (a base image's, kept; otherwise mkfs.vfat picks one). */
  volumeId?: string;
}

/** FAT32 needs at least 65525 clusters; pick the largest cluster that keeps it FAT32 with room. */
export function fatSectorsPerCluster(sizeBytes: number): number {
  let spc = 1;
  while (spc < 64 && sizeBytes / 512 / (spc * 2) >= 72_000) spc *= 2;
  return spc;
}

export async function writeFat(
  image: string,
  offset: number,
  sizeBytes: number,
  label: string,
  contentDir: string,
  opts: FsOptions = {},
): Promise<void> {
  await refuseMountsBelow(contentDir, 'write a FAT file system from');
  const log = opts.logFile ? { logFile: opts.logFile } : {};
  await exec(
    'mkfs.vfat',
    [
      '-F',
      '32',
      '-s',
      String(fatSectorsPerCluster(sizeBytes)),
      '-n',
      label,
      ...(opts.volumeId ? ['-i', opts.volumeId] : []),
      '--offset',
      String(offset / 512),
      image,
      String(Math.floor(sizeBytes / 1024)),
    ],
    log,
  );
  const entries = (await readdir(contentDir)).sort();
  if (entries.length === 0) return;
  // Sources as arguments (no shell glob); -s recurses, -p -m keep attributes and times.
  await exec(
    'mcopy',
    ['-s', '-p', '-m', '-i', `${image}@@${offset}`, ...entries.map((e) => join(contentDir, e)), '::'],
    {
      env: { MTOOLS_SKIP_CHECK: '1' },
      ...log,
    },
  );
}

export async function writeExt4(
  image: string,
  offset: number,
  sizeBytes: number,
  label: string,
  contentDir: string,
  uuid: string,
  opts: FsOptions = {},
): Promise<void> {
  await refuseMountsBelow(contentDir, 'write an ext4 file system from');
  const env: Record<string, string> = {};
  if (opts.sourceDateEpoch !== undefined) env.E2FSPROGS_FAKE_TIME = String(opts.sourceDateEpoch);
  await exec(
    'mkfs.ext4',
    [
      '-q',
      '-F',
      '-b',
      '4096',
      '-L',
      label,
      '-U',
      uuid,
      '-E',
      `offset=${offset},hash_seed=${uuid}`,
      '-d',
      contentDir,
      image,
      `${Math.floor(sizeBytes / 1024)}k`,
    ],
    {
      env,
      privileged: 'mkfs.ext4 -d (reading a root-owned tree)',
      ...(opts.logFile ? { logFile: opts.logFile } : {}),
    },
  );
}
