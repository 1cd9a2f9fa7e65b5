// One way to put a text file into the root: its folder made, any old file or link replaced.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes `text` at `path` (relative to `root`) with `mode`, replacing what was there. */
export async function writeRootFile(root: string, path: string, text: string, mode = 0o644): Promise<void> {
  const p = join(root, path);
  await mkdir(join(p, '..'), { recursive: true });
  await rm(p, { force: true });
  await writeFile(p, text, { mode });
}
