// Moving a file that may cross filesystems (work folder, out folder, cache folder).
import { copyFile, rename, rm } from 'node:fs/promises';

/** rename(2), falling back to copy-and-remove when source and destination are on different filesystems. */
export async function moveFile(src: string, dest: string): Promise<void> {
  await rename(src, dest).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EXDEV') throw err;
    await copyFile(src, dest);
    await rm(src);
  });
}
