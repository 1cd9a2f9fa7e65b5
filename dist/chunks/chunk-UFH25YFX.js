import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  bootTest
} from "./chunk-YVHROQ2F.js";
import {
  DEFAULTS,
  checkCustomizeScript,
  checkOverlay,
  readElf
} from "./chunk-W2UUL3HA.js";
import {
  keepFailedConsole
} from "./chunk-HFU5RSJT.js";
import {
  machineLabel
} from "./chunk-FCYPM6WI.js";
import {
  authConf,
  compressImage,
  mmdebstrapMirrors
} from "./chunk-YAZW4X2F.js";
import {
  withDiskSpace
} from "./chunk-ELLYM5IP.js";
import {
  refuseMountsBelow,
  unmount
} from "./chunk-KXSW6LPC.js";
import {
  installPackages
} from "./chunk-FX24ZEC6.js";
import {
  exists,
  withoutCredentials
} from "./chunk-G4YZ52AF.js";
import {
  which
} from "./chunk-X2M4GMIQ.js";
import {
  ExecError,
  InputError,
  errorMessage,
  exec,
  tryOutput
} from "./chunk-5XQTGPXW.js";
import {
  logger
} from "./chunk-HN3MK2TO.js";

// src/image/layout.ts
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
var MiB = 1024 * 1024;
var FIRST_PARTITION_OFFSET = 4 * MiB;
var BLOCK = 4096;
var INODE_SIZE = 256;
async function treeUsage(root) {
  let blockBytes = 0;
  let inodes = 0;
  const seen = /* @__PURE__ */ new Set();
  const walk = async (dir) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      const st = await lstat(p);
      inodes++;
      if (st.nlink > 1 && !st.isDirectory()) {
        const id = `${st.dev}:${st.ino}`;
        if (seen.has(id)) continue;
        seen.add(id);
      }
      blockBytes += Math.ceil(st.size / BLOCK) * BLOCK;
      if (st.isDirectory()) await walk(p);
    }
  };
  await walk(root);
  return { blockBytes, inodes };
}
var roundUp = (n, to) => Math.ceil(n / to) * to;
function rootSizeBytes(u, marginMiB) {
  const inodeTable = Math.max(u.inodes * 1.3, u.blockBytes / 16384) * INODE_SIZE;
  const journal = 64 * MiB;
  const metadata = u.blockBytes * 0.04;
  const content = u.blockBytes + inodeTable + journal + metadata;
  return roundUp(content / 0.95 + marginMiB * MiB, 4 * MiB);
}
function computeLayout(bootSizeMiB, rootSize) {
  const bootOffset = FIRST_PARTITION_OFFSET;
  const bootSize = bootSizeMiB * MiB;
  const rootOffset = bootOffset + bootSize;
  return { bootOffset, bootSize, rootOffset, rootSize, imageSize: rootOffset + rootSize };
}
function sfdiskScript(l, diskId) {
  const s = (b) => b / 512;
  return [
    "label: dos",
    `label-id: 0x${diskId}`,
    "unit: sectors",
    "",
    `start=${s(l.bootOffset)}, size=${s(l.bootSize)}, type=c, bootable`,
    `start=${s(l.rootOffset)}, size=${s(l.rootSize)}, type=83`,
    ""
  ].join("\n");
}

// src/image/assemble.ts
import { randomBytes, randomUUID } from "node:crypto";
import { open } from "node:fs/promises";

// src/image/filesystems.ts
import { readdir as readdir2 } from "node:fs/promises";
import { join as join2 } from "node:path";
function fatSectorsPerCluster(sizeBytes) {
  let spc = 1;
  while (spc < 64 && sizeBytes / 512 / (spc * 2) >= 72e3) spc *= 2;
  return spc;
}
async function writeFat(image, offset, sizeBytes, label, contentDir, opts = {}) {
  await refuseMountsBelow(contentDir, "write a FAT file system from");
  const log = opts.logFile ? { logFile: opts.logFile } : {};
  await exec(
    "mkfs.vfat",
    [
      "-F",
      "32",
      "-s",
      String(fatSectorsPerCluster(sizeBytes)),
      "-n",
      label,
      ...opts.volumeId ? ["-i", opts.volumeId] : [],
      "--offset",
      String(offset / 512),
      image,
      String(Math.floor(sizeBytes / 1024))
    ],
    log
  );
  const entries = (await readdir2(contentDir)).sort();
  if (entries.length === 0) return;
  await exec(
    "mcopy",
    ["-s", "-p", "-m", "-i", `${image}@@${offset}`, ...entries.map((e) => join2(contentDir, e)), "::"],
    {
      env: { MTOOLS_SKIP_CHECK: "1" },
      ...log
    }
  );
}
async function writeExt4(image, offset, sizeBytes, label, contentDir, uuid, opts = {}) {
  await refuseMountsBelow(contentDir, "write an ext4 file system from");
  const env = {};
  if (opts.sourceDateEpoch !== void 0) env.E2FSPROGS_FAKE_TIME = String(opts.sourceDateEpoch);
  await exec(
    "mkfs.ext4",
    [
      "-q",
      "-F",
      "-b",
      "4096",
      "-L",
      label,
      "-U",
      uuid,
      "-E",
      `offset=${offset},hash_seed=${uuid}`,
      "-d",
      contentDir,
      image,
      `${Math.floor(sizeBytes / 1024)}k`
    ],
    {
      env,
      privileged: "mkfs.ext4 -d (reading a root-owned tree)",
      ...opts.logFile ? { logFile: opts.logFile } : {}
    }
  );
}

// src/image/assemble.ts
var BOOT_LABEL = "RASPIFIRM";
var ROOT_LABEL = "RASPIROOT";
async function assembleImage(input) {
  await refuseMountsBelow(input.rootDir, "assemble an image from");
  await refuseMountsBelow(input.bootDir, "assemble an image from");
  const usage = await treeUsage(input.rootDir);
  const needed = rootSizeBytes(usage, input.rootMarginMiB);
  const layout = computeLayout(
    input.bootSizeMiB,
    Math.max(needed, roundUp(input.minRootBytes ?? 0, 4 * MiB))
  );
  const id = input.identity;
  const diskId = id?.diskId ?? randomBytes(4).toString("hex");
  const rootUuid = id?.rootUuid ?? randomUUID();
  const log = input.logFile ? { logFile: input.logFile } : {};
  const fh = await open(input.image, "w");
  await fh.truncate(layout.imageSize);
  await fh.close();
  await exec("sfdisk", ["--quiet", "--no-reread", "--no-tell-kernel", input.image], {
    input: sfdiskScript(layout, diskId),
    ...log
  });
  const fsOpts = {
    ...log,
    ...input.sourceDateEpoch !== void 0 ? { sourceDateEpoch: input.sourceDateEpoch } : {}
  };
  await writeFat(
    input.image,
    layout.bootOffset,
    layout.bootSize,
    id?.bootLabel ?? BOOT_LABEL,
    input.bootDir,
    {
      ...fsOpts,
      ...id?.bootVolumeId ? { volumeId: id.bootVolumeId.replace("-", "") } : {}
    }
  );
  await writeExt4(
    input.image,
    layout.rootOffset,
    layout.rootSize,
    id?.rootLabel ?? ROOT_LABEL,
    input.rootDir,
    rootUuid,
    fsOpts
  );
  return { layout, diskId, rootUuid };
}

// src/image/bmap.ts
async function writeBmap(image, bmapPath, logFile) {
  if (!await which("bmaptool")) await installPackages(["bmap-tools"], "the .bmap file");
  await exec("bmaptool", ["create", "--output", bmapPath, image], logFile ? { logFile } : {});
}

// src/image/manifest.ts
import { readFile, writeFile } from "node:fs/promises";
import { join as join3 } from "node:path";
function parseDpkgStatus(text) {
  const out = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name2) => new RegExp(`^${name2}: (.*)$`, "m").exec(stanza)?.[1]?.trim();
    const status = field("Status");
    const name = field("Package");
    if (!name || !status?.endsWith(" installed")) continue;
    out.push({ name, version: field("Version") ?? "", arch: field("Architecture") ?? "" });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.arch.localeCompare(b.arch));
}
async function readManifest(rootDir) {
  return parseDpkgStatus(await readFile(join3(rootDir, "var", "lib", "dpkg", "status"), "utf8"));
}
async function writeManifest(path2, pkgs) {
  await writeFile(path2, pkgs.map((p) => `${p.name}	${p.version}	${p.arch}
`).join(""));
}

// src/rootfs/write.ts
import { lstat as lstat2, mkdir, readlink, rm, writeFile as writeFile2 } from "node:fs/promises";
import { basename, dirname, join as join4 } from "node:path";
async function inRoot(root, path2) {
  const todo = path2.split("/").filter((p) => p !== "" && p !== ".");
  let at = [];
  for (let links = 0; todo.length > 0; ) {
    const part = todo.shift();
    if (part === "..") {
      at.pop();
      continue;
    }
    const host = join4(root, ...at, part);
    const st = await lstat2(host).catch(() => void 0);
    if (!st?.isSymbolicLink()) {
      at.push(part);
      continue;
    }
    if (++links > 40) throw new Error(`too many symbolic links resolving /${path2} in ${root}`);
    const target = await readlink(host);
    if (target.startsWith("/")) at = [];
    todo.unshift(...target.split("/").filter((p) => p !== "" && p !== "."));
  }
  return join4(root, ...at);
}
async function writeRootFile(root, path2, text, mode = 420) {
  const p = join4(await inRoot(root, dirname(path2)), basename(path2));
  await mkdir(dirname(p), { recursive: true });
  await rm(p, { force: true });
  await writeFile2(p, text, { mode });
}

