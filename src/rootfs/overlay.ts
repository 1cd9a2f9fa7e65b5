// The user's own changes: an overlay folder copied over the root, then customize scripts run
// in the chroot in the order given. config/load.ts checks both paths before any work; the same
// check functions run again here, as the paths are read only after the base is built.
import { chmod, copyFile, mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { checkCustomizeScript, checkOverlay } from '../config/load.js';
import { exec } from '../runtime/exec.js';
import { ExecError } from '../runtime/errors.js';
import { logger } from '../runtime/log.js';
import { inChroot } from './chroot.js';

export async function applyOverlay(root: string, overlay: string, logFile: string): Promise<void> {
  await checkOverlay(overlay);
  // "dir/." copies the contents, keeping modes; ownership becomes root's, as for packaged files.
  await exec('cp', ['-a', '--no-preserve=ownership', `${overlay}/.`, root], {
    privileged: 'copying the overlay',
    logFile,
  });
}

export async function runCustomizeScripts(root: string, scripts: string[], logFile: string): Promise<void> {
  const dir = join(root, 'tmp', 'rpi-build-customize');
  await mkdir(dir, { recursive: true });
  try {
    for (const [i, script] of scripts.entries()) {
      await checkCustomizeScript(script);
      const name = `${String(i + 1).padStart(2, '0')}-${basename(script)}`;
      await copyFile(script, join(dir, name));
      await chmod(join(dir, name), 0o755);
      const tail: string[] = [];
      await logger().group(`customize: ${basename(script)}`, async () => {
        const r = await inChroot(root, [`/tmp/rpi-build-customize/${name}`], {
          logFile,
          allowFailure: true,
          onLine: (line) => {
            logger().info(line);
            tail.push(line);
            if (tail.length > 40) tail.shift();
          },
        });
        if (r.exitCode !== 0) {
          throw new ExecError(`customize script ${script}`, r.exitCode, r.signal, tail.join('\n'), logFile);
        }
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
