import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  exec
} from "./chunk-ICWOZ6BD.js";
import {
  logger
} from "./chunk-HN3MK2TO.js";

// src/host/packages.ts
import { existsSync } from "node:fs";
var updated = false;
async function packageInstalled(name) {
  const r = await exec("dpkg-query", ["-W", "-f=${Status}", name], { allowFailure: true }).catch(
    () => void 0
  );
  return !!r && r.exitCode === 0 && r.stdout.includes("install ok installed");
}
async function updatePackageLists() {
  if (updated) return;
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const r = await exec("apt-get", ["update", "-q"], {
    privileged: "apt-get update",
    env,
    timeoutMs: 6e5,
    allowFailure: true,
    onLine: (l) => logger().progress(`apt-get update: ${l}`)
  });
  if (r.exitCode !== 0) logger().warn(`apt-get update reported errors: ${r.stderr.trim().split("\n").pop()}`);
  updated = true;
}
async function showVersion(name) {
  const r = await exec("apt-cache", ["show", "--no-all-versions", name], { allowFailure: true }).catch(
    () => void 0
  );
  return r?.exitCode === 0 ? r.stdout.match(/^Version: (.+)$/m)?.[1] : void 0;
}
async function candidateVersion(name) {
  const found = await showVersion(name);
  if (found || updated || !existsSync("/usr/bin/apt-get")) return found;
  await updatePackageLists();
  return showVersion(name);
}
function aptProgress() {
  let total = 0;
  let got = 0;
  let unpacked = 0;
  let setUp = 0;
  return (line) => {
    const n = /^(\d+) upgraded, (\d+) newly installed/.exec(line);
    if (n) total = Number(n[1]) + Number(n[2]);
    const of = (i) => total ? `${i} of ${total}` : `${i}`;
    const get = /^Get:\d+ \S+ \S+ \S+ (\S+) /.exec(line);
    if (get) return `downloading ${get[1]} (${of(++got)})`;
    const unpack = /^Unpacking (\S+) /.exec(line);
    if (unpack) return `unpacking ${unpack[1]} (${of(++unpacked)})`;
    const setup = /^Setting up (\S+) /.exec(line);
    if (setup) return `setting up ${setup[1]} (${of(++setUp)})`;
    return void 0;
  };
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
    await updatePackageLists();
    const progress = aptProgress();
    await exec("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...missing], {
      privileged: "apt-get install",
      env: { DEBIAN_FRONTEND: "noninteractive" },
      timeoutMs: 12e5,
      onLine: (l) => {
        const p = progress(l);
        if (p) logger().progress(`host packages: ${p}`);
      }
    }).catch((err) => {
      const said = err instanceof Error ? err.message : String(err);
      const unknown = /Unable to locate package (\S+)/.exec(said)?.[1];
      throw new Error(
        unknown ? `This host's package lists have no ${unknown} (needed for ${why}). On Debian or Ubuntu, check /etc/apt/sources.list, run apt-get update, or install ${unknown} by hand.` : `Installing the host packages ${missing.join(", ")} (needed for ${why}) failed: ${said}`,
        { cause: err }
      );
    });
  });
}

export {
  packageInstalled,
  updatePackageLists,
  candidateVersion,
  installPackages
};
