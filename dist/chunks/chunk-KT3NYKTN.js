import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  cleanupWorkDir,
  moveFile
} from "./chunk-75FXVDSY.js";
import {
  exec,
  invokingUser
} from "./chunk-LSROX5FX.js";
import {
  logger
} from "./chunk-JEISQDF3.js";

// src/builders/workspace.ts
import { chown, mkdir, readdir, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
function defaultWorkDir(env = process.env) {
  return env.RUNNER_TEMP ? join(env.RUNNER_TEMP, "rpi-build") : resolve(".work");
}
async function freshDir(workDir) {
  await mkdir(workDir, { recursive: true });
  const report = await cleanupWorkDir(workDir);
  if (report.unmounted.length) logger().info(`cleaned up after an earlier build: ${report.summary}`);
  if (report.remaining.length)
    throw new Error(`cannot start clean: still mounted under ${workDir}: ${report.remaining.join(", ")}`);
  for (const entry of await readdir(workDir)) {
    await exec("rm", ["-rf", "--one-file-system", join(workDir, entry)], {
      privileged: "removing an earlier build"
    });
  }
}
async function publishLocal(files, outDir) {
  await mkdir(outDir, { recursive: true });
  const owner = invokingUser();
  const placed = [];
  for (const f of files) {
    const dest = join(outDir, f.split("/").pop());
    if ((await stat(f)).isDirectory()) await rm(dest, { recursive: true, force: true });
    await moveFile(f, dest);
    if (owner) await chown(dest, owner.uid, owner.gid).catch(() => void 0);
    placed.push(dest);
  }
  return placed;
}

export {
  defaultWorkDir,
  freshDir,
  publishLocal
};
