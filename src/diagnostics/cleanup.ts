// The post step's (and `rpi-build cleanup`'s) last word on a work folder: after undoing what a
// build left running or mounted (runtime/work-cleanup.ts), remove its root-owned trees.
import { resolve } from 'node:path';
import { exec } from '../runtime/exec.js';
import { mountsBelow } from '../runtime/mounts.js';
import { isMarked } from '../runtime/work-folder.js';

/**
 * Removes the bulky, root-owned parts of a build (the runner's own cleanup runs as an
 * ordinary user and could not), keeping logs/ for diagnostics. Only when nothing is mounted.
 */
export async function removeBuildTrees(dir: string): Promise<string[]> {
  // Only in a folder rpi-build made (its marker), and never through a mount.
  if (!(await isMarked(dir)) || (await mountsBelow(dir)).length > 0) return [];
  const removed: string[] = [];
  // What each builder leaves: the image's root and stage, the kernel's tree and build, pi-gen's work.
  const trees = [
    'rootfs',
    'boot',
    'base',
    'stage',
    'boot-test',
    'hooks',
    'source',
    'source.unpack',
    'build',
    'ccache',
    'scratch',
  ];
  for (const sub of [...trees, 'pi-gen', 'pi-gen-work', 'pi-gen-deploy', 'pi-gen-stages']) {
    const p = resolve(dir, sub);
    const r = await exec('rm', ['-rf', '--one-file-system', p], {
      privileged: 'removing build files',
      allowFailure: true,
    }).catch(() => undefined);
    if (r?.exitCode === 0) removed.push(p);
  }
  return removed;
}