// src/rootfs/scrub.ts
import { chmod, mkdir as mkdir2, readdir as readdir3, rm as rm2, writeFile as writeFile3 } from "node:fs/promises";
import { join as join5 } from "node:path";
async function scrub(root) {
  for (const f of await readdir3(join5(root, "etc", "ssh")).catch(() => [])) {
    if (/^ssh_host_.*_key(\.pub)?$/.test(f)) await rm2(join5(root, "etc", "ssh", f), { force: true });
  }
  await writeFile3(join5(root, "etc", "machine-id"), "");
  await rm2(join5(root, "var", "lib", "dbus", "machine-id"), { force: true });
  for (const d of ["var/cache/apt/archives", "var/lib/apt/lists"]) {
    for (const f of await readdir3(join5(root, d)).catch(() => [])) {
      if (f !== "partial" && f !== "lock") await rm2(join5(root, d, f), { recursive: true, force: true });
    }
  }
  await rm2(join5(root, "tmp"), { recursive: true, force: true });
  await mkdir2(join5(root, "tmp"), { mode: 1023 });
  await chmod(join5(root, "tmp"), 1023);
}

// src/builders/boot-and-compress.ts
import { rm as rm3 } from "node:fs/promises";
import { join as join6 } from "node:path";
async function bootAndCompress({ config, workDir, phases, facts }, image, opts) {
  const arch = config.arch[0];
  const booting = config.bootTest ? phases.run("boot-test", `Boot test on ${machineLabel(arch, config.bootMachine)}`, async () => {
    const r = await bootTest({
      image,
      arch,
      machine: config.bootMachine,
      workDir,
      consoleLog: opts.bootLog,
      timeoutSeconds: config.bootTimeout,
      guest: {
        scripts: config.testScript,
        timeoutSeconds: config.testTimeout,
        username: config.username,
        ...opts.account !== void 0 ? { account: opts.account } : {}
      }
    });
    Object.assign(facts, r.facts);
    if (!r.passed) {
      const kept = await keepFailedConsole(opts.bootLog, join6(workDir, "logs"));
      throw new Error(
        `Boot test failed after ${r.seconds.toFixed(0)} s: ${r.detail}. Console log: ${kept}`
      );
    }
    logger().info(
      `Boot test passed in ${r.seconds.toFixed(0)} s: "${r.detail}"${r.firstboot ? `; ${r.firstboot}` : ""}`
    );
    return r;
  }) : Promise.resolve(void 0);
  const compressing = phases.run(
    "compress",
    `Compress (${config.compression})`,
    () => withDiskSpace(
      workDir,
      "compression",
      () => compressImage(image, config.compression, { level: config.compressionLevel, logFile: opts.compressLog })
    )
  );
  const [boot, compressed] = await Promise.all([booting, compressing]);
  if (compressed !== image) await rm3(image);
  return {
    compressed,
    ...boot ? { bootLog: opts.bootLog } : {},
    bootTest: boot ? `passed in ${boot.seconds.toFixed(0)} s` : "skipped"
  };
}

// src/rootfs/chroot.ts
import { copyFile, mkdir as mkdir3, rm as rm4, writeFile as writeFile4 } from "node:fs/promises";
import { join as join7 } from "node:path";
var CHROOT_ENV = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  LC_ALL: "C.UTF-8",
  LANG: "C.UTF-8",
  DEBIAN_FRONTEND: "noninteractive",
  HOME: "/root"
};
async function withChrootMounts(root, fn, logFile) {
  const mounted = [];
  const log = logFile ? { logFile } : {};
  const mount = async (args, target) => {
    await mkdir3(target, { recursive: true });
    await exec("mount", [...args, target], { privileged: "mounting into the root filesystem", ...log });
    mounted.push(target);
  };
  const policy = join7(root, "usr", "sbin", "policy-rc.d");
  const resolv = join7(root, "etc", "resolv.conf");
  let failure;
  let result;
  try {
    await mount(["-t", "proc", "proc"], join7(root, "proc"));
    await mount(["-t", "sysfs", "sysfs"], join7(root, "sys"));
    await mount(["--bind", "/dev"], join7(root, "dev"));
    await mount(["--bind", "/dev/pts"], join7(root, "dev", "pts"));
    await writeFile4(policy, "#!/bin/sh\nexit 101\n", { mode: 493 });
    await rm4(resolv, { force: true });
    await copyFile("/etc/resolv.conf", resolv).catch(() => void 0);
    result = await fn();
  } catch (err) {
    failure = { err };
  }
  await rm4(policy, { force: true });
  await rm4(resolv, { force: true });
  const stuck = [];
  for (const m of mounted.reverse()) {
    await unmount(m, log).catch((err) => stuck.push(errorMessage(err)));
  }
  if (stuck.length) {
    const after = failure ? ` (after the chroot step failed: ${errorMessage(failure.err)})` : "";
    throw new Error(`${stuck.join("; ")}${after}`, failure ? { cause: failure.err } : {});
  }
  if (failure) throw failure.err;
  return result;
}
function inChroot(root, argv, opts = {}) {
  return exec("chroot", [root, ...argv], {
    ...opts,
    cleanEnv: true,
    env: { ...CHROOT_ENV, ...opts.env },
    privileged: "chroot"
  });
}
async function inChrootShown(root, argv, group, what, logFile) {
  const tail = [];
  await logger().group(group, async () => {
    const r = await inChroot(root, argv, {
      logFile,
      allowFailure: true,
      onLine: (line) => {
        logger().info(line);
        tail.push(line);
        if (tail.length > 40) tail.shift();
      }
    });
    if (r.exitCode !== 0) throw new ExecError(what, r.exitCode, r.signal, tail.join("\n"), logFile);
  });
}

// src/rootfs/locale.ts
import { rm as rm8, stat as stat3, symlink as symlink2 } from "node:fs/promises";
import { join as join13 } from "node:path";

// src/rootfs/locale-gen.ts
import { readFile as readFile4 } from "node:fs/promises";
import { join as join12 } from "node:path";

// src/rootfs/mmdebstrap.ts
import { access, chmod as chmod4, rm as rm7, writeFile as writeFile7 } from "node:fs/promises";
import { join as join11 } from "node:path";

