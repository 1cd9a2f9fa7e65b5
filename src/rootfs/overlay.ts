// The user's own changes: an overlay folder copied over the root, then customize scripts run
// in the chroot in the order given. config/load.ts checks both paths before any work; the same
// check functions run again here, as the paths are read only after the base is built.
import {
  appendFile,
  chmod,
  copyFile,
  lstat,
  mkdir,
  readdir,
  readlink,
  rm,
  symlink,
  utimes,
} from 'node:fs/promises';
import { basename, join } from 'node:path';
import { checkCustomizeScript, checkOverlay } from '../config/load.js';
import { exec } from '../runtime/exec.js';
import { inChrootShown } from './chroot.js';
import { inRoot } from './write.js';

export async function applyOverlay(root: string, overlay: string, logFile: string): Promise<void> {
  await checkOverlay(overlay);
  // "dir/." copies the contents, keeping modes; ownership becomes root's, as for packaged files.
  await exec('cp', ['-a', '--no-preserve=ownership', `${overlay}/.`, root], {
    privileged: 'copying the overlay',
    logFile,
  });
}

/**
 * The overlay for a root rpi-build did not build, entry by entry, each path resolved the way the
 * root resolves it (write.ts's inRoot), so a link in the root (an absolute /home -> /data/home)
 * leads inside it, never out to the host. Modes and times are kept; owners become root's.
 */
export async function applyOverlayInside(root: string, overlay: string, logFile: string): Promise<void> {
  await checkOverlay(overlay);
  let count = 0;
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(overlay, rel))).sort()) {
      const from = join(overlay, rel, name);
      const st = await lstat(from);
      if (st.isDirectory()) {
        const to = await inRoot(root, join(rel, name));
        if (!(await lstat(to).catch(() => undefined))?.isDirectory()) {
          await rm(to, { force: true });
          await mkdir(to, { mode: st.mode & 0o7777 });
        }
        await walk(join(rel, name));
        continue;
      }
      const to = join(await inRoot(root, rel), name);
      await rm(to, { force: true, recursive: true });
      if (st.isSymbolicLink()) await symlink(await readlink(from), to);
      else {
        await copyFile(from, to);
        await chmod(to, st.mode & 0o7777);
        await utimes(to, st.atime, st.mtime);
      }
      count++;
    }
  };
  await walk('.');
  await appendFile(logFile, `overlay: ${count} entries from ${overlay}\n`).catch(() => undefined);
}

export async function runCustomizeScripts(root: string, scripts: string[], logFile: string): Promise<void> {
  const dir = join(await inRoot(root, 'tmp'), 'rpi-build-customize');
  await mkdir(dir, { recursive: true });
  try {
    for (const [i, script] of scripts.entries()) {
      await checkCustomizeScript(script);
      const name = `${String(i + 1).padStart(2, '0')}-${basename(script)}`;
      await copyFile(script, join(dir, name));
      await chmod(join(dir, name), 0o755);
      await inChrootShown(
        root,
        [`/tmp/rpi-build-customize/${name}`],
        `customize: ${basename(script)}`,
        `customize script ${script}`,
        logFile,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
