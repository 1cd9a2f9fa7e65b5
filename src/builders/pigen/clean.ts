// Before pi-gen runs: whatever an earlier (failed or killed) build left in the work folder
// goes. pi-gen itself would skip debootstrap when stage0's rootfs folder exists, so a
// half-made rootfs with its `debootstrap` folder would hide the first failure behind a
// later, stranger one; bind mounts (proc, dev, sys) and loop devices left attached would
// make the next build fail or be refused. pi-gen's WORK_DIR lives inside our work folder
// (saved in the state), so the post step cleans it too.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { logger } from '../../runtime/log.js';
import { mountsBelow } from '../../runtime/mounts.js';
import { cleanupWorkDir, loopDevicesBelow } from '../../runtime/work-cleanup.js';
import { claimWorkDir, freshDir } from '../workspace.js';

/** Stage root filesystems still holding debootstrap's folder (it is removed when debootstrap succeeds). */
export async function staleDebootstrap(piGenWork: string): Promise<string[]> {
  const found: string[] = [];
  for (const stage of await readdir(piGenWork).catch(() => [] as string[])) {
    const p = join(piGenWork, stage, 'rootfs', 'debootstrap');
    if ((await stat(p).catch(() => undefined))?.isDirectory()) found.push(p);
  }
  return found;
}

export interface CleanReport {
  debootstrap: string[];
  mounts: string[];
  loops: string[];
}

/** Unmounts, detaches loop devices, then empties the work folder (it must start clean). */
export async function cleanBeforeBuild(workDir: string, piGenWork: string): Promise<CleanReport> {
  await claimWorkDir(workDir); // ours (marked) and locked before anything is ended or unmounted
  const report: CleanReport = {
    debootstrap: await staleDebootstrap(piGenWork),
    mounts: await mountsBelow(workDir),
    loops: await loopDevicesBelow(workDir),
  };
  if (report.mounts.length || report.loops.length) {
    const r = await cleanupWorkDir(workDir);
    logger().info(r.summary);
  }
  for (const d of report.debootstrap)
    logger().info(
      `removing ${d}, left by an earlier failed debootstrap (pi-gen would reuse the broken rootfs)`,
    );
  await freshDir(workDir);
  return report;
}