// src/rootfs/dpkg-watch.ts
import { open as open2, stat } from "node:fs/promises";
import { join as join8 } from "node:path";
var ACTIONS = {
  install: "unpack",
  upgrade: "unpack",
  configure: "configure",
  trigproc: "trigger"
};
function parseDpkgLine(line) {
  const m = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (\S+) (\S+)(?: (\S+))?/.exec(line);
  if (!m) return {};
  const bare = (p) => p.replace(/:[a-z0-9]+$/, "");
  if (m[1] === "startup") return { startup: true };
  if (m[1] === "status") return m[2] === "installed" && m[3] ? { installed: bare(m[3]) } : {};
  const kind = ACTIONS[m[1]];
  if (!kind) return {};
  return { ...m[1] === "install" ? { install: true } : {}, kind, pkg: bare(m[2]) };
}
function stageName(line) {
  const m = /^I: (running apt-get update|downloading packages|extracting archives|installing essential packages|installing remaining packages|running --customize-hook|cleaning package lists)/.exec(
    line
  );
  if (!m) return void 0;
  return {
    "running apt-get update": "update",
    "downloading packages": "download",
    "extracting archives": "extract",
    "installing essential packages": "essential",
    "installing remaining packages": "remaining",
    "running --customize-hook": "hooks",
    "cleaning package lists": "cleanup"
  }[m[1]];
}
var DpkgWatch = class {
  constructor(root, onProgress, pollMs = 250, now = Date.now) {
    this.root = root;
    this.onProgress = onProgress;
    this.pollMs = pollMs;
    this.now = now;
  }
  root;
  onProgress;
  pollMs;
  now;
  offset = 0;
  rest = "";
  timer;
  current;
  steps = [];
  stages = [];
  installs = 0;
  configured = 0;
  reading = Promise.resolve();
  start() {
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }
  /** A line mmdebstrap printed: its stages are timed too. */
  line(text) {
    const name = stageName(text);
    if (name) {
      this.stages.push({ name, at: this.now() });
      this.onProgress(name);
    }
  }
  poll() {
    this.reading = this.reading.then(() => this.read()).catch(() => void 0);
    return this.reading;
  }
  async read() {
    const file = join8(this.root, "var", "log", "dpkg.log");
    const st = await stat(file).catch(() => void 0);
    if (!st || st.size <= this.offset) return;
    const fh = await open2(file, "r");
    try {
      const buf = Buffer.alloc(st.size - this.offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      this.offset += bytesRead;
      this.feed(buf.subarray(0, bytesRead).toString("utf8"));
    } finally {
      await fh.close();
    }
  }
  /** Text appended to dpkg.log (exposed for tests). */
  feed(text) {
    const lines = (this.rest + text).split("\n");
    this.rest = lines.pop();
    const at = this.now();
    for (const l of lines) {
      const e = parseDpkgLine(l);
      if (e.install) this.installs++;
      if (e.startup || e.installed && e.installed === this.current?.pkg) this.close(at);
      if (!e.kind || !e.pkg) continue;
      this.close(at);
      this.current = { kind: e.kind, pkg: e.pkg, at, stage: this.stages.at(-1)?.name };
      if (e.kind === "configure") this.configured++;
      const count = e.kind === "configure" && this.installs ? ` (${this.configured} of ${this.installs})` : "";
      const verb = { unpack: "unpacking", configure: "configuring", trigger: "triggers of" }[e.kind];
      this.onProgress(`${verb} ${e.pkg}${count}`);
    }
  }
  close(at) {
    if (this.current)
      this.steps.push({
        kind: this.current.kind,
        pkg: this.current.pkg,
        seconds: (at - this.current.at) / 1e3,
        ...this.current.stage ? { stage: this.current.stage } : {}
      });
    this.current = void 0;
  }
  stopped;
  /** Stops following; reads what is left and returns the profile (the same one when called again). */
  stop() {
    this.stopped ??= this.finish();
    return this.stopped;
  }
  async finish() {
    if (this.timer) clearInterval(this.timer);
    await this.poll();
    const end = this.now();
    this.close(end);
    const stages = this.stages.map((s, i) => ({
      name: s.name,
      seconds: ((this.stages[i + 1]?.at ?? end) - s.at) / 1e3
    }));
    return { stages, steps: this.steps };
  }
};
function sumSteps(profile, key) {
  const sum = /* @__PURE__ */ new Map();
  for (const s of profile.steps) {
    const k = key(s);
    const had = sum.get(k) ?? { step: s, seconds: 0, count: 0 };
    had.seconds += s.seconds;
    had.count++;
    sum.set(k, had);
  }
  return [...sum.values()];
}
function slowestSteps(profile, n = 10) {
  return sumSteps(profile, (s) => `${s.kind} ${s.pkg}`).map(({ step, seconds }) => ({ ...step, seconds })).sort((a, b) => b.seconds - a.seconds).slice(0, n);
}
function stepTotals(profile) {
  return sumSteps(profile, (s) => `${s.stage ?? "unknown"} ${s.kind}`).map(({ step, seconds, count }) => ({
    stage: step.stage ?? "unknown",
    kind: step.kind,
    seconds,
    count
  }));
}
function profileText(profile, n = 10) {
  const stages = profile.stages.map((s) => `${s.name} ${s.seconds.toFixed(0)} s`).join(", ");
  const slow = slowestSteps(profile, n).map((s) => `${s.pkg} (${s.kind}) ${s.seconds.toFixed(1)} s`).join(", ");
  const totals = stepTotals(profile).map((t) => `${t.stage} ${t.kind} ${t.seconds.toFixed(0)} s (${t.count})`).join(", ");
  return `root filesystem stages: ${stages || "none seen"}; dpkg: ${totals || "none seen"}; slowest steps: ${slow || "none seen"}`;
}

// src/rootfs/native-tools.ts
import {
  chmod as chmod2,
  copyFile as copyFile2,
  lstat as lstat3,
  mkdir as mkdir4,
  readFile as readFile2,
  readdir as readdir4,
  readlink as readlink2,
  realpath,
  rename,
  rm as rm5,
  rmdir,
  stat as stat2,
  symlink,
  writeFile as writeFile5
} from "node:fs/promises";
import { existsSync } from "node:fs";
import { isAbsolute, join as join9, posix } from "node:path";
var NATIVE_PACKAGES = [
  "dash",
  "bash",
  "coreutils",
  "sed",
  "grep",
  "findutils",
  "diffutils",
  "debianutils",
  "mawk",
  "dpkg"
];
var ONLY = { dpkg: /* @__PURE__ */ new Set(["dpkg-deb", "dpkg-split"]) };
var KEEP_EMULATED = /* @__PURE__ */ new Set(["uname", "arch", "stdbuf"]);
var PROGRAM_DIRS = ["/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/"];
var ready = (stage) => `native-tools-${stage}.ready`;
var done = (stage) => `native-tools-${stage}.done`;
var DIVERSIONS = "var/lib/dpkg/diversions";
var ASIDE = ".rpi-build-native";
async function pathInRoot(root, path2) {
  const parts = path2.split("/").filter(Boolean);
  const done2 = [];
  let hops = 0;
  while (parts.length > 0) {
    const part = parts.shift();
    if (part === ".") continue;
    if (part === "..") {
      done2.pop();
      continue;
    }
    const here = join9(root, ...done2, part);
    const st = parts.length > 0 ? await lstatOrNone(here) : void 0;
    if (st?.isSymbolicLink()) {
      if (++hops > 40) throw new Error(`too many symlinks resolving ${path2} in ${root}`);
      const target = await readlink2(here);
      if (isAbsolute(target)) done2.length = 0;
      parts.unshift(...target.split("/").filter(Boolean));
      continue;
    }
    done2.push(part);
  }
  return join9(root, ...done2);
}
async function packagePrograms(root, pkg, arch) {
  const info = join9(root, "var/lib/dpkg/info");
  const text = await readFile2(join9(info, `${pkg}.list`), "utf8").catch(() => void 0) ?? await readFile2(join9(info, `${pkg}:${arch}.list`), "utf8").catch(() => "");
  return text.split("\n").filter((p) => isProgram(pkg, p));
}
var EXAMINE_PROGRAMS = ["usrmerge"];
var CLAIM_LINKS = ["usr-is-merged", "usrmerge"];
async function downloadedAny(root, pkgs, arch) {
  for (const pkg of pkgs) if (await downloadedDeb(root, pkg, arch)) return true;
  return false;
}
async function downloadedDeb(root, pkg, arch) {
  const dir = join9(root, "var/cache/apt/archives");
  const debs = (await readdir4(dir).catch(() => [])).filter(
    (n) => n.startsWith(`${pkg}_`) && (n.endsWith(`_${arch}.deb`) || n.endsWith("_all.deb"))
  );
  return debs.length === 1 ? join9(dir, debs[0]) : void 0;
}
async function debPrograms(root, pkg, arch) {
  const deb = await downloadedDeb(root, pkg, arch);
  if (!deb) return [];
  const listing = await tryOutput("dpkg-deb", ["--contents", deb]);
  const paths = [];
  for (const line of (listing ?? "").split("\n")) {
    const m = /^-\S*\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(\/\S+)$/.exec(line);
    if (m) paths.push(m[1]);
  }
  return paths.filter((p) => isProgram(pkg, p));
}
function isProgram(pkg, path2) {
  if (!PROGRAM_DIRS.some((d) => path2.startsWith(d))) return false;
  const name = posix.basename(path2);
  return !KEEP_EMULATED.has(name) && (ONLY[pkg]?.has(name) ?? true);
}
async function hostLibraries(program) {
  const out = await tryOutput("ldd", [program]);
  if (out === void 0) return void 0;
  const libs = [];
  for (const line of out.split("\n")) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (m) libs.push(m[1]);
  }
  return libs;
}
var lstatOrNone = (path2) => lstat3(path2).catch(() => void 0);
async function stamp(path2) {
  const st = await lstatOrNone(path2);
  return st && `${st.ino} ${st.ctimeMs} ${st.size}`;
}
async function elfMachine(path2) {
  return (await readElf(path2))?.machine;
}
var NativeTools = class _NativeTools {
  constructor(root, hooksDir, arch, purpose = "while packages are configured") {
    this.root = root;
    this.hooksDir = hooksDir;
    this.arch = arch;
    this.purpose = purpose;
  }
  root;
  hooksDir;
  arch;
  purpose;
  placed = [];
  created = [];
  timer;
  pending;
  /** How many programs run natively (0 when the hook never asked or nothing fit). */
  count = 0;
  /**
   * The hook (extract and essential alike) that asks for the programs and waits for the answer;
   * its stage is its file's name, `<stage>-native-tools.sh`.
   */
  static HOOK = `#!/bin/sh
# rpi-build extract and essential hook: rpi-build puts the host's shell and text tools into the
# root for the packages dpkg configures next (rootfs/native-tools.ts); this waits for its answer.
set -e
dir=$(dirname "$0")
stage=$(basename "$0" -native-tools.sh)
: > "$dir/native-tools-$stage.ready"
n=0
until [ -e "$dir/native-tools-$stage.done" ]; do
  n=$((n + 1))
  if [ "$n" -gt 1200 ]; then echo 'rpi-build did not answer the native-tools hook in 120 s' >&2; exit 1; fi
  sleep 0.1
done
# A non-empty answer is rpi-build's reason to stop the build.
if [ -s "$dir/native-tools-$stage.done" ]; then cat "$dir/native-tools-$stage.done" >&2; exit 1; fi
`;
  /** Writes the two hooks (returned) and answers their requests while mmdebstrap runs. */
  async start() {
    const stages = ["extract", "essential"];
    const hooks = {};
    for (const stage of stages) {
      hooks[stage] = join9(this.hooksDir, `${stage}-native-tools.sh`);
      for (const f of [ready(stage), done(stage)]) await rm5(join9(this.hooksDir, f), { force: true });
      await writeFile5(hooks[stage], _NativeTools.HOOK);
      await chmod2(hooks[stage], 493);
    }
    const waiting = new Set(stages);
    this.timer = setInterval(() => {
      if (this.pending) return;
      const stage = [...waiting].find((st) => existsSync(join9(this.hooksDir, ready(st))));
      if (!stage) return;
      waiting.delete(stage);
      if (waiting.size === 0) clearInterval(this.timer);
      this.pending = this.answer(stage).finally(() => this.pending = void 0);
    }, 100);
    return hooks;
  }
  /**
   * Also run at each hook, once the host's programs are in (the root's own release of some
   * tools); at the extract hook only when they went in (not with usrmerge's examining postinst).
   */
  alongside = [];
  alsoPutIn(fn) {
    this.alongside.push(fn);
  }
  async answer(stage) {
    let failed = "";
    try {
      if (stage === "extract") {
        await this.tryPutIn("extract");
        if (this.count) for (const fn of this.alongside) await fn(stage);
      } else {
        await this.undivert();
        await this.tryPutIn();
        for (const fn of this.alongside) await fn(stage);
      }
    } catch (err) {
      failed = `rpi-build's native tools failed at mmdebstrap's ${stage} hook: ${errorMessage(err)}
`;
    }
    await writeFile5(join9(this.hooksDir, done(stage)), failed);
  }
  /** putIn, or everything under emulation (with a warning) when the host's programs do not fit. */
  async tryPutIn(stage = "essential") {
    try {
      await this.putIn(stage);
    } catch (err) {
      logger().warn(
        `The host's programs could not stand in for the root's (${errorMessage(err)}); the packages are configured under emulation.`
      );
      await this.undo().catch(() => void 0);
    }
  }
  /**
   * Puts the programs in, proves the shell runs, and counts them. At the extract hook, from the
   * packages' .deb files, each program diverted for dpkg (see Placed); at the essential hook, from
   * dpkg's lists, those not in yet.
   */
  async putIn(stage = "essential") {
    const hostMachine = await elfMachine(process.execPath);
    const rootMachine = await elfMachine(await pathInRoot(this.root, "/bin/true"));
    if (!hostMachine || !rootMachine || hostMachine === rootMachine) return;
    if (stage === "extract") {
      for (const pkg of EXAMINE_PROGRAMS)
        if (await downloadedDeb(this.root, pkg, this.arch)) {
          logger().info(
            `The essential packages include ${pkg}, whose maintainer script examines the root's programs: they are installed under emulation`
          );
          return;
        }
    }
    const already = new Set(this.placed.map((p) => p.path));
    const programs = /* @__PURE__ */ new Map();
    for (const pkg of NATIVE_PACKAGES) {
      const listed = stage === "extract" ? await debPrograms(this.root, pkg, this.arch) : await packagePrograms(this.root, pkg, this.arch);
      for (const p of listed) {
        const inRoot2 = await pathInRoot(this.root, p);
        if (programs.has(inRoot2) || already.has(inRoot2)) continue;
        const st = await lstatOrNone(inRoot2);
        if (!st?.isFile() || await elfMachine(inRoot2) !== rootMachine) continue;
        const host = await realpath(p).catch(() => void 0);
        if (!host || !(await stat2(host)).isFile() || await elfMachine(host) !== hostMachine) continue;
        const libs = await hostLibraries(host);
        if (libs) programs.set(inRoot2, { host, libs, known: p });
      }
    }
    if (programs.size === 0) return;
    const libraries = /* @__PURE__ */ new Map();
    for (const { libs } of programs.values())
      for (const lib of libs) {
        await this.mergedTop(lib);
        const dest = await pathInRoot(this.root, lib);
        if (!already.has(dest)) libraries.set(dest, lib);
      }
    for (const [dest, lib] of libraries) {
      if (await lstatOrNone(dest))
        throw new Error(`${lib} exists in the root (the host's libraries would replace the root's)`);
      await this.makeFolders(dest);
      await copyFile2(await realpath(lib), dest);
      await chmod2(dest, 493);
      this.placed.push({ path: dest, stamp: await stamp(dest) });
    }
    const aside = join9(this.root, ASIDE);
    if (!this.created.includes(aside)) {
      await mkdir4(aside, { mode: 448 });
      this.created.push(aside);
    }
    const diversions = [];
    for (const [inRoot2, { host, known }] of programs) {
      const name = String(this.placed.length);
      const original = join9(aside, name);
      await rename(inRoot2, original);
      await copyFile2(host, inRoot2);
      await chmod2(inRoot2, 493);
      const diverted = stage === "extract" ? known : void 0;
      this.placed.push({ path: inRoot2, stamp: await stamp(inRoot2), original, diverted });
      if (diverted) diversions.push(`${diverted}
/${ASIDE}/${name}
:
`);
    }
    if (stage === "extract" && await downloadedAny(this.root, CLAIM_LINKS, this.arch))
      for (const top of this.topLinks()) diversions.push(`/${top}
/${ASIDE}/${top}
:
`);
    if (diversions.length) await this.divert(diversions.join(""));
    const r = await inChroot(this.root, ["/bin/sh", "-c", "basename /a/b.c .c | sed s/b/ok/"], {
      allowFailure: true
    });
    if (r.exitCode !== 0 || r.stdout.trim() !== "ok")
      throw new Error(
        `the host's shell did not run in the root: ${(r.stderr || r.stdout).trim().slice(0, 200)}`
      );
    this.count += programs.size;
    const when = stage === "extract" ? "while the essential packages are installed" : this.purpose;
    logger().info(
      `${programs.size} programs of ${NATIVE_PACKAGES.join(", ")} run natively ${when} (${libraries.size} host libraries beside them)`
    );
  }
  /**
   * Set while our diversions are in dpkg's list: what the file held before the extract hook
   * added them (`before` undefined: no file).
   */
  diverted;
  /** Adds local diversions to dpkg's list in the root (once, before dpkg first runs there). */
  async divert(entries) {
    const file = join9(this.root, DIVERSIONS);
    const before = await readFile2(file, "utf8").catch(() => void 0);
    await mkdir4(join9(file, ".."), { recursive: true });
    this.diverted = { before };
    await writeFile5(file, (before ?? "") + entries);
  }
  /**
   * Takes our diversions out of dpkg's list again, leaving what dpkg-divert added meanwhile as
   * it wrote it; the originals stay aside (the package's file, as dpkg unpacked it there) until
   * takeOut puts them back. With none left, the file is as before: absent when it was.
   */
  async undivert() {
    if (!this.diverted) return;
    const ours = /* @__PURE__ */ new Set([
      ...this.placed.flatMap((p) => p.diverted ? [p.diverted] : []),
      ...this.topLinks().map((top) => `/${top}`)
    ]);
    const file = join9(this.root, DIVERSIONS);
    const lines = (await readFile2(file, "utf8").catch(() => "")).split("\n");
    const kept = [];
    for (let i = 0; i + 2 < lines.length; i += 3) {
      const [from, to, pkg] = [lines[i], lines[i + 1], lines[i + 2]];
      if (pkg === ":" && ours.has(from) && to.startsWith(`/${ASIDE}/`)) continue;
      kept.push(`${from}
${to}
${pkg}
`);
    }
    if (kept.length === 0 && this.diverted.before === void 0) await rm5(file, { force: true });
    else await writeFile5(file, kept.join(""));
    for (const p of this.placed) p.diverted = void 0;
    this.diverted = void 0;
  }
  /**
   * A top-level folder the root lacks (the host's /lib64) becomes a link into /usr, as in a
   * merged-/usr root: systemd's preinst refuses a root whose /lib64 is a real folder.
   */
  async mergedTop(lib) {
    const top = lib.split("/").filter(Boolean)[0];
    const link = join9(this.root, top);
    if (top === "usr" || await lstatOrNone(link)) return;
    const inUsr = join9(this.root, "usr", top);
    if (!await lstatOrNone(inUsr)) {
      await mkdir4(inUsr);
      this.created.push(inUsr);
    }
    await symlink(`usr/${top}`, link);
    this.created.push(link);
  }
  /** The top-level links made for the host's loader (`lib64`), while the programs are in. */
  topLinks() {
    return this.created.map((p) => posix.basename(p)).filter((n, i) => this.created[i] === join9(this.root, n) && n !== ASIDE);
  }
  /** mkdir -p that records each folder it made, to remove exactly those. */
  async makeFolders(file) {
    const missing = [];
    for (let d = posix.dirname(file); d.startsWith(this.root) && d !== this.root; d = posix.dirname(d)) {
      if (await lstatOrNone(d)) break;
      missing.unshift(d);
    }
    for (const d of missing) {
      await mkdir4(d);
      this.created.push(d);
    }
  }
  /** Waits for an answer in flight, then puts every original back and removes what was added. */
  async takeOut() {
    clearInterval(this.timer);
    await this.pending;
    await this.undo();
  }
  async undo() {
    await this.undivert();
    const replaced = [];
    for (const p of this.placed.reverse()) {
      const ours = await stamp(p.path) === p.stamp;
      if (ours) await rm5(p.path);
      if (p.original) {
        if (ours) await rename(p.original, p.path);
        else {
          replaced.push(p.path);
          await rm5(p.original);
        }
      }
    }
    this.placed.length = 0;
    for (const d of this.created.reverse()) {
      if ((await lstat3(d)).isSymbolicLink()) await rm5(d);
      else await rmdir(d);
    }
    this.created.length = 0;
    if (replaced.length)
      logger().info(`dpkg replaced ${replaced.length} program(s) meanwhile; their new files stay`);
  }
};

