import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  exec
} from "./chunk-U6F4K6BP.js";

// src/diagnostics/cleanup.ts
import { readFile, readdir, readlink } from "node:fs/promises";
import { resolve } from "node:path";
async function mountsBelow(dir) {
  const root = resolve(dir);
  const text = await readFile("/proc/self/mountinfo", "utf8");
  const points = text.split("\n").filter(Boolean).map(
    (l) => l.split(" ")[4].replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)))
  ).filter((p) => p.startsWith(`${root}/`));
  return [...new Set(points)].sort((a, b) => b.split("/").length - a.split("/").length || b.localeCompare(a));
}
async function processesBelow(dir) {
  const root = resolve(dir);
  const inside = (p) => !!p && (p === root || p.startsWith(`${root}/`));
  const pids = [];
  for (const entry of await readdir("/proc").catch(() => [])) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const links = await Promise.all(
      ["root", "exe"].map((l) => readlink(`/proc/${entry}/${l}`).catch(() => void 0))
    );
    if (links.some(inside)) pids.push(Number(entry));
  }
  return pids;
}
async function loopDevicesBelow(dir) {
  const root = resolve(dir);
  const r = await exec("losetup", ["--list", "--json", "--output", "NAME,BACK-FILE"], {
    allowFailure: true
  }).catch(() => void 0);
  if (!r || r.exitCode !== 0 || !r.stdout.trim()) return [];
  const list = JSON.parse(r.stdout).loopdevices ?? [];
  return list.filter((d) => d["back-file"]?.startsWith(`${root}/`)).map((d) => d.name);
}
async function cleanupWorkDir(dir) {
  const pids = await processesBelow(dir);
  for (const sig of ["SIGTERM", "SIGKILL"]) {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
      }
    }
    if (pids.length && sig === "SIGTERM") await new Promise((r) => setTimeout(r, 2e3));
  }
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
  const detached = [];
  for (const dev of await loopDevicesBelow(dir)) {
    const r = await exec("losetup", ["--detach", dev], {
      privileged: "detaching loop devices",
      allowFailure: true
    }).catch(() => void 0);
    if (r?.exitCode === 0) detached.push(dev);
  }
  const remaining = await mountsBelow(dir);
  const loops = await loopDevicesBelow(dir);
  const summary = `rpi-build cleanup: ended ${pids.length} process(es), unmounted ${unmounted.length} mount point(s), detached ${detached.length} loop device(s) below ${dir}` + (remaining.length || loops.length ? `; still there: ${[...remaining, ...loops].join(", ")}` : "; nothing remains mounted.");
  return { unmounted, remaining: [...remaining, ...loops], summary };
}
async function removeBuildTrees(dir) {
  if ((await mountsBelow(dir)).length > 0) return [];
  const removed = [];
  const trees = ["rootfs", "boot", "stage", "boot-test", "hooks", "source", "build", "ccache", "scratch"];
  for (const sub of [...trees, "pi-gen", "pi-gen-work", "pi-gen-deploy", "pi-gen-stages"]) {
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
  mountsBelow,
  loopDevicesBelow,
  cleanupWorkDir,
  removeBuildTrees
};
