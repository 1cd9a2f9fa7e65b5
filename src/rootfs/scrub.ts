// What must not ship in the image: per-device files (made again on first boot) and caches.
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Files that must differ per device or must not ship: made again on first boot. */
export async function scrub(root: string): Promise<void> {
  for (const f of await readdir(join(root, 'etc', 'ssh')).catch(() => [] as string[])) {
    if (/^ssh_host_.*_key(\.pub)?$/.test(f)) await rm(join(root, 'etc', 'ssh', f), { force: true });
  }
  await writeFile(join(root, 'etc', 'machine-id'), '');
  await rm(join(root, 'var', 'lib', 'dbus', 'machine-id'), { force: true });
  for (const d of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
    for (const f of await readdir(join(root, d)).catch(() => [] as string[])) {
      if (f !== 'partial' && f !== 'lock') await rm(join(root, d, f), { recursive: true, force: true });
    }
  }
  await rm(join(root, 'tmp'), { recursive: true, force: true });
  await mkdir(join(root, 'tmp'), { mode: 0o1777 });
  await chmod(join(root, 'tmp'), 0o1777);
}
