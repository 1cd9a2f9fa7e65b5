// Moving a file that may cross filesystems (work folder, out folder, cache folder), and small file questions.
import { cp, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** rename(2) of a file or folder, falling back to copy-and-remove across filesystems. */
export async function moveFile(src: string, dest: string): Promise<void> {
  await rename(src, dest).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EXDEV') throw err;
    await cp(src, dest, { recursive: true, preserveTimestamps: true });
    await rm(src, { recursive: true });
  });
}

/** Whether a path exists (following links). */
export const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/** The first `bytes` bytes of a file (fewer when it is shorter): a header to tell its kind by. */
export async function readHead(file: string, bytes: number): Promise<Buffer> {
  const fd = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fd.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fd.close();
  }
}

/** Every file below a folder (depth first, in readdir's order); none for a missing folder. */
export async function filesBelow(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesBelow(p)));
    else out.push(p);
  }
  return out;
}
