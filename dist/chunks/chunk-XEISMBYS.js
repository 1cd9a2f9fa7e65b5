import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  WORK_LOCK,
  WORK_MARKER,
  acquireWorkLock,
  checkWorkDirContents,
  checkWorkLock,
  cleanupWorkDir,
  markWorkDir
} from "./chunk-M7MSI67S.js";
import {
  moveFile
} from "./chunk-G4YZ52AF.js";
import {
  exec,
  invokingUser,
  isRoot
} from "./chunk-ICWOZ6BD.js";
import {
  formatBytes,
  logger
} from "./chunk-HN3MK2TO.js";

// src/builders/workspace.ts
import { mkdir, readdir, rm, stat, statfs } from "node:fs/promises";
import { join, resolve } from "node:path";

// src/runtime/hand-back.ts
import { existsSync } from "node:fs";
async function handBack(paths, opts = {}) {
  const owner = invokingUser();
  if (!owner || !isRoot()) return;
  const existing = paths.filter((p) => existsSync(p));
  if (existing.length === 0) return;
  const r = await exec(
    "chown",
    [...opts.recursive === false ? [] : ["-R"], "-h", `${owner.uid}:${owner.gid}`, "--", ...existing],
    { allowFailure: true }
  );
  if (r.exitCode !== 0)
    logger().warn(`could not hand ${existing.join(", ")} back to uid ${owner.uid}: ${r.stderr.trim()}`);
}

// src/builders/workspace.ts
function defaultWorkDir(env = process.env) {
  return env.RUNNER_TEMP ? join(env.RUNNER_TEMP, "rpi-build") : resolve(".work");
}
var isDefault = (workDir) => resolve(workDir) === resolve(defaultWorkDir());
async function checkWorkDir(workDir) {
  await checkWorkDirContents(workDir, isDefault(workDir));
  await checkWorkLock(workDir);
}
async function claimWorkDir(workDir) {
  await markWorkDir(workDir, isDefault(workDir));
  await acquireWorkLock(workDir);
}
async function freshDir(workDir) {
  await claimWorkDir(workDir);
  const report = await cleanupWorkDir(workDir);
  if (report.unmounted.length) logger().info(`cleaned up after an earlier build: ${report.summary}`);
  if (report.remaining.length)
    throw new Error(
      `cannot start clean: still mounted under ${workDir}: ${report.remaining.join(", ")}. Unmount it as root (umount -R PATH) or set work-dir to another folder.`
    );
  const keep = (e) => e === WORK_MARKER || e.startsWith(WORK_LOCK) || e === "lost+found";
  const left = (await readdir(workDir)).filter((e) => !keep(e));
  for (const entry of left) {
    await exec("rm", ["-rf", "--one-file-system", join(workDir, entry)], {
      privileged: "removing an earlier build"
    });
  }
  if (left.length) logger().info(`removed what an earlier build left in ${workDir}: ${left.join(", ")}`);
}
async function publishLocal(files, outDir) {
  const created = await mkdir(outDir, { recursive: true });
  const placed = [];
  for (const f of files) {
    const dest = join(outDir, f.split("/").pop());
    if ((await stat(f)).isDirectory()) await rm(dest, { recursive: true, force: true });
    await moveFile(f, dest);
    placed.push(dest);
  }
  await handBack(created ? [created] : placed);
  return placed;
}
var FULL_BELOW = 64 * 1024 * 1024;
async function withDiskSpace(workDir, step, fn) {
  try {
    return await fn();
  } catch (err) {
    const fs = await statfs(workDir).catch(() => void 0);
    const free = fs ? fs.bavail * fs.bsize : Infinity;
    const said = err instanceof Error ? err.message : String(err);
    if (free < FULL_BELOW || /No space left on device|ENOSPC/.test(said)) {
      throw new Error(
        `The work folder ${workDir} ran out of disk space during ${step} (${formatBytes(free)} left). Free space there, or set work-dir to a folder on a larger disk. (${said.split("\n")[0]})`,
        { cause: err }
      );
    }
    throw err;
  }
}

export {
  handBack,
  defaultWorkDir,
  checkWorkDir,
  freshDir,
  publishLocal,
  withDiskSpace
};
