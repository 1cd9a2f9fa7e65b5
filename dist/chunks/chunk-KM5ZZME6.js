import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  InputError,
  exec
} from "./chunk-ICWOZ6BD.js";
import {
  formatBytes,
  logger
} from "./chunk-HN3MK2TO.js";

// src/host/free-disk.ts
import { existsSync } from "node:fs";
import { statfs } from "node:fs/promises";
function onHostedRunner(env = process.env) {
  return env.RUNNER_ENVIRONMENT === "github-hosted" && !!env.ImageOS;
}
function checkFreeDiskSpace(config, env = process.env) {
  if (!config.freeDiskSpace || onHostedRunner(env)) return;
  throw new InputError(
    "free-disk-space",
    `refusing to delete preinstalled toolsets here: this is not a GitHub-hosted runner (RUNNER_ENVIRONMENT=${env.RUNNER_ENVIRONMENT ?? "unset"}, ImageOS ${env.ImageOS ? "set" : "unset"})`,
    "Drop free-disk-space (it deletes /usr/share/dotnet, /opt/ghc and the like, which only a throwaway hosted runner can spare), or free space yourself."
  );
}
var HOSTED_TOOLSETS = [
  "/usr/share/dotnet",
  "/usr/local/lib/android",
  "/opt/ghc",
  "/usr/local/.ghcup",
  "/opt/hostedtoolcache/CodeQL",
  "/usr/local/share/boost",
  "/usr/share/swift",
  "/usr/local/share/powershell",
  "/usr/local/share/chromium",
  "/usr/local/julia*"
];
async function freeBytes(dir) {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}
async function freeDiskSpace(config, measureAt = "/") {
  checkFreeDiskSpace(config);
  const before = await freeBytes(measureAt);
  for (const p of HOSTED_TOOLSETS) {
    const paths = p.endsWith("*") ? [p] : existsSync(p) ? [p] : [];
    for (const q of paths) {
      if (q.endsWith("*")) {
        const parent = q.slice(0, q.lastIndexOf("/"));
        const name = q.slice(q.lastIndexOf("/") + 1);
        await exec("find", [parent, "-maxdepth", "1", "-name", name, "-exec", "rm", "-rf", "{}", "+"], {
          privileged: "freeing disk space",
          allowFailure: true
        });
      } else await exec("rm", ["-rf", q], { privileged: "freeing disk space", allowFailure: true });
    }
  }
  const gained = Math.max(0, await freeBytes(measureAt) - before);
  logger().info(
    `free-disk-space: removed preinstalled toolsets, gained ${formatBytes(gained)} (${formatBytes(before + gained)} free)`
  );
  return gained;
}

export {
  onHostedRunner,
  checkFreeDiskSpace,
  HOSTED_TOOLSETS,
  freeDiskSpace
};
