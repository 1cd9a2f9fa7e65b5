import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  exec
} from "./chunk-U6F4K6BP.js";
import {
  logger
} from "./chunk-JEISQDF3.js";

// src/host/packages.ts
import { existsSync } from "node:fs";
var updated = false;
async function packageInstalled(name) {
  const r = await exec("dpkg-query", ["-W", "-f=${Status}", name], { allowFailure: true }).catch(
    () => void 0
  );
  return !!r && r.exitCode === 0 && r.stdout.includes("install ok installed");
}
async function installPackages(names, why) {
  const missing = [];
  for (const n of names) if (!await packageInstalled(n)) missing.push(n);
  if (missing.length === 0) return;
  if (!existsSync("/usr/bin/apt-get")) {
    throw new Error(
      `This host has no apt-get; install ${missing.join(", ")} (needed for ${why}) with its package manager.`
    );
  }
  await logger().group(`Installing host packages: ${missing.join(" ")}`, async () => {
    const env = { DEBIAN_FRONTEND: "noninteractive" };
    if (!updated) {
      await exec("apt-get", ["update", "-q"], { privileged: "apt-get update", env, timeoutMs: 6e5 });
      updated = true;
    }
    await exec("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...missing], {
      privileged: "apt-get install",
      env,
      timeoutMs: 12e5,
      onLine: (l) => logger().progress(l)
    });
  });
}

export {
  packageInstalled,
  installPackages
};
