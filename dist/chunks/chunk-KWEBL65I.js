import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  isMarked,
  mountsBelow
} from "./chunk-M7MSI67S.js";
import {
  exec
} from "./chunk-ICWOZ6BD.js";

// src/diagnostics/cleanup.ts
import { resolve } from "node:path";
async function removeBuildTrees(dir) {
  if (!await isMarked(dir) || (await mountsBelow(dir)).length > 0) return [];
  const removed = [];
  const trees = [
    "rootfs",
    "boot",
    "base",
    "stage",
    "boot-test",
    "hooks",
    "source",
    "source.unpack",
    "build",
    "ccache",
    "scratch"
  ];
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
  removeBuildTrees
};
