// Moving a file that may cross filesystems (work folder, out folder, cache folder).
import { cp, rename, rm } from 'node:fs/promises';

/** rename(2) of a file or folder, falling back to copy-and-remove across filesystems. */
export async function moveFile(src: string, dest: string): Promise<void> {
  await rename(src, dest).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EXDEV') throw err;
    await cp(src, dest, { recursive: true, preserveTimestamps: true });
    await rm(src, { recursive: true });
  });
}
