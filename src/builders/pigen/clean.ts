// Before pi-gen runs, whatever an earlier (failed or killed) build left in the work folder
// goes (the pipeline empties it). pi-gen itself would skip debootstrap when stage0's rootfs
// folder exists, so a half-made rootfs with its `debootstrap` folder would hide the first
// failure behind a later, stranger one: the builder names such leftovers before they go.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Stage root filesystems still holding debootstrap's folder (it is removed when debootstrap succeeds). */
export async function staleDebootstrap(piGenWork: string): Promise<string[]> {
  const found: string[] = [];
  for (const stage of await readdir(piGenWork).catch(() => [] as string[])) {
    const p = join(piGenWork, stage, 'rootfs', 'debootstrap');
    if ((await stat(p).catch(() => undefined))?.isDirectory()) found.push(p);
  }
  return found;
}