// src/rootfs/suite-tools.ts
import { chmod as chmod3, lstat as lstat4, mkdir as mkdir5, readFile as readFile3, readdir as readdir5, readlink as readlink3, rm as rm6, writeFile as writeFile6 } from "node:fs/promises";
import { isAbsolute as isAbsolute2, join as join10, posix as posix2, relative } from "node:path";
var DIR = ".rpi-build-suite-tools";
var TOOLS = [
  {
    pkg: "kmod",
    name: "depmod",
    paths: ["/usr/sbin/depmod", "/sbin/depmod"],
    // kmod opens liblzma and libzstd only when it reads a compressed module: not dependencies.
    also: ["liblzma5", "libzstd1"],
    redo: async (root) => (await readdir5(join10(root, "usr/lib/modules")).catch(() => [])).map((v) => ["depmod", v])
  },
  {
    pkg: "udev",
    name: "systemd-hwdb",
    paths: ["/usr/bin/systemd-hwdb", "/bin/systemd-hwdb"],
    redo: async () => [["systemd-hwdb", "--usr", "update"]]
  },
  // Nothing to redo: perl-base is essential, installed before this goes in, and checked to match.
  // The XS modules debconf loads when the root has them (Debconf::Encoding), for the host's perl.
  {
    pkg: "perl-base",
    name: "perl",
    paths: ["/usr/bin/perl"],
    also: ["libtext-charwidth-perl", "libtext-iconv-perl", "liblocale-gettext-perl"]
  },
  // The locale archive: 44 s under emulation for en_US.UTF-8, 1.3 s so, the same bytes (by hand,
  // trixie arm64). libc-bin is essential too, and checked to match.
  { pkg: "libc-bin", name: "localedef", paths: ["/usr/bin/localedef"] },
  // Before every unpack, debconf's dpkg-preconfigure has it read every package file apt is about
  // to install (templates and config scripts out, as files): 42 s under emulation for the default
  // image's 90 packages. apt is installed with the essential packages, and checked to match.
  {
    pkg: "apt",
    name: "apt-extracttemplates",
    paths: ["/usr/lib/apt/apt-extracttemplates", "/usr/bin/apt-extracttemplates"]
  },
  // mkinitramfs compresses the initramfs with it (COMPRESS=zstd): 8 of the 15 s it took under
  // emulation for the default image. zstd's output is defined by its release, level and
  // multithreading (-T0 sees the same cores either way), not by the CPU.
  { pkg: "zstd", name: "zstd", paths: ["/usr/bin/zstd"] }
];
var INSTALL_TOOLS = [
  "perl",
  "localedef",
  "apt-extracttemplates",
  "depmod",
  "systemd-hwdb"
];
var INITRAMFS_TOOLS = ["zstd", "depmod"];
var PERL_XS = TOOLS.find((t) => t.name === "perl").also;
var HOST = {
  amd64: { loader: "/lib64/ld-linux-x86-64.so.2", triplet: "x86_64-linux-gnu" },
  arm64: { loader: "/lib/ld-linux-aarch64.so.1", triplet: "aarch64-linux-gnu" },
  armhf: { loader: "/lib/ld-linux-armhf.so.3", triplet: "arm-linux-gnueabihf" }
};
var WRAPPER = [
  "#!/bin/sh",
  "# rpi-build: the root's own release of this program, built for the host's CPU (rootfs/suite-tools.ts).",
  `d=/${DIR}`,
  'name=$(basename "$0")',
  'read -r loader < "$d/loader"',
  'read -r libs < "$d/library-path"',
  'read -r program < "$d/programs/$name"',
  // Options that go first (perl's module search), words without spaces or patterns.
  "set -f",
  "args=",
  'if [ -r "$d/args/$name" ]; then read -r args < "$d/args/$name"; fi',
  // A line per run, counted in the log (a short append: whole lines even from parallel runs).
  'echo "$name" >> "$d/ran"',
  'exec "$d$loader" --library-path "$libs" --argv0 "$name" "$d$program" $args "$@"',
  ""
].join("\n");
var PERL_INC = String.raw`# rpi-build: the root perl's module search for the host's build of it (rootfs/suite-tools.ts).
package RpiBuildInc;
my $d = '/${DIR}';
my @search;
if (open(my $fh, "<", "$d/perl-inc")) {
  # Untainted: under perl -T (adduser), code from a path read in a file would be refused.
  while (my $line = <$fh>) { chomp $line; ($line) = $line =~ /^(.*)$/s; push @search, [split /\t/, $line] }
  close $fh;
}
# A module the root has only for its own CPU: the whole program again, under the root's perl.
sub emulated {
  my ($file) = @_;
  if (open(my $log, ">>", "$d/perl-emulated")) { print $log "$file\n"; close $log }
  open(my $c, "<", "/proc/self/cmdline") or die "rpi-build: $file needs the root's perl: /proc/self/cmdline: $!\n";
  my $all = do { local $/; <$c> };
  close $c;
  my @argv = map { /^(.*)$/s } split /\0/, $all, -1;
  pop @argv;
  my ($at) = grep { $argv[$_] eq "-MRpiBuildInc" } 0 .. $#argv;
  die "rpi-build: $file needs the root's perl: no -MRpiBuildInc in its command line\n" unless defined $at;
  # The same environment, untainted: perl -T runs no program with it as it is.
  for my $k (qw(PATH IFS CDPATH ENV BASH_ENV)) { ($ENV{$k}) = $ENV{$k} =~ /^(.*)$/s if defined $ENV{$k} }
  exec { "/usr/bin/perl.distrib" } "perl", @argv[$at + 1 .. $#argv];
  die "rpi-build: $file needs the root's perl: /usr/bin/perl.distrib: $!\n";
}
unshift @INC, sub {
  my (undef, $file) = @_;
  for my $s (@search) {
    my ($kind, $dir, $host) = @$s;
    next unless -f "$dir/$file";
    my $path = $kind eq "map" ? "$host/$file" : "$dir/$file";
    emulated($file) unless -f $path;
    open(my $fh, "<", $path) or emulated($file);
    $INC{$file} = $path;
    # Its own path as the file name: XSLoader finds the shared object beside it.
    return (\"#line 1 \"$path\"\n", $fh);
  }
  return;
};
1;
`;
async function installedVersions(root) {
  const installed = await readManifest(root).catch(() => []);
  return new Map(installed.map((p) => [p.name, p.version]));
}
function debName(file) {
  const m = /^([^_]+)_([^_]+)_[^_]+\.deb$/.exec(file);
  return m ? { pkg: m[1], version: decodeURIComponent(m[2]) } : void 0;
}
async function downloadedVersions(root, arch, pkgs) {
  const versions = /* @__PURE__ */ new Map();
  for (const pkg of pkgs) {
    const deb = await downloadedDeb(root, pkg, arch);
    const name = deb && debName(posix2.basename(deb));
    if (name) versions.set(pkg, name.version);
  }
  return versions;
}
var sourceVersion = (v) => v.replace(/\+b\d+$/, "");
var SuiteTools = class _SuiteTools {
  constructor(root, hooksDir, spec, logFile, opts = {}) {
    this.root = root;
    this.hooksDir = hooksDir;
    this.spec = spec;
    this.logFile = logFile;
    const { only, alsoFetch = [] } = opts;
    this.tools = only ? TOOLS.filter((t) => only.includes(t.name)) : TOOLS;
    this.fetchTools = TOOLS.filter((t) => this.tools.includes(t) || alsoFetch.includes(t.name));
    this.from = opts.from;
    this.ahead = opts.ahead ?? false;
    this.purpose = opts.purpose ?? "while packages are configured";
    this.names = this.tools.map((t) => t.name).join(", ");
  }
  root;
  hooksDir;
  spec;
  logFile;
  placed = [];
  own;
  tools;
  /** The packages fetch gets: those of `tools`, and of `alsoFetch` beyond them. */
  fetchTools;
  /** For messages: "depmod, systemd-hwdb, perl, localedef". */
  names;
  purpose;
  from;
  ahead;
  /** The fetched packages: this one's own, or the one it shares. */
  get fetched() {
    return this.from ? this.from.fetched : this.own;
  }
  /** Others of the fetched programs, for another step in the same root, without a second fetch. */
  share(only, purpose) {
    return new _SuiteTools(this.root, this.hooksDir, this.spec, this.logFile, { only, purpose, from: this });
  }
  /** Removes what fetch got, after its last use (by this one and those sharing it). */
  async dispose() {
    if (this.own) await rm6(this.own.dir, { recursive: true, force: true });
    this.own = void 0;
  }
  /**
   * Fetches the programs for the host's CPU from the root's archive (before mmdebstrap starts),
   * with the build's apt options and login hooks; false, with the reason logged, when they cannot
   * be had (the build then emulates them).
   */
  async fetch(aptOptions) {
    const hostArch = await tryOutput("dpkg", ["--print-architecture"]);
    if (!hostArch || !HOST[hostArch] || hostArch === this.spec.arch) return false;
    const dir = join10(this.hooksDir, "suite-tools");
    await rm6(dir, { recursive: true, force: true });
    const names = this.fetchTools.map((t) => t.name).join(", ");
    logger().progress(`fetching ${this.spec.suite}'s ${names} for ${hostArch}`);
    try {
      await exec(
        "mmdebstrap",
        [
          "--mode=root",
          "--variant=extract",
          `--architectures=${hostArch}`,
          `--components=${this.spec.components.join(",")}`,
          `--include=${this.fetchTools.flatMap((t) => [t.pkg, ...t.also ?? []]).join(",")}`,
          // The package files stay: their names carry the versions.
          "--skip=cleanup/apt/cache",
          ...aptOptions,
          this.spec.suite,
          dir,
          ...mmdebstrapMirrors(this.spec)
        ],
        { privileged: "mmdebstrap", logFile: this.logFile, env: { LC_ALL: "C.UTF-8" } }
      );
    } catch (err) {
      logger().info(
        `${this.names} run under emulation: the archive's ${hostArch} packages could not be had (${errorMessage(err).split("\n")[0]})`
      );
      await rm6(dir, { recursive: true, force: true });
      return false;
    }
    const versions = /* @__PURE__ */ new Map();
    const debs = join10(dir, "var/cache/apt/archives");
    for (const f of await readdir5(debs)) {
      const name = debName(f);
      if (name) versions.set(name.pkg, name.version);
    }
    await rm6(debs, { recursive: true, force: true });
    this.own = { dir, hostArch, versions };
    return true;
  }
  /** putIn, or the programs left to emulation (with a note) when they do not fit. */
  async tryPutIn(stage = "essential") {
    try {
      await this.putIn(stage);
    } catch (err) {
      logger().info(`${this.names} run under emulation: ${errorMessage(err)}`);
      await this.removePlaced().catch(() => void 0);
    }
  }
  /**
   * Puts the fetched programs in at their paths in the root, each proven to run: at the extract
   * hook those of the essential packages just unpacked, at the essential hook the others.
   */
  async putIn(stage = "essential") {
    if (!this.fetched) return;
    const logFile = this.logFile;
    const { dir, hostArch, versions } = this.fetched;
    const host = HOST[hostArch];
    const inRoot2 = join10(this.root, DIR);
    if (!await lstat4(inRoot2).catch(() => void 0)) {
      const loader = (await resolveFirst(dir, [host.loader, `/usr${host.loader}`]))?.real;
      if (!loader) throw new Error(`the ${hostArch} loader ${host.loader} was not in the packages`);
      await exec("cp", ["-a", "--", dir, inRoot2], { logFile });
      const libs = [`/usr/lib/${host.triplet}`, `/lib/${host.triplet}`, `/usr/lib/${host.triplet}/systemd`];
      await writeFile6(join10(inRoot2, "loader"), `${loader}
`);
      await writeFile6(join10(inRoot2, "library-path"), `${libs.map((l) => `/${DIR}${l}`).join(":")}
`);
      await mkdir5(join10(inRoot2, "programs"));
    }
    const extract = stage === "extract";
    if (!extract) await this.sayRuns("while the essential packages were installed");
    const pkgs = this.tools.map((t) => t.pkg);
    const installedNow = extract ? await downloadedVersions(this.root, this.spec.arch, pkgs) : await installedVersions(this.root);
    const already = new Set(this.placed.map((p) => p.tool.name));
    const before = this.placed.length;
    for (const tool of this.tools) {
      if (already.has(tool.name)) continue;
      const version = versions.get(tool.pkg);
      const found = await resolveFirst(dir, tool.paths);
      if (!version || !found) continue;
      const { path: path2, real } = found;
      const installed = installedNow.get(tool.pkg);
      if (!installed && (extract || !this.ahead)) continue;
      if (installed && sourceVersion(installed) !== sourceVersion(version)) {
        logger().info(
          `${tool.name} runs under emulation: the root has ${tool.pkg} ${installed}, the archive's ${hostArch} build is ${version}`
        );
        continue;
      }
      await writeFile6(join10(inRoot2, "programs", tool.name), `${real}
`);
      await inChroot(this.root, ["dpkg-divert", "--quiet", "--local", "--rename", "--add", path2], {
        logFile
      });
      this.placed.push({ tool, path: path2, version });
      await writeFile6(join10(this.root, path2), WRAPPER);
      await chmod3(join10(this.root, path2), 493);
      const r = await inChroot(this.root, [path2, "--version"], { logFile, allowFailure: true });
      const ready2 = r.exitCode === 0 && (tool.name !== "perl" || await this.perlSearch(host.triplet));
      if (!ready2) {
        logger().info(`${tool.name} runs under emulation: the ${hostArch} build did not start in the root`);
        await this.remove(this.placed.pop());
      }
    }
    await rm6(join10(inRoot2, "ran"), { force: true });
    const now = this.placed.slice(before);
    if (now.length)
      logger().info(
        `${now.map((p) => `${p.tool.name} ${p.version}`).join(", ")} from the archive's ${hostArch} packages run natively ${extract ? "while the essential packages are installed" : this.purpose}`
      );
  }
  /**
   * Gives the host's perl the root perl's module search (PERL_INC), then proves it: POSIX, an XS
   * module of perl-base, loads from the host's build. False when it does not.
   */
  async perlSearch(hostTriplet) {
    const logFile = this.logFile;
    const inRoot2 = join10(this.root, DIR);
    const printInc = ["-e", 'print join("\n", @INC), "\n"'];
    const rootInc = await inChroot(this.root, ["/usr/bin/perl.distrib", ...printInc], { logFile });
    const dirs = rootInc.stdout.split("\n").filter((d) => d.startsWith("/"));
    const triplet = dirs.map((d) => /^\/usr\/lib\/([^/]+)\/perl-base$/.exec(d)?.[1]).find(Boolean);
    if (!triplet) return false;
    const lines = dirs.map(
      (d) => d.includes(`/${triplet}/`) ? `map	${d}	/${DIR}${d.replace(`/${triplet}/`, `/${hostTriplet}/`)}` : `dir	${d}`
    );
    await writeFile6(join10(inRoot2, "perl-inc"), `${lines.join("\n")}
`);
    await mkdir5(join10(inRoot2, "perl"));
    await writeFile6(join10(inRoot2, "perl", "RpiBuildInc.pm"), PERL_INC);
    await mkdir5(join10(inRoot2, "args"));
    await writeFile6(join10(inRoot2, "args", "perl"), `-I/${DIR}/perl -MRpiBuildInc
`);
    const proof = await inChroot(this.root, ["perl", "-MPOSIX", "-e", 'print POSIX::floor(2.5), "\n"'], {
      logFile,
      allowFailure: true
    });
    const fellBack = await readFile3(join10(inRoot2, "perl-emulated"), "utf8").catch(() => "");
    return proof.exitCode === 0 && proof.stdout.trim() === "2" && !fellBack;
  }
  /** An XS module package the root has in another release than the host's build perl loaded. */
  checkPerlModules(perlRan, installedAfter) {
    if (!perlRan || !this.fetched) return;
    for (const pkg of PERL_XS) {
      const installed = installedAfter.get(pkg);
      const fetched = this.fetched.versions.get(pkg);
      if (installed && fetched && sourceVersion(installed) !== sourceVersion(fetched))
        logger().warn(
          `The root has ${pkg} ${installed}; perl loaded the archive's ${this.fetched.hostArch} build ${fetched} while packages were configured.`
        );
    }
  }
  async remove(p) {
    await rm6(join10(this.root, p.path), { force: true });
    await inChroot(this.root, ["dpkg-divert", "--quiet", "--local", "--rename", "--remove", p.path], {
      logFile: this.logFile
    });
  }
  /** How often each program that stood in ran so far ("perl 40 times, …"), from the wrapper's lines. */
  async sayRuns(when) {
    if (!this.placed.length) return;
    const ran = (await readFile3(join10(this.root, DIR, "ran"), "utf8").catch(() => "")).split("\n");
    const counts = this.placed.map(
      (p) => `${p.tool.name} ${ran.filter((n) => n === p.tool.name).length} times`
    );
    logger().info(`Run natively ${when}: ${counts.join(", ")}`);
    await rm6(join10(this.root, DIR, "ran"), { force: true });
  }
  /** Takes the programs and their folder out of the root, diversions removed; the fetched set stays. */
  async removePlaced() {
    for (const p of this.placed.reverse()) await this.remove(p);
    this.placed.length = 0;
    await rm6(join10(this.root, DIR), { recursive: true, force: true });
  }
  /**
   * Takes everything out, diversions removed; then, for a package the root has in another
   * version than the one that ran, does that program's work again under emulation.
   */
  async takeOut() {
    const logFile = this.logFile;
    const ran = [...this.placed];
    await this.sayRuns(this.purpose);
    const fellBack = await readFile3(join10(this.root, DIR, "perl-emulated"), "utf8").catch(() => "");
    await this.removePlaced();
    const modules = [...new Set(fellBack.split("\n").filter(Boolean))];
    if (modules.length)
      logger().info(
        `perl ran under emulation for the programs that load ${modules.join(", ")} (built only for the root's CPU)`
      );
    const installedAfter = await installedVersions(this.root);
    this.checkPerlModules(
      ran.some((p) => p.tool.name === "perl"),
      installedAfter
    );
    for (const { tool, version } of ran) {
      const installed = installedAfter.get(tool.pkg);
      if (!tool.redo || !installed || sourceVersion(installed) === sourceVersion(version)) continue;
      logger().warn(
        `The root has ${tool.pkg} ${installed}, the archive's ${this.fetched?.hostArch} build was ${version}: ${tool.name}'s work is done again under emulation.`
      );
      const again = await tool.redo(this.root);
      await withChrootMounts(
        this.root,
        async () => {
          for (const argv of again) await inChroot(this.root, argv, { logFile });
        },
        logFile
      );
    }
  }
};
async function resolveIn(dir, path2) {
  let p = path2;
  for (let hops = 0; hops < 40; hops++) {
    const inTree = await pathInRoot(dir, p);
    const st = await lstat4(inTree).catch(() => void 0);
    if (!st) return void 0;
    if (!st.isSymbolicLink()) return `/${relative(dir, inTree)}`;
    const target = await readlink3(inTree);
    p = isAbsolute2(target) ? target : posix2.join(posix2.dirname(`/${relative(dir, inTree)}`), target);
  }
  return void 0;
}
async function resolveFirst(dir, paths) {
  for (const path2 of paths) {
    const real = await resolveIn(dir, path2);
    if (real) return { path: path2, real };
  }
  return void 0;
}

