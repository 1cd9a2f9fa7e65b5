// One way to put a text file into the root: its folder made, any old file or link replaced,
// and every path resolved the way the root itself would resolve it. A root rpi-build did not
// build (base-image) may hold absolute links such as /home -> /data/home: followed on the host,
// they would lead out of the root, so a link's absolute target is taken inside the root.
import { lstat, mkdir, readlink, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The host path of `path` inside `root`, links followed as a chroot would: never outside the root. */
export async function inRoot(root: string, path: string): Promise<string> {
  const todo = path.split('/').filter((p) => p !== '' && p !== '.');
  let at: string[] = [];
  for (let links = 0; todo.length > 0;) {
    const part = todo.shift()!;
    if (part === '..') {
      at.pop(); // a root's ".." stops at its own /
      continue;
    }
    const host = join(root, ...at, part);
    const st = await lstat(host).catch(() => undefined);
    if (!st?.isSymbolicLink()) {
      at.push(part);
      continue;
    }
    if (++links > 40) throw new Error(`too many symbolic links resolving /${path} in ${root}`);
    const target = await readlink(host);
    if (target.startsWith('/')) at = [];
    todo.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
  }
  return join(root, ...at);
}

/** Writes `text` at `path` (relative to `root`) with `mode`, replacing what was there. */
export async function writeRootFile(root: string, path: string, text: string, mode = 0o644): Promise<void> {
  const p = join(await inRoot(root, dirname(path)), basename(path));
  await mkdir(dirname(p), { recursive: true });
  await rm(p, { force: true });
  await writeFile(p, text, { mode });
}
