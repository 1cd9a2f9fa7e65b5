// A base image's two partitions copied out into folders the customisation works on. The FAT
// partition is read with mtools (no mount). The ext4 root is mounted read-only through a loop
// device, because no rootless reader keeps everything a root holds (debugfs's rdump drops
// extended attributes such as file capabilities, and hard links); cp -a copies owners, modes,
// links, hard links, xattrs and capabilities. The mount is inside the work folder, so the post
// step's cleanup unmounts it (and frees the loop device) if the run is killed.
import { mkdir, rmdir } from 'node:fs/promises';
import { exec } from '../runtime/exec.js';
import { InputError } from '../runtime/errors.js';
import { unmount } from '../runtime/mounts.js';
import type { Partition } from './partitions.js';

export async function extractBoot(
  image: string,
  part: Partition,
  dir: string,
  logFile: string,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  // '::*' is mtools' own wildcard (no shell); -s recurses, -p -m keep attributes and times.
  const r = await exec('mcopy', ['-s', '-p', '-m', '-n', '-i', `${image}@@${part.start}`, '::*', dir], {
    env: { MTOOLS_SKIP_CHECK: '1' },
    logFile,
    allowFailure: true,
  });
  if (r.exitCode !== 0)
    throw new InputError(
      'base-image',
      `its boot partition (${part.number}) is not a readable FAT file system (${r.stderr.trim().split('\n').pop() ?? ''})`,
      "Give an image whose first FAT partition is the Pi's boot partition.",
    );
}

export async function extractRoot(
  image: string,
  part: Partition,
  dir: string,
  mountPoint: string,
  logFile: string,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await mkdir(mountPoint, { recursive: true });
  // ro + noload: nothing is written to the image, not even a journal replay. sizelimit keeps
  // the file system's view inside its partition.
  await exec(
    'mount',
    ['-t', 'ext4', '-o', `ro,noload,loop,offset=${part.start},sizelimit=${part.size}`, image, mountPoint],
    { privileged: "mounting the base image's root read-only", logFile },
  ).catch((err: unknown) => {
    throw new Error(
      `cannot mount the base image's root partition (${part.number}) read-only through a loop device: ${(err as Error).message.split('\n')[0]}. A container runner needs /dev/loop-control and loop devices passed in.`,
    );
  });
  try {
    await exec('cp', ['-a', '--preserve=all', `${mountPoint}/.`, dir], {
      privileged: "copying the base image's root",
      logFile,
    });
  } finally {
    await unmount(mountPoint, { logFile });
    await rmdir(mountPoint).catch(() => undefined);
  }
}