// src/rootfs/mmdebstrap.ts
var AUTH_SETUP_HOOK = `#!/bin/sh
# rpi-build setup hook: apt reads the archives' logins from a private file outside the root.
set -e
cp "$(dirname "$0")/apt-auth.apt.conf" "$1/etc/apt/apt.conf.d/00rpi-build-auth"
`;
var AUTH_CUSTOMIZE_HOOK = `#!/bin/sh
# rpi-build customize hook: the image keeps no pointer to the build's login file.
rm -f "$1/etc/apt/apt.conf.d/00rpi-build-auth"
`;
async function authHooks(spec, hooksDir) {
  const auth = authConf(spec);
  if (!auth) return [];
  const file = join11(hooksDir, "apt-auth.conf");
  if (/["\\{};\n]/.test(file))
    throw new Error(
      `The work folder's path ${hooksDir} holds a character apt's configuration cannot quote (" \\ { } ;); use another work-dir.`
    );
  await writeFile7(file, auth, { mode: 384 });
  await chmod4(file, 384);
  await writeFile7(join11(hooksDir, "apt-auth.apt.conf"), `Dir::Etc::netrc ${JSON.stringify(file)};
`);
  const setup = join11(hooksDir, "setup-apt-auth.sh");
  const customize = join11(hooksDir, "customize-apt-auth.sh");
  await writeFile7(setup, AUTH_SETUP_HOOK, { mode: 493 });
  await writeFile7(customize, AUTH_CUSTOMIZE_HOOK, { mode: 493 });
  return [`--setup-hook=${setup}`, `--customize-hook=${customize}`];
}
async function removeAuth(hooksDir) {
  for (const f of ["apt-auth.conf", "apt-auth.apt.conf"]) await rm7(join11(hooksDir, f), { force: true });
}
var DIVERT_INITRAMFS_HOOK = `#!/bin/sh
# rpi-build essential hook: no initramfs while packages install; one is made at the end.
set -e
chroot "$1" dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs
printf '#!/bin/sh\\nexit 0\\n' > "$1/usr/sbin/update-initramfs"
chmod 755 "$1/usr/sbin/update-initramfs"
`;
var NO_HOST_KEYS_HOOK = `#!/bin/sh
# rpi-build essential hook: no SSH host keys are made while packages install.
set -e
mkdir -p "$1/etc/ssh"
for key in ssh_host_rsa_key ssh_host_ecdsa_key ssh_host_ed25519_key; do
  [ -e "$1/etc/ssh/$key" ] || : > "$1/etc/ssh/$key"
done
`;
var UNDIVERT_INITRAMFS = [
  "dpkg-divert",
  "--quiet",
  "--local",
  "--rename",
  "--remove",
  "/usr/sbin/update-initramfs"
];
var DPKG_OPTS = [
  "force-unsafe-io",
  "path-exclude=/usr/share/man/*",
  "path-exclude=/usr/share/info/*",
  "path-exclude=/usr/share/doc/*",
  "path-include=/usr/share/doc/*/copyright",
  "path-exclude=/usr/share/locale/*",
  "path-include=/usr/share/locale/locale.alias"
];
var MERGED_USR_HOOKS = "/usr/share/mmdebstrap/hooks/merged-usr";
var MERGED_BY_LINKS = /* @__PURE__ */ new Set(["bookworm"]);
async function mergedUsrHooks(suite) {
  if (!MERGED_BY_LINKS.has(suite)) return [];
  const ok = await access(join11(MERGED_USR_HOOKS, "setup00.sh")).then(
    () => true,
    () => false
  );
  return ok ? [`--hook-dir=${MERGED_USR_HOOKS}`] : [];
}
var APT_RETRIES = 5;
var APT_OPTS = [
  `--aptopt=Acquire::Retries "${APT_RETRIES}"`,
  '--aptopt=Acquire::http::Timeout "60"'
];
var DOWNLOAD_FAILED = /^(?:E|W): (?:Failed to fetch .*|.*(?:Connection failed|Connection reset|Undetermined Error|Hash Sum mismatch|File has unexpected size|Could not connect|Connection timed out|Unable to fetch).*)$/m;
function explainDownloadFailure(err, mirror) {
  if (!(err instanceof ExecError)) return err;
  const line = DOWNLOAD_FAILED.exec(err.stderrTail)?.[0];
  if (!line) return err;
  const log = err.logFile ? ` (full log: ${err.logFile})` : "";
  return new Error(
    `The Debian mirror ${mirror} broke off downloads, and apt gave up after ${APT_RETRIES} retries with growing waits:
${line.trim()}
Check the runner's network, or set mirror (--mirror on the CLI) to another Debian mirror. Nothing was built or cached; a rerun starts over${log}.`,
    { cause: err }
  );
}
function progressLine(line) {
  const m = /^(?:I: (.+)|(Unpacking|Setting up|Processing triggers for) (\S+))/.exec(line);
  if (!m) return void 0;
  return m[1] ?? `${m[2]} ${m[3]}`;
}
function installSuiteTools(spec, target, hooksDir, logFile) {
  return new SuiteTools(target, hooksDir, spec, logFile, {
    only: INSTALL_TOOLS,
    alsoFetch: INITRAMFS_TOOLS,
    ahead: true
  });
}
async function buildRootfs(spec, target, hooksDir, logFile, given) {
  const divert = join11(hooksDir, "essential-divert-initramfs.sh");
  const noHostKeys = join11(hooksDir, "essential-no-host-keys.sh");
  const essentialHooks = [
    [divert, DIVERT_INITRAMFS_HOOK],
    [noHostKeys, NO_HOST_KEYS_HOOK]
  ];
  for (const [file, text] of essentialHooks) {
    await writeFile7(file, text);
    await chmod4(file, 493);
  }
  const onLine = (line) => {
    const p = progressLine(line);
    if (p) logger().progress(`rootfs: ${p}`);
  };
  if (!await which("mmdebstrap") && !await which("debootstrap")) {
    await installPackages(["mmdebstrap"], "building the root filesystem");
  }
  const mirror = withoutCredentials(spec.mirror);
  if (await which("mmdebstrap")) {
    const hooks = await authHooks(spec, hooksDir);
    const watch = new DpkgWatch(target, (what) => logger().progress(`rootfs: ${what}`));
    watch.start();
    const native = spec.nativeTools === false ? void 0 : new NativeTools(target, hooksDir, spec.arch);
    const suite = native && (given ?? installSuiteTools(spec, target, hooksDir, logFile));
    if (suite && await suite.fetch([...APT_OPTS, ...hooks]))
      native.alsoPutIn((stage) => suite.tryPutIn(stage));
    const nativeHooks = await native?.start();
    await exec(
      "mmdebstrap",
      [
        "--mode=root",
        "--variant=apt",
        `--architectures=${spec.arch}`,
        `--components=${spec.components.join(",")}`,
        `--include=${spec.packages.join(",")}`,
        ...DPKG_OPTS.map((o) => `--dpkgopt=${o}`),
        ...APT_OPTS,
        ...await mergedUsrHooks(spec.suite),
        `--essential-hook=${divert}`,
        `--essential-hook=${noHostKeys}`,
        ...nativeHooks ? [`--extract-hook=${nativeHooks.extract}`, `--essential-hook=${nativeHooks.essential}`] : [],
        ...hooks,
        spec.suite,
        target,
        // Full one-line entries without credentials: the suite, -updates and -security.
        ...mmdebstrapMirrors(spec)
      ],
      { privileged: "mmdebstrap", logFile, onLine: (line) => watch.line(line), env: { LC_ALL: "C.UTF-8" } }
    ).catch((err) => {
      throw explainDownloadFailure(err, mirror);
    }).finally(async () => {
      await removeAuth(hooksDir);
      await watch.stop();
      await native?.takeOut();
      await suite?.takeOut();
      if (!given) await suite?.dispose();
    });
    return watch.stop();
  }
  if (authConf(spec))
    throw new Error(
      `A mirror with credentials needs mmdebstrap (debootstrap would put them on its command line). Install mmdebstrap (apt-get install mmdebstrap) and run again.`
    );
  await exec(
    "debootstrap",
    [
      `--arch=${spec.arch}`,
      "--variant=minbase",
      `--components=${spec.components.join(",")}`,
      `--include=${spec.packages.join(",")}`,
      spec.suite,
      target,
      mirror
    ],
    { privileged: "debootstrap", logFile, onLine, env: { INITRD: "No", LC_ALL: "C.UTF-8" } }
  );
  return void 0;
}

// src/rootfs/locale-gen.ts
var BASE_LOCALE = DEFAULTS.locale;
async function generateLocale(root, locale, logFile, host) {
  const supported = await readFile4(join12(root, "usr", "share", "i18n", "SUPPORTED"), "utf8");
  const line = supported.split("\n").find((l) => l.split(" ")[0] === locale);
  if (!line) {
    throw new InputError(
      "locale",
      `"${locale}" is not a locale Debian supports`,
      "Use a name from /usr/share/i18n/SUPPORTED such as en_GB.UTF-8."
    );
  }
  const gen = join12(root, "etc", "locale.gen");
  const archive = join12(root, "usr", "lib", "locale", "locale-archive");
  const done2 = await readFile4(gen, "utf8").catch(() => "") === `${line}
` && await exists(archive);
  if (done2) return;
  await writeRootFile(root, "etc/locale.gen", `${line}
`);
  const only = ["localedef"];
  const purpose = "for locale-gen";
  const tools = host && (host.from?.share(only, purpose) ?? new SuiteTools(root, host.hooksDir, host.spec, logFile, { only, purpose }));
  try {
    if (tools && !host.from) {
      try {
        await tools.fetch([...APT_OPTS, ...await authHooks(host.spec, host.hooksDir)]);
      } finally {
        await removeAuth(host.hooksDir);
      }
    }
    await tools?.tryPutIn();
    logger().progress(`locale: generating ${locale} (localedef)`);
    await inChroot(root, ["locale-gen"], { logFile });
  } finally {
    await tools?.takeOut();
    await tools?.dispose();
  }
}

// src/rootfs/locale.ts
async function configureLocale(root, config, logFile, host) {
  await writeRootFile(root, "etc/default/locale", `LANG=${config.locale}
`);
  if (/^C(\.|$)/.test(config.locale)) return;
  await generateLocale(root, config.locale, logFile, host);
}
async function configureTimezone(root, config) {
  const zone = join13(root, "usr", "share", "zoneinfo", config.timezone);
  const ok = await stat3(zone).then(
    (s) => s.isFile(),
    () => false
  );
  if (!ok)
    throw new InputError(
      "timezone",
      `"${config.timezone}" is not in the image's zoneinfo`,
      "Use a name such as Europe/Berlin or Etc/UTC."
    );
  const localtime = join13(await inRoot(root, "etc"), "localtime");
  await rm8(localtime, { force: true });
  await symlink2(`/usr/share/zoneinfo/${config.timezone}`, localtime);
  await writeRootFile(root, "etc/timezone", `${config.timezone}
`);
}

// src/rootfs/overlay.ts
import {
  appendFile,
  chmod as chmod5,
  copyFile as copyFile3,
  lstat as lstat5,
  mkdir as mkdir6,
  readdir as readdir6,
  readlink as readlink4,
  rm as rm9,
  symlink as symlink3,
  utimes
} from "node:fs/promises";
import { basename as basename2, join as join14 } from "node:path";
async function applyOverlay(root, overlay, logFile) {
  await checkOverlay(overlay);
  await exec("cp", ["-a", "--no-preserve=ownership", `${overlay}/.`, root], {
    privileged: "copying the overlay",
    logFile
  });
}
async function applyOverlayInside(root, overlay, logFile) {
  await checkOverlay(overlay);
  let count = 0;
  const walk = async (rel) => {
    for (const name of (await readdir6(join14(overlay, rel))).sort()) {
      const from = join14(overlay, rel, name);
      const st = await lstat5(from);
      if (st.isDirectory()) {
        const to2 = await inRoot(root, join14(rel, name));
        if (!(await lstat5(to2).catch(() => void 0))?.isDirectory()) {
          await rm9(to2, { force: true });
          await mkdir6(to2, { mode: st.mode & 4095 });
        }
        await walk(join14(rel, name));
        continue;
      }
      const to = join14(await inRoot(root, rel), name);
      await rm9(to, { force: true, recursive: true });
      if (st.isSymbolicLink()) await symlink3(await readlink4(from), to);
      else {
        await copyFile3(from, to);
        await chmod5(to, st.mode & 4095);
        await utimes(to, st.atime, st.mtime);
      }
      count++;
    }
  };
  await walk(".");
  await appendFile(logFile, `overlay: ${count} entries from ${overlay}
`).catch(() => void 0);
}
async function runCustomizeScripts(root, scripts, logFile) {
  const dir = join14(await inRoot(root, "tmp"), "rpi-build-customize");
  await mkdir6(dir, { recursive: true });
  try {
    for (const [i, script] of scripts.entries()) {
      await checkCustomizeScript(script);
      const name = `${String(i + 1).padStart(2, "0")}-${basename2(script)}`;
      await copyFile3(script, join14(dir, name));
      await chmod5(join14(dir, name), 493);
      await inChrootShown(
        root,
        [`/tmp/rpi-build-customize/${name}`],
        `customize: ${basename2(script)}`,
        `customize script ${script}`,
        logFile
      );
    }
  } finally {
    await rm9(dir, { recursive: true, force: true });
  }
}

// src/rootfs/resolver.ts
import { lstat as lstat6, readFile as readFile5, readlink as readlink5, rm as rm10, symlink as symlink4, writeFile as writeFile8 } from "node:fs/promises";
import { join as join15 } from "node:path";
var RESOLVED_STUB = { kind: "link", target: "../run/systemd/resolve/stub-resolv.conf" };
var path = (root) => join15(root, "etc", "resolv.conf");
async function readResolvConf(root) {
  const st = await lstat6(path(root)).catch(() => void 0);
  if (!st) return { kind: "none" };
  if (st.isSymbolicLink()) return { kind: "link", target: await readlink5(path(root)) };
  return { kind: "file", data: await readFile5(path(root)), mode: st.mode & 4095 };
}
async function writeResolvConf(root, conf) {
  await rm10(path(root), { force: true });
  if (conf.kind === "link") await symlink4(conf.target, path(root));
  if (conf.kind === "file") await writeFile8(path(root), conf.data, { mode: conf.mode });
}
function isSessionCopy(conf, host) {
  return conf.kind === "none" || conf.kind === "file" && host !== void 0 && conf.data.equals(host);
}
async function withChrootKeepingResolver(root, fn, logFile, preferred) {
  const before = await readResolvConf(root);
  const host = await readFile5("/etc/resolv.conf").catch(() => void 0);
  let own;
  const result = await withChrootMounts(
    root,
    async () => {
      const r = await fn();
      const now = await readResolvConf(root);
      if (!isSessionCopy(now, host)) own = now;
      return r;
    },
    logFile
  );
  await writeResolvConf(root, own ?? preferred ?? before);
  return result;
}

// src/rootfs/user.ts
import { chown, mkdir as mkdir7, readFile as readFile6, writeFile as writeFile9 } from "node:fs/promises";
async function hashPassword(password) {
  const r = await exec("openssl", ["passwd", "-6", "-stdin"], { input: `${password}
` });
  const hash = r.stdout.trim();
  if (!/^\$6\$[^\s:]+$/.test(hash)) throw new Error("openssl did not return one SHA-512 crypt hash");
  return hash;
}
async function setShadowHash(root, user, hash) {
  const path2 = await inRoot(root, "etc/shadow");
  const lines = (await readFile6(path2, "utf8")).split("\n").map((l) => {
    const f = l.split(":");
    if (f[0] !== user) return l;
    f[1] = hash;
    return f.join(":");
  });
  await writeFile9(path2, lines.join("\n"), { mode: 416 });
}
async function userIds(root, user) {
  const line = (await readFile6(await inRoot(root, "etc/passwd"), "utf8")).split("\n").find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`user ${user} was not created`);
  const f = line.split(":");
  return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
}
async function existingGroups(root, wanted) {
  const groups = new Set(
    (await readFile6(await inRoot(root, "etc/group"), "utf8")).split("\n").map((l) => l.split(":")[0])
  );
  return wanted.filter((g) => groups.has(g));
}
async function configureUser(root, config, logFile) {
  const groups = await existingGroups(root, [
    "sudo",
    "adm",
    "dialout",
    "plugdev",
    "video",
    "audio",
    "input",
    "render",
    "netdev",
    "gpio",
    "i2c",
    "spi"
  ]);
  await inChroot(
    root,
    [
      "useradd",
      "--create-home",
      "--shell",
      "/bin/bash",
      "--user-group",
      "--groups",
      groups.join(","),
      config.username
    ],
    { logFile }
  );
  await writeRootFile(
    root,
    `etc/sudoers.d/010_${config.username}-nopasswd`,
    `${config.username} ALL=(ALL) NOPASSWD: ALL
`,
    288
  );
  if (config.password) await setShadowHash(root, config.username, await hashPassword(config.password));
  if (config.sshAuthorizedKeys.length > 0) {
    const { uid, gid, home } = await userIds(root, config.username);
    const dir = await inRoot(root, `${home}/.ssh`);
    await mkdir7(dir, { recursive: true, mode: 448 });
    const file = await inRoot(root, `${home}/.ssh/authorized_keys`);
    await writeFile9(file, `${config.sshAuthorizedKeys.join("\n")}
`, {
      mode: 384
    });
    await chown(dir, uid, gid);
    await chown(file, uid, gid);
  }
  return accountState(config.password !== void 0, config.sshAuthorizedKeys.length > 0);
}
function accountState(hasPassword, hasKeys) {
  if (hasPassword && hasKeys) return "password+ssh-key";
  if (hasPassword) return "password";
  if (hasKeys) return "ssh-key";
  return "locked";
}

export {
  MiB,
  assembleImage,
  writeBmap,
  readManifest,
  writeManifest,
  inChroot,
  inChrootShown,
  inRoot,
  writeRootFile,
  profileText,
  elfMachine,
  NativeTools,
  INITRAMFS_TOOLS,
  WRAPPER,
  UNDIVERT_INITRAMFS,
  installSuiteTools,
  buildRootfs,
  BASE_LOCALE,
  generateLocale,
  configureLocale,
  configureTimezone,
  applyOverlay,
  applyOverlayInside,
  runCustomizeScripts,
  RESOLVED_STUB,
  withChrootKeepingResolver,
  hashPassword,
  setShadowHash,
  configureUser,
  accountState,
  scrub,
  bootAndCompress
};
