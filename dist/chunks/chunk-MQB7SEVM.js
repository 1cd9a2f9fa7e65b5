import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  exec
} from "./chunk-ICWOZ6BD.js";

// src/host/tools.ts
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";
var TOOLS = [
  { name: "qemu-aarch64-static", package: "qemu-user-static", versionArgs: ["--version"] },
  { name: "qemu-arm-static", package: "qemu-user-static", versionArgs: ["--version"] },
  { name: "qemu-system-aarch64", package: "qemu-system-arm", versionArgs: ["--version"] },
  { name: "qemu-system-arm", package: "qemu-system-arm", versionArgs: ["--version"] },
  { name: "mmdebstrap", package: "mmdebstrap", versionArgs: ["--version"] },
  { name: "debootstrap", package: "debootstrap", versionArgs: ["--version"] },
  { name: "mkfs.vfat", package: "dosfstools", versionArgs: ["--help"] },
  { name: "mcopy", package: "mtools", versionArgs: ["--version"] },
  { name: "sfdisk", package: "fdisk", versionArgs: ["--version"] },
  { name: "mkfs.ext4", package: "e2fsprogs", versionArgs: ["-V"] },
  { name: "xz", package: "xz-utils", versionArgs: ["--version"] },
  { name: "zstd", package: "zstd", versionArgs: ["--version"] },
  { name: "bmaptool", package: "bmap-tools", versionArgs: ["--version"] },
  { name: "git", package: "git", versionArgs: ["--version"] }
];
var EXTRA_DIRS = ["/usr/local/sbin", "/usr/sbin", "/sbin"];
async function which(name, env = process.env) {
  const dirs = [...(env.PATH ?? "").split(delimiter), ...EXTRA_DIRS].filter(Boolean);
  for (const d of dirs) {
    const p = join(d, name);
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
    }
  }
  return void 0;
}
function firstVersionLine(text) {
  return text.split("\n").map((l) => l.trim()).find((l) => /\d+\.\d+/.test(l));
}
async function probeTools() {
  return Promise.all(
    TOOLS.map(async (t) => {
      const path = await which(t.name);
      if (!path) return { name: t.name, package: t.package };
      const out = await tryVersion(path, t.versionArgs);
      return { name: t.name, package: t.package, path, ...out ? { version: out } : {} };
    })
  );
}
async function tryVersion(path, args) {
  try {
    const r = await exec(path, args, { allowFailure: true, timeoutMs: 1e4 });
    return firstVersionLine(`${r.stdout}
${r.stderr}`);
  } catch {
    return void 0;
  }
}

export {
  which,
  probeTools
};
