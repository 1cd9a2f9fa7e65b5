import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  exec
} from "./chunk-CUEJ34R6.js";

// src/diagnostics/cleanup.ts
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
async function mountsBelow(dir) {
  const root = resolve(dir);
  const text = await readFile("/proc/self/mountinfo", "utf8");
  const points = text.split("\n").filter(Boolean).map(
    (l) => l.split(" ")[4].replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)))
  ).filter((p) => p === root || p.startsWith(`${root}/`));
  return [...new Set(points)].sort((a, b) => b.split("/").length - a.split("/").length || b.localeCompare(a));
}
async function cleanupWorkDir(dir) {
  const unmounted = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const points = await mountsBelow(dir);
    if (points.length === 0) break;
    for (const p of points) {
      const lazy = attempt === 2 ? ["--lazy"] : [];
      const r = await exec("umount", [...lazy, p], { privileged: "unmounting", allowFailure: true }).catch(
        () => void 0
      );
      if (r?.exitCode === 0) unmounted.push(p);
    }
    if (attempt < 2) await new Promise((r) => setTimeout(r, 500));
  }
  const remaining = await mountsBelow(dir);
  const summary = `rpi-build cleanup: unmounted ${unmounted.length} mount point(s) below ${dir}` + (remaining.length ? `; still mounted: ${remaining.join(", ")}` : "; nothing remains mounted.");
  return { unmounted, remaining, summary };
}
async function removeBuildTrees(dir) {
  if ((await mountsBelow(dir)).length > 0) return [];
  const removed = [];
  for (const sub of ["rootfs", "boot", "stage", "boot-test", "hooks"]) {
    const p = resolve(dir, sub);
    const r = await exec("rm", ["-rf", "--one-file-system", p], {
      privileged: "removing build files",
      allowFailure: true
    }).catch(() => void 0);
    if (r?.exitCode === 0) removed.push(p);
  }
  return removed;
}

export {
  cleanupWorkDir,
  removeBuildTrees
};
