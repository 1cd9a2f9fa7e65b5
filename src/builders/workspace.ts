// The work and out folders every builder shares: a work folder that is rpi-build's own (marked,
// locked) and starts clean, and an out folder that only ever receives finished files.
import { mkdir, readdir, rm, stat, statfs } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { exec } from '../runtime/exec.js';
import { moveFile } from '../runtime/files.js';
import { formatBytes, logger } from '../runtime/log.js';
import { handBack } from '../runtime/hand-back.js';
import { checkWorkDirContents, markWorkDir, WORK_LOCK, WORK_MARKER } from '../runtime/work-folder.js';
import { cleanupWorkDir } from '../runtime/work-cleanup.js';
import { acquireWorkLock, checkWorkLock } from '../runtime/work-lock.js';

export function defaultWorkDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUNNER_TEMP ? join(env.RUNNER_TEMP, 'rpi-build') : resolve('.work');
}

/** The default folder (unmarked from before the marker) may be adopted; a given one may not. */
const isDefault = (workDir: string): boolean => resolve(workDir) === resolve(defaultWorkDir());

/**
 * Before any work: refuses a work folder rpi-build may not empty (one holding files it did not
 * make) or one another build is using. Reads only; the builder claims it later.
 */
export async function checkWorkDir(workDir: string): Promise<void> {
  await checkWorkDirContents(workDir, isDefault(workDir));
  await checkWorkLock(workDir);
}

/** Makes `workDir` ours: checked, created, marked, and locked for this process. */
export async function claimWorkDir(workDir: string): Promise<void> {
  await markWorkDir(workDir, isDefault(workDir));
  await acquireWorkLock(workDir);
}

/** Starts from nothing: claim the folder, unmount what an earlier killed build left, then remove its files. */
export async function freshDir(workDir: string): Promise<void> {
  await claimWorkDir(workDir);
  const report = await cleanupWorkDir(workDir);
  if (report.unmounted.length) logger().info(`cleaned up after an earlier build: ${report.summary}`);
  if (report.remaining.length)
    throw new Error(
      `cannot start clean: still mounted under ${workDir}: ${report.remaining.join(', ')}. Unmount it as root (umount -R PATH) or set work-dir to another folder.`,
    );
  // The marker, the lock (and a lock being taken) and a file system's lost+found stay;
  // everything else is an earlier build's.
  const keep = (e: string): boolean => e === WORK_MARKER || e.startsWith(WORK_LOCK) || e === 'lost+found';
  const left = (await readdir(workDir)).filter((e) => !keep(e));
  for (const entry of left) {
    await exec('rm', ['-rf', '--one-file-system', join(workDir, entry)], {
      privileged: 'removing an earlier build',
    });
  }
  if (left.length) logger().info(`removed what an earlier build left in ${workDir}: ${left.join(', ')}`);
}

/** Moves the finished files into the out folder only now, so it never holds a half-built image. */
export async function publishLocal(files: string[], outDir: string): Promise<string[]> {
  const created = await mkdir(outDir, { recursive: true });
  const placed: string[] = [];
  for (const f of files) {
    const dest = join(outDir, f.split('/').pop()!);
    // A folder (the kernel's boot/) replaces the one an earlier build left.
    if ((await stat(f)).isDirectory()) await rm(dest, { recursive: true, force: true });
    await moveFile(f, dest);
    placed.push(dest);
  }
  // Made as root, they go back to the user who ran us (sudo), so upload and cleanup can read
  // them; a folder made here too, or the user could not delete what is in it.
  await handBack(created ? [created] : placed);
  return placed;
}

/** Below this, a failure in a step that writes is put down to a full disk. */
const FULL_BELOW = 64 * 1024 * 1024;

/**
 * Runs a step that writes large files into the work folder; when it fails on a full disk the
 * error says so plainly (tools report ENOSPC in many ways, some only as "short write").
 */
export async function withDiskSpace<T>(workDir: string, step: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const fs = await statfs(workDir).catch(() => undefined);
    const free = fs ? fs.bavail * fs.bsize : Infinity;
    const said = err instanceof Error ? err.message : String(err);
    if (free < FULL_BELOW || /No space left on device|ENOSPC/.test(said)) {
      throw new Error(
        `The work folder ${workDir} ran out of disk space during ${step} (${formatBytes(free)} left). Free space there, or set work-dir to a folder on a larger disk. (${said.split('\n')[0]})`,
        { cause: err },
      );
    }
    throw err;
  }
}
