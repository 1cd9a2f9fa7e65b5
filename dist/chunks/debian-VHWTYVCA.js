import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  bootTest
} from "./chunk-AOVTZSNM.js";
import {
  DEFAULTS,
  checkCustomizeScript,
  checkOverlay,
  readElf
} from "./chunk-ISFUF7BM.js";
import {
  ensureImageTools
} from "./chunk-VOCWRVZD.js";
import {
  readKernelBuild
} from "./chunk-IIBNRCKF.js";
import {
  machineLabel
} from "./chunk-CL2P6OG3.js";
import {
  archiveStates,
  authConf,
  compressImage,
  mmdebstrapMirrors,
  rootfsEntry,
  withAptAuth,
  writeImageSources
} from "./chunk-VBXRSWJU.js";
import {
  withDiskSpace
} from "./chunk-PGOUPMDM.js";
import {
  refuseMountsBelow,
  unmount
} from "./chunk-MTRKBIBO.js";
import "./chunk-MM45DSBM.js";
import {
  installPackages
} from "./chunk-7YG3CPLG.js";
import {
  exists,
  withoutCredentials
} from "./chunk-AVNSM2FE.js";
import {
  which
} from "./chunk-J4TNNZG7.js";
import {
  ExecError,
  InputError,
  errorMessage,
  exec,
  tryOutput
} from "./chunk-4Z53H52X.js";
import "./chunk-WKCL3XOP.js";
import {
  logger
} from "./chunk-JEISQDF3.js";

// src/builders/debian.ts
import { mkdir as mkdir9, readdir as readdir6, rename as rename2, rm as rm11 } from "node:fs/promises";
import { join as join19 } from "node:path";

// src/image/assemble.ts
import { randomBytes, randomUUID } from "node:crypto";
import { open } from "node:fs/promises";

// src/image/filesystems.ts
import { readdir } from "node:fs/promises";
import { join } from "node:path";
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
      "--offset",
      String(offset / 512),
      image,
      String(Math.floor(sizeBytes / 1024))
    ],
    log
  );
  const entries = (await readdir(contentDir)).sort();
  if (entries.length === 0) return;
  await exec(
    "mcopy",
    ["-s", "-p", "-m", "-i", `${image}@@${offset}`, ...entries.map((e) => join(contentDir, e)), "::"],
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

// src/image/layout.ts
import { lstat, readdir as readdir2 } from "node:fs/promises";
import { join as join2 } from "node:path";
var MiB = 1024 * 1024;
var FIRST_PARTITION_OFFSET = 4 * MiB;
var BLOCK = 4096;
var INODE_SIZE = 256;
async function treeUsage(root) {
  let blockBytes = 0;
  let inodes = 0;
  const seen = /* @__PURE__ */ new Set();
  const walk = async (dir) => {
    for (const e of await readdir2(dir, { withFileTypes: true })) {
      const p = join2(dir, e.name);
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
var BOOT_LABEL = "RASPIFIRM";
var ROOT_LABEL = "RASPIROOT";
async function assembleImage(input) {
  await refuseMountsBelow(input.rootDir, "assemble an image from");
  await refuseMountsBelow(input.bootDir, "assemble an image from");
  const usage = await treeUsage(input.rootDir);
  const layout = computeLayout(input.bootSizeMiB, rootSizeBytes(usage, input.rootMarginMiB));
  const diskId = randomBytes(4).toString("hex");
  const rootUuid = randomUUID();
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
  await writeFat(input.image, layout.bootOffset, layout.bootSize, BOOT_LABEL, input.bootDir, fsOpts);
  await writeExt4(
    input.image,
    layout.rootOffset,
    layout.rootSize,
    ROOT_LABEL,
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

// src/rootfs/base.ts
import { writeFile as writeFile8 } from "node:fs/promises";
import { dirname, join as join12 } from "node:path";

// src/rootfs/chroot.ts
import { copyFile, mkdir, rm, writeFile as writeFile2 } from "node:fs/promises";
import { join as join4 } from "node:path";
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
    await mkdir(target, { recursive: true });
    await exec("mount", [...args, target], { privileged: "mounting into the root filesystem", ...log });
    mounted.push(target);
  };
  const policy = join4(root, "usr", "sbin", "policy-rc.d");
  const resolv = join4(root, "etc", "resolv.conf");
  let failure;
  let result;
  try {
    await mount(["-t", "proc", "proc"], join4(root, "proc"));
    await mount(["-t", "sysfs", "sysfs"], join4(root, "sys"));
    await mount(["--bind", "/dev"], join4(root, "dev"));
    await mount(["--bind", "/dev/pts"], join4(root, "dev", "pts"));
    await writeFile2(policy, "#!/bin/sh\nexit 101\n", { mode: 493 });
    await rm(resolv, { force: true });
    await copyFile("/etc/resolv.conf", resolv).catch(() => void 0);
    result = await fn();
  } catch (err) {
    failure = { err };
  }
  await rm(policy, { force: true });
  await rm(resolv, { force: true });
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

// src/rootfs/resolver.ts
import { lstat as lstat2, readFile as readFile2, readlink, rm as rm2, symlink, writeFile as writeFile3 } from "node:fs/promises";
import { join as join5 } from "node:path";
var RESOLVED_STUB = { kind: "link", target: "../run/systemd/resolve/stub-resolv.conf" };
var path = (root) => join5(root, "etc", "resolv.conf");
async function readResolvConf(root) {
  const st = await lstat2(path(root)).catch(() => void 0);
  if (!st) return { kind: "none" };
  if (st.isSymbolicLink()) return { kind: "link", target: await readlink(path(root)) };
  return { kind: "file", data: await readFile2(path(root)), mode: st.mode & 4095 };
}
async function writeResolvConf(root, conf) {
  await rm2(path(root), { force: true });
  if (conf.kind === "link") await symlink(conf.target, path(root));
  if (conf.kind === "file") await writeFile3(path(root), conf.data, { mode: conf.mode });
}
function isSessionCopy(conf, host) {
  return conf.kind === "none" || conf.kind === "file" && host !== void 0 && conf.data.equals(host);
}
async function withChrootKeepingResolver(root, fn, logFile, preferred) {
  const before = await readResolvConf(root);
  const host = await readFile2("/etc/resolv.conf").catch(() => void 0);
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

// src/rootfs/boot-files.ts
import { mkdir as mkdir4, readFile as readFile4, readdir as readdir3, rm as rm6, writeFile as writeFile7 } from "node:fs/promises";
import { join as join10 } from "node:path";

// src/rootfs/mmdebstrap.ts
import { chmod as chmod2, rm as rm4, writeFile as writeFile5 } from "node:fs/promises";
import { join as join8 } from "node:path";

// src/rootfs/dpkg-watch.ts
import { open as open2, stat } from "node:fs/promises";
import { join as join6 } from "node:path";
var ACTIONS = { unpack: "unpack", configure: "configure", trigproc: "trigger" };
function parseDpkgLine(line) {
  const m = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (\S+) (\S+)(?: (\S+))?/.exec(line);
  if (!m) return {};
  const bare = (p) => p.replace(/:[a-z0-9]+$/, "");
  if (m[1] === "startup") return { startup: true };
  if (m[1] === "install") return { install: true, pkg: bare(m[2]) };
  if (m[1] === "status") return m[2] === "installed" && m[3] ? { installed: bare(m[3]) } : {};
  const kind = ACTIONS[m[1]];
  return kind ? { kind, pkg: bare(m[2]) } : {};
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
    const file = join6(this.root, "var", "log", "dpkg.log");
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
      this.current = { kind: e.kind, pkg: e.pkg, at };
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
        seconds: (at - this.current.at) / 1e3
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
function slowestSteps(profile, n = 10) {
  const sum = /* @__PURE__ */ new Map();
  for (const s of profile.steps) {
    const k = `${s.kind} ${s.pkg}`;
    const had = sum.get(k);
    if (had) had.seconds += s.seconds;
    else sum.set(k, { ...s });
  }
  return [...sum.values()].sort((a, b) => b.seconds - a.seconds).slice(0, n);
}
function profileText(profile, n = 10) {
  const stages = profile.stages.map((s) => `${s.name} ${s.seconds.toFixed(0)} s`).join(", ");
  const slow = slowestSteps(profile, n).map((s) => `${s.pkg} (${s.kind}) ${s.seconds.toFixed(1)} s`).join(", ");
  return `root filesystem stages: ${stages || "none seen"}; slowest steps: ${slow || "none seen"}`;
}

// src/rootfs/native-tools.ts
import {
  chmod,
  copyFile as copyFile2,
  lstat as lstat3,
  mkdir as mkdir2,
  readFile as readFile3,
  readlink as readlink2,
  realpath,
  rename,
  rm as rm3,
  rmdir,
  stat as stat2,
  symlink as symlink2,
  writeFile as writeFile4
} from "node:fs/promises";
import { existsSync } from "node:fs";
import { isAbsolute, join as join7, posix } from "node:path";
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
var READY = "native-tools.ready";
var DONE = "native-tools.done";
var ASIDE = ".rpi-build-native";
async function pathInRoot(root, path2) {
  const parts = path2.split("/").filter(Boolean);
  const done = [];
  let hops = 0;
  while (parts.length > 0) {
    const part = parts.shift();
    if (part === ".") continue;
    if (part === "..") {
      done.pop();
      continue;
    }
    const here = join7(root, ...done, part);
    const st = parts.length > 0 ? await lstatOrNone(here) : void 0;
    if (st?.isSymbolicLink()) {
      if (++hops > 40) throw new Error(`too many symlinks resolving ${path2} in ${root}`);
      const target = await readlink2(here);
      if (isAbsolute(target)) done.length = 0;
      parts.unshift(...target.split("/").filter(Boolean));
      continue;
    }
    done.push(part);
  }
  return join7(root, ...done);
}
async function packagePrograms(root, pkg, arch) {
  const info = join7(root, "var/lib/dpkg/info");
  const text = await readFile3(join7(info, `${pkg}.list`), "utf8").catch(() => void 0) ?? await readFile3(join7(info, `${pkg}:${arch}.list`), "utf8").catch(() => "");
  return text.split("\n").filter((p) => PROGRAM_DIRS.some((d) => p.startsWith(d))).filter((p) => !KEEP_EMULATED.has(posix.basename(p)) && (ONLY[pkg]?.has(posix.basename(p)) ?? true));
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
  constructor(root, hooksDir, arch) {
    this.root = root;
    this.hooksDir = hooksDir;
    this.arch = arch;
  }
  root;
  hooksDir;
  arch;
  placed = [];
  created = [];
  timer;
  pending;
  /** How many programs run natively (0 when the hook never asked or nothing fit). */
  count = 0;
  /** The essential hook that asks for the programs and waits for the answer. */
  static HOOK = `#!/bin/sh
# rpi-build essential hook: rpi-build puts the host's shell and text tools into the root
# for the remaining packages (rootfs/native-tools.ts) and answers; this waits for the answer.
set -e
dir=$(dirname "$0")
: > "$dir/native-tools.ready"
n=0
until [ -e "$dir/native-tools.done" ]; do
  n=$((n + 1))
  if [ "$n" -gt 1200 ]; then echo 'rpi-build did not answer the native-tools hook in 120 s' >&2; exit 1; fi
  sleep 0.1
done
`;
  /** Writes the hook (returned) and watches for its request while mmdebstrap runs. */
  async start() {
    const hook = join7(this.hooksDir, "essential-native-tools.sh");
    const ready = join7(this.hooksDir, READY);
    for (const f of [ready, join7(this.hooksDir, DONE)]) await rm3(f, { force: true });
    await writeFile4(hook, _NativeTools.HOOK);
    await chmod(hook, 493);
    this.timer = setInterval(() => {
      if (this.pending || !existsSync(ready)) return;
      clearInterval(this.timer);
      this.pending = this.answer();
    }, 100);
    return hook;
  }
  async answer() {
    await this.tryPutIn();
    await writeFile4(join7(this.hooksDir, DONE), "");
  }
  /** putIn, or everything under emulation (with a warning) when the host's programs do not fit. */
  async tryPutIn() {
    try {
      await this.putIn();
    } catch (err) {
      logger().warn(
        `The host's programs could not stand in for the root's (${errorMessage(err)}); the packages are configured under emulation.`
      );
      await this.undo().catch(() => void 0);
    }
  }
  /** Puts the programs in, proves the shell runs, and counts them. */
  async putIn() {
    const hostMachine = await elfMachine(process.execPath);
    const rootMachine = await elfMachine(await pathInRoot(this.root, "/bin/true"));
    if (!hostMachine || !rootMachine || hostMachine === rootMachine) return;
    const programs = /* @__PURE__ */ new Map();
    for (const pkg of NATIVE_PACKAGES) {
      for (const p of await packagePrograms(this.root, pkg, this.arch)) {
        const inRoot = await pathInRoot(this.root, p);
        const st = await lstatOrNone(inRoot);
        if (!st?.isFile() || programs.has(inRoot) || await elfMachine(inRoot) !== rootMachine) continue;
        const host = await realpath(p).catch(() => void 0);
        if (!host || !(await stat2(host)).isFile() || await elfMachine(host) !== hostMachine) continue;
        const libs = await hostLibraries(host);
        if (libs) programs.set(inRoot, { host, libs });
      }
    }
    if (programs.size === 0) return;
    const libraries = /* @__PURE__ */ new Map();
    for (const { libs } of programs.values())
      for (const lib of libs) {
        await this.mergedTop(lib);
        libraries.set(await pathInRoot(this.root, lib), lib);
      }
    for (const [dest, lib] of libraries) {
      if (await lstatOrNone(dest))
        throw new Error(`${lib} exists in the root (the host's libraries would replace the root's)`);
      await this.makeFolders(dest);
      await copyFile2(await realpath(lib), dest);
      await chmod(dest, 493);
      this.placed.push({ path: dest, stamp: await stamp(dest) });
    }
    await mkdir2(join7(this.root, ASIDE), { mode: 448 });
    this.created.push(join7(this.root, ASIDE));
    let i = 0;
    for (const [inRoot, { host }] of programs) {
      const original = join7(this.root, ASIDE, String(i++));
      await rename(inRoot, original);
      await copyFile2(host, inRoot);
      await chmod(inRoot, 493);
      this.placed.push({ path: inRoot, stamp: await stamp(inRoot), original });
    }
    const r = await inChroot(this.root, ["/bin/sh", "-c", "basename /a/b.c .c | sed s/b/ok/"], {
      allowFailure: true
    });
    if (r.exitCode !== 0 || r.stdout.trim() !== "ok")
      throw new Error(
        `the host's shell did not run in the root: ${(r.stderr || r.stdout).trim().slice(0, 200)}`
      );
    this.count = programs.size;
    logger().info(
      `${programs.size} programs of ${NATIVE_PACKAGES.join(", ")} run natively while packages are configured (${libraries.size} host libraries beside them)`
    );
  }
  /**
   * A top-level folder the root lacks (the host's /lib64) becomes a link into /usr, as in a
   * merged-/usr root: systemd's preinst refuses a root whose /lib64 is a real folder.
   */
  async mergedTop(lib) {
    const top = lib.split("/").filter(Boolean)[0];
    const link = join7(this.root, top);
    if (top === "usr" || await lstatOrNone(link)) return;
    const inUsr = join7(this.root, "usr", top);
    if (!await lstatOrNone(inUsr)) {
      await mkdir2(inUsr);
      this.created.push(inUsr);
    }
    await symlink2(`usr/${top}`, link);
    this.created.push(link);
  }
  /** mkdir -p that records each folder it made, to remove exactly those. */
  async makeFolders(file) {
    const missing = [];
    for (let d = posix.dirname(file); d.startsWith(this.root) && d !== this.root; d = posix.dirname(d)) {
      if (await lstatOrNone(d)) break;
      missing.unshift(d);
    }
    for (const d of missing) {
      await mkdir2(d);
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
    const replaced = [];
    for (const p of this.placed.reverse()) {
      const ours = await stamp(p.path) === p.stamp;
      if (ours) await rm3(p.path);
      if (p.original) {
        if (ours) await rename(p.original, p.path);
        else {
          replaced.push(p.path);
          await rm3(p.original);
        }
      }
    }
    this.placed.length = 0;
    for (const d of this.created.reverse()) {
      if ((await lstat3(d)).isSymbolicLink()) await rm3(d);
      else await rmdir(d);
    }
    this.created.length = 0;
    if (replaced.length)
      logger().info(`dpkg replaced ${replaced.length} program(s) meanwhile; their new files stay`);
  }
};

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
  const file = join8(hooksDir, "apt-auth.conf");
  if (/["\\{};\n]/.test(file))
    throw new Error(
      `The work folder's path ${hooksDir} holds a character apt's configuration cannot quote (" \\ { } ;); use another work-dir.`
    );
  await writeFile5(file, auth, { mode: 384 });
  await chmod2(file, 384);
  await writeFile5(join8(hooksDir, "apt-auth.apt.conf"), `Dir::Etc::netrc ${JSON.stringify(file)};
`);
  const setup = join8(hooksDir, "setup-apt-auth.sh");
  const customize = join8(hooksDir, "customize-apt-auth.sh");
  await writeFile5(setup, AUTH_SETUP_HOOK, { mode: 493 });
  await writeFile5(customize, AUTH_CUSTOMIZE_HOOK, { mode: 493 });
  return [`--setup-hook=${setup}`, `--customize-hook=${customize}`];
}
async function removeAuth(hooksDir) {
  for (const f of ["apt-auth.conf", "apt-auth.apt.conf"]) await rm4(join8(hooksDir, f), { force: true });
}
var DIVERT_INITRAMFS_HOOK = `#!/bin/sh
# rpi-build essential hook: no initramfs while packages install; one is made at the end.
set -e
chroot "$1" dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs
printf '#!/bin/sh\\nexit 0\\n' > "$1/usr/sbin/update-initramfs"
chmod 755 "$1/usr/sbin/update-initramfs"
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
var APT_RETRIES = 5;
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
async function buildRootfs(spec, target, hooksDir, logFile) {
  const divert = join8(hooksDir, "essential-divert-initramfs.sh");
  await writeFile5(divert, DIVERT_INITRAMFS_HOOK);
  await chmod2(divert, 493);
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
    const nativeHook = await native?.start();
    await exec(
      "mmdebstrap",
      [
        "--mode=root",
        "--variant=apt",
        `--architectures=${spec.arch}`,
        `--components=${spec.components.join(",")}`,
        `--include=${spec.packages.join(",")}`,
        ...DPKG_OPTS.map((o) => `--dpkgopt=${o}`),
        `--aptopt=Acquire::Retries "${APT_RETRIES}"`,
        // A stalled connection counts as a failed try instead of waiting minutes on it.
        '--aptopt=Acquire::http::Timeout "60"',
        `--essential-hook=${divert}`,
        ...nativeHook ? [`--essential-hook=${nativeHook}`] : [],
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

// src/rootfs/packages.ts
var KERNEL_PACKAGE = {
  arm64: "linux-image-arm64",
  // Pi 3, 4, 400, 5 (64-bit)
  armhf: "linux-image-armmp",
  // Pi 2, 3 (32-bit)
  armel: "linux-image-rpi"
  // Pi Zero, 1
};
var PI_CONSOLE = {
  arm64: "ttyS1,115200",
  armhf: "ttyAMA0,115200",
  armel: "ttyAMA0,115200"
};
var BASE_PACKAGES = [
  "raspi-firmware",
  "firmware-brcm80211",
  "systemd-sysv",
  "udev",
  "kmod",
  "initramfs-tools",
  "zstd",
  "openssh-server",
  "sudo",
  "locales",
  "tzdata",
  "ca-certificates",
  "iproute2",
  "iputils-ping",
  "systemd-timesyncd",
  "systemd-resolved",
  "wpasupplicant",
  "fdisk",
  // sfdisk grows the root partition on first boot (growpart would pull in python3)
  "e2fsprogs",
  "dosfstools"
];
function rootfsPackages(arch, extra) {
  return [.../* @__PURE__ */ new Set([KERNEL_PACKAGE[arch], ...BASE_PACKAGES, ...extra])].sort();
}

// src/rootfs/write.ts
import { mkdir as mkdir3, rm as rm5, writeFile as writeFile6 } from "node:fs/promises";
import { join as join9 } from "node:path";
async function writeRootFile(root, path2, text, mode = 420) {
  const p = join9(root, path2);
  await mkdir3(join9(p, ".."), { recursive: true });
  await rm5(p, { force: true });
  await writeFile6(p, text, { mode });
}

// src/rootfs/boot-files.ts
async function kernelVersion(root) {
  const kernels = (await readdir3(join10(root, "boot"))).filter((f) => f.startsWith("vmlinuz-")).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const last = kernels.pop();
  if (!last)
    throw new Error(
      "No kernel in the root filesystem (/boot/vmlinuz-*): the kernel package did not install."
    );
  return last.slice("vmlinuz-".length);
}
async function configureBoot(root, arch) {
  await writeRootFile(
    root,
    "etc/default/raspi-firmware",
    [
      "# Written by rpi-build; read by raspi-firmware when a kernel or initramfs is installed.",
      "ROOTPART=LABEL=RASPIROOT",
      `CONSOLES="tty0 ${PI_CONSOLE[arch]}"`,
      ""
    ].join("\n")
  );
  await writeRootFile(
    root,
    "etc/fstab",
    [
      "# <device>       <mount point>   <type> <options>                  <dump> <pass>",
      "LABEL=RASPIROOT  /               ext4   rw,noatime                 0      1",
      "LABEL=RASPIFIRM  /boot/firmware  vfat   rw,noatime,umask=0077      0      2",
      ""
    ].join("\n")
  );
  await mkdir4(join10(root, "boot", "firmware"), { recursive: true });
}
var INITRAMFS_MODULES = [
  "ext4",
  "crc32c_generic",
  // ext4's checksums; a soft dependency modprobe does not follow
  "gpio_regulator",
  // SD card power regulators on the Pi
  "fixed",
  "vfat",
  "nls_cp437",
  "nls_ascii",
  "mmc_block",
  "sdhci-iproc",
  "sdhci-pltfm",
  "bcm2835",
  "bcm2835-sdhost",
  "bcm2835-mmc",
  "usb-storage",
  "uas",
  "sd_mod",
  "xhci-pci",
  "xhci-plat-hcd",
  "dwc2",
  "reset-raspberrypi",
  "virtio_blk",
  "virtio_pci",
  "virtio_mmio"
];
async function makeInitramfs(root, logFile) {
  const version = await kernelVersion(root);
  const conf = join10(root, "tmp", "rpi-build-initramfs");
  await exec("cp", ["-a", join10(root, "etc", "initramfs-tools"), conf], {
    privileged: "copying the initramfs config"
  });
  const confFile = join10(conf, "initramfs.conf");
  const settings = (await readFile4(confFile, "utf8")).replace(/^MODULES=.*$/m, "MODULES=list").replace(/^FSTYPE=.*$/m, "FSTYPE=ext4").replace(/^COMPRESS=.*$/m, "COMPRESS=zstd");
  await writeFile7(confFile, settings);
  await writeFile7(join10(conf, "modules"), `${INITRAMFS_MODULES.join("\n")}
`);
  await inChroot(
    root,
    ["mkinitramfs", "-d", "/tmp/rpi-build-initramfs", "-o", `/boot/initrd.img-${version}`, version],
    {
      logFile,
      onLine: (l) => logger().progress(`initramfs: ${l}`)
    }
  );
  await rm6(conf, { recursive: true, force: true });
  await inChroot(root, ["/etc/kernel/postinst.d/z50-raspi-firmware", version, `/boot/vmlinuz-${version}`], {
    logFile,
    env: { DEB_MAINT_PARAMS: "configure" }
  });
}
async function restoreUpdateInitramfs(root, logFile) {
  await rm6(join10(root, "usr", "sbin", "update-initramfs"), { force: true });
  await inChroot(root, UNDIVERT_INITRAMFS, { logFile });
}

// src/rootfs/locale-gen.ts
import { readFile as readFile5 } from "node:fs/promises";
import { join as join11 } from "node:path";
var BASE_LOCALE = DEFAULTS.locale;
async function generateLocale(root, locale, logFile) {
  const supported = await readFile5(join11(root, "usr", "share", "i18n", "SUPPORTED"), "utf8");
  const line = supported.split("\n").find((l) => l.split(" ")[0] === locale);
  if (!line) {
    throw new InputError(
      "locale",
      `"${locale}" is not a locale Debian supports`,
      "Use a name from /usr/share/i18n/SUPPORTED such as en_GB.UTF-8."
    );
  }
  const gen = join11(root, "etc", "locale.gen");
  const archive = join11(root, "usr", "lib", "locale", "locale-archive");
  const done = await readFile5(gen, "utf8").catch(() => "") === `${line}
` && await exists(archive);
  if (done) return;
  await writeRootFile(root, "etc/locale.gen", `${line}
`);
  await inChroot(root, ["locale-gen"], { logFile });
}

// src/rootfs/base.ts
var NO_SOURCES = { suite: "", mirror: "", components: [] };
async function buildBase(spec, root, hooksDir, logFile) {
  const profile = await buildRootfs(spec, root, hooksDir, logFile);
  if (profile) {
    logger().info(profileText(profile));
    await writeFile8(join12(dirname(logFile), "rootfs-profile.json"), `${JSON.stringify(profile)}
`);
  }
  await writeImageSources(root, spec);
  await finishBase(root, spec.arch, logFile);
}
async function finishBase(root, arch, logFile) {
  await configureBoot(root, arch);
  await withChrootKeepingResolver(
    root,
    async () => {
      await makeInitramfs(root, logFile);
      await generateLocale(root, BASE_LOCALE, logFile);
    },
    logFile
  );
}
async function refreshBase(root, arch, logFile, sources) {
  const before = await kernelVersion(root);
  let upgraded = 0;
  const native = sources?.nativeTools === false ? void 0 : new NativeTools(root, "", arch);
  await native?.tryPutIn();
  try {
    upgraded = await upgradeInRoot(root, logFile, sources);
  } finally {
    await native?.takeOut();
  }
  await exec("find", [`${root}/var/lib/apt/lists`, "-maxdepth", "1", "-type", "f", "-delete"], {
    privileged: "cleaning apt lists",
    logFile
  });
  if (await kernelVersion(root) !== before || upgraded > 0) await finishBase(root, arch, logFile);
  return { upgraded };
}
async function upgradeInRoot(root, logFile, sources) {
  let upgraded = 0;
  await withChrootKeepingResolver(
    root,
    // apt in the chroot gets the archives' logins only for the duration.
    () => withAptAuth(root, sources ?? NO_SOURCES, async () => {
      await inChroot(root, ["apt-get", "update", "-q", "-o", "Acquire::Retries=5"], {
        logFile,
        onLine: (l) => logger().progress(`apt: ${l}`)
      });
      await inChroot(
        root,
        [
          "apt-get",
          "dist-upgrade",
          "-y",
          "-q",
          "-o",
          "Dpkg::Options::=--force-unsafe-io",
          "-o",
          "Dpkg::Options::=--force-confdef",
          "-o",
          "Dpkg::Options::=--force-confold"
        ],
        {
          logFile,
          onLine: (l) => {
            if (/^Unpacking /.test(l)) upgraded++;
            logger().progress(`apt: ${l}`);
          }
        }
      );
      await inChroot(root, ["apt-get", "clean"], { logFile });
    }),
    logFile
  );
  return upgraded;
}

// src/rootfs/cached-base.ts
async function baseWithCache(spec, caches, paths) {
  const state = await archiveStates(spec);
  const entry = rootfsEntry(spec, state, paths);
  const restored = await caches.restore(entry);
  if (restored.report.status === "partial") {
    const { upgraded } = await refreshBase(paths.root, spec.arch, paths.log, spec);
    logger().info(`brought the cached root up to date: ${upgraded} package(s) upgraded`);
  } else if (restored.report.status !== "hit") {
    await buildBase(spec, paths.root, paths.hooks, paths.log);
  }
  await caches.save(entry, restored);
  return restored.report;
}

// src/rootfs/custom-kernel.ts
import { existsSync as existsSync2 } from "node:fs";
import { copyFile as copyFile3, mkdir as mkdir5, readdir as readdir4, rm as rm7 } from "node:fs/promises";
import { join as join13 } from "node:path";
async function debianKernelPackages(root) {
  return (await readManifest(root)).map((p) => p.name).filter((n) => /^linux-image-/.test(n));
}
async function installKernelBuild(root, build, logFile) {
  const log = logger();
  const debian = await debianKernelPackages(root);
  if (debian.length) {
    log.info(`kernel-dir: removing Debian's kernel (${debian.join(", ")})`);
    await inChroot(root, ["dpkg", "--purge", ...debian], {
      logFile,
      onLine: (l) => log.progress(`kernel-dir: ${l}`)
    });
  }
  const boot = join13(root, "boot");
  for (const f of await readdir4(boot))
    if (f.startsWith("initrd.img-") && !existsSync2(join13(boot, `vmlinuz-${f.slice("initrd.img-".length)}`)))
      await rm7(join13(boot, f));
  const firmware = join13(boot, "firmware");
  for (const f of await readdir4(firmware))
    if (/^(vmlinuz-|initrd\.img-)/.test(f) || /^bcm.*\.dtb$/.test(f)) await rm7(join13(firmware, f));
  const { release } = build;
  log.info(`kernel-dir: installing ${release} (${build.firmwareName}, ${build.dtbs.length} device trees)`);
  await copyFile3(build.kernel, join13(boot, `vmlinuz-${release}`));
  await copyFile3(build.config, join13(boot, `config-${release}`));
  if (build.systemMap) await copyFile3(build.systemMap, join13(boot, `System.map-${release}`));
  const dtbDir = join13(
    root,
    "usr",
    "lib",
    `linux-image-${release}`,
    ...build.arch === "arm64" ? ["broadcom"] : []
  );
  await mkdir5(dtbDir, { recursive: true });
  for (const dtb of build.dtbs) await copyFile3(dtb, join13(dtbDir, dtb.split("/").pop()));
  if (build.overlays.length) {
    await mkdir5(join13(firmware, "overlays"), { recursive: true });
    for (const o of build.overlays) await copyFile3(o, join13(firmware, "overlays", o.split("/").pop()));
  }
  if (build.modules) {
    log.progress(`kernel-dir: unpacking the modules of ${release}`);
    await exec(
      "tar",
      ["--extract", "--gzip", "--keep-directory-symlink", "--file", build.modules, "--directory", root],
      { logFile, privileged: "unpacking the kernel modules into the root" }
    );
    log.progress(`kernel-dir: depmod ${release}`);
    await inChroot(root, ["depmod", release], { logFile });
  }
}

// src/rootfs/locale.ts
import { rm as rm8, stat as stat3, symlink as symlink3 } from "node:fs/promises";
import { join as join14 } from "node:path";
async function configureLocale(root, config, logFile) {
  await writeRootFile(root, "etc/default/locale", `LANG=${config.locale}
`);
  if (/^C(\.|$)/.test(config.locale)) return;
  await generateLocale(root, config.locale, logFile);
}
async function configureTimezone(root, config) {
  const zone = join14(root, "usr", "share", "zoneinfo", config.timezone);
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
  await rm8(join14(root, "etc", "localtime"), { force: true });
  await symlink3(`/usr/share/zoneinfo/${config.timezone}`, join14(root, "etc", "localtime"));
  await writeRootFile(root, "etc/timezone", `${config.timezone}
`);
}

// src/rootfs/overlay.ts
import { chmod as chmod3, copyFile as copyFile4, mkdir as mkdir6, rm as rm9 } from "node:fs/promises";
import { basename, join as join15 } from "node:path";
async function applyOverlay(root, overlay, logFile) {
  await checkOverlay(overlay);
  await exec("cp", ["-a", "--no-preserve=ownership", `${overlay}/.`, root], {
    privileged: "copying the overlay",
    logFile
  });
}
async function runCustomizeScripts(root, scripts, logFile) {
  const dir = join15(root, "tmp", "rpi-build-customize");
  await mkdir6(dir, { recursive: true });
  try {
    for (const [i, script] of scripts.entries()) {
      await checkCustomizeScript(script);
      const name = `${String(i + 1).padStart(2, "0")}-${basename(script)}`;
      await copyFile4(script, join15(dir, name));
      await chmod3(join15(dir, name), 493);
      const tail = [];
      await logger().group(`customize: ${basename(script)}`, async () => {
        const r = await inChroot(root, [`/tmp/rpi-build-customize/${name}`], {
          logFile,
          allowFailure: true,
          onLine: (line) => {
            logger().info(line);
            tail.push(line);
            if (tail.length > 40) tail.shift();
          }
        });
        if (r.exitCode !== 0) {
          throw new ExecError(`customize script ${script}`, r.exitCode, r.signal, tail.join("\n"), logFile);
        }
      });
    }
  } finally {
    await rm9(dir, { recursive: true, force: true });
  }
}

// src/rootfs/reproducible.ts
function sourceDateEpoch(env = process.env) {
  const v = env.SOURCE_DATE_EPOCH;
  if (v === void 0 || v === "") return void 0;
  if (!/^\d{1,12}$/.test(v)) {
    throw new Error(
      `SOURCE_DATE_EPOCH must be whole seconds since 1970 (got "${v}"). Unset it or fix its value.`
    );
  }
  return Number(v);
}
async function clampTimestamps(root, epoch, logFile) {
  await exec(
    "find",
    [
      root,
      "-xdev",
      "-newermt",
      `@${epoch}`,
      "-exec",
      "touch",
      "--no-dereference",
      "--date",
      `@${epoch}`,
      "{}",
      "+"
    ],
    { privileged: "setting timestamps to SOURCE_DATE_EPOCH", ...logFile ? { logFile } : {} }
  );
}

// src/rootfs/scrub.ts
import { chmod as chmod4, mkdir as mkdir7, readdir as readdir5, rm as rm10, writeFile as writeFile9 } from "node:fs/promises";
import { join as join16 } from "node:path";
async function scrub(root) {
  for (const f of await readdir5(join16(root, "etc", "ssh")).catch(() => [])) {
    if (/^ssh_host_.*_key(\.pub)?$/.test(f)) await rm10(join16(root, "etc", "ssh", f), { force: true });
  }
  await writeFile9(join16(root, "etc", "machine-id"), "");
  await rm10(join16(root, "var", "lib", "dbus", "machine-id"), { force: true });
  for (const d of ["var/cache/apt/archives", "var/lib/apt/lists"]) {
    for (const f of await readdir5(join16(root, d)).catch(() => [])) {
      if (f !== "partial" && f !== "lock") await rm10(join16(root, d, f), { recursive: true, force: true });
    }
  }
  await rm10(join16(root, "tmp"), { recursive: true, force: true });
  await mkdir7(join16(root, "tmp"), { mode: 1023 });
  await chmod4(join16(root, "tmp"), 1023);
}

// src/rootfs/system.ts
import { lstat as lstat4 } from "node:fs/promises";
import { join as join17 } from "node:path";
var FIRSTBOOT_SCRIPT = `#!/bin/sh
# rpi-build first boot: grow the root partition and filesystem to fill the card,
# and make this device's own SSH host keys (the image ships none).
set -u
root=$(findmnt -n -o SOURCE /)
disk=/dev/$(lsblk -no PKNAME "$root")
part=$(cat "/sys/class/block/$(basename "$root")/partition")
before=$(df -m --output=size / | tail -n 1 | tr -d ' ')
# Move the partition's end to the end of the disk; the kernel learns the new size via partx.
echo ', +' | sfdisk --quiet --force --no-reread --no-tell-kernel -N "$part" "$disk" >/dev/null 2>&1
partx -u --nr "$part" "$disk"
resize2fs "$root" >/dev/null 2>&1
after=$(df -m --output=size / | tail -n 1 | tr -d ' ')
echo "rpi-build-firstboot: root filesystem $before MiB -> $after MiB"
ssh-keygen -A
mkdir -p /var/lib/rpi-build
touch /var/lib/rpi-build/firstboot-done
echo "rpi-build-firstboot: done"
`;
var FIRSTBOOT_UNIT = `[Unit]
Description=rpi-build first boot: grow the root filesystem, make SSH host keys
ConditionPathExists=!/var/lib/rpi-build/firstboot-done
After=local-fs.target
Before=ssh.service getty-pre.target
Wants=getty-pre.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/rpi-build-firstboot
RemainAfterExit=yes
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
`;
async function configureSystem(root, config, logFile) {
  await writeRootFile(root, "etc/hostname", `${config.hostname}
`);
  await writeRootFile(
    root,
    "etc/hosts",
    `127.0.0.1	localhost
127.0.1.1	${config.hostname}
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
`
  );
  await writeRootFile(
    root,
    "etc/systemd/network/10-wired.network",
    "[Match]\nName=eth* en*\n\n[Network]\nDHCP=yes\n"
  );
  await writeRootFile(root, "usr/local/sbin/rpi-build-firstboot", FIRSTBOOT_SCRIPT, 493);
  await writeRootFile(root, "etc/systemd/system/rpi-build-firstboot.service", FIRSTBOOT_UNIT);
  const units = ["systemd-networkd.service", "rpi-build-firstboot.service"];
  if (await hasResolved(root)) units.push("systemd-resolved.service");
  await inChroot(root, ["systemctl", "enable", ...units], { logFile });
}
function hasResolved(root) {
  return lstat4(join17(root, "lib", "systemd", "system", "systemd-resolved.service")).then(
    () => true,
    () => false
  );
}

// src/rootfs/user.ts
import { chown, mkdir as mkdir8, readFile as readFile6, writeFile as writeFile10 } from "node:fs/promises";
import { join as join18 } from "node:path";
async function hashPassword(password) {
  const r = await exec("openssl", ["passwd", "-6", "-stdin"], { input: `${password}
` });
  const hash = r.stdout.trim();
  if (!/^\$6\$[^\s:]+$/.test(hash)) throw new Error("openssl did not return one SHA-512 crypt hash");
  return hash;
}
async function setShadowHash(root, user, hash) {
  const path2 = join18(root, "etc", "shadow");
  const lines = (await readFile6(path2, "utf8")).split("\n").map((l) => {
    const f = l.split(":");
    if (f[0] !== user) return l;
    f[1] = hash;
    return f.join(":");
  });
  await writeFile10(path2, lines.join("\n"), { mode: 416 });
}
async function userIds(root, user) {
  const line = (await readFile6(join18(root, "etc", "passwd"), "utf8")).split("\n").find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`user ${user} was not created`);
  const f = line.split(":");
  return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
}
async function existingGroups(root, wanted) {
  const groups = new Set(
    (await readFile6(join18(root, "etc", "group"), "utf8")).split("\n").map((l) => l.split(":")[0])
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
    const dir = join18(root, home, ".ssh");
    await mkdir8(dir, { recursive: true, mode: 448 });
    await writeFile10(join18(dir, "authorized_keys"), `${config.sshAuthorizedKeys.join("\n")}
`, {
      mode: 384
    });
    await chown(dir, uid, gid);
    await chown(join18(dir, "authorized_keys"), uid, gid);
  }
  if (config.password && config.sshAuthorizedKeys.length) return "password+ssh-key";
  if (config.password) return "password";
  if (config.sshAuthorizedKeys.length) return "ssh-key";
  return "locked";
}

// src/rootfs/customize.ts
async function customizeRootfs(root, config, logFile) {
  const kernel = config.kernelDir !== void 0 ? await readKernelBuild(config.kernelDir, config.arch[0]) : void 0;
  let account = "locked";
  const sources = {
    suite: config.suite,
    mirror: config.mirror,
    securityMirror: config.securityMirror,
    components: []
  };
  await withChrootKeepingResolver(
    root,
    () => withAptAuth(root, sources, async () => {
      await configureSystem(root, config, logFile);
      await configureLocale(root, config, logFile);
      await configureTimezone(root, config);
      account = await configureUser(root, config, logFile);
      if (config.overlay) await applyOverlay(root, config.overlay, logFile);
      if (kernel) await installKernelBuild(root, kernel, logFile);
      if (config.customize.length) await runCustomizeScripts(root, config.customize, logFile);
      if (config.customize.length || kernel) await makeInitramfs(root, logFile);
      await restoreUpdateInitramfs(root, logFile);
    }),
    logFile,
    await hasResolved(root) ? RESOLVED_STUB : void 0
  );
  await scrub(root);
  const epoch = sourceDateEpoch();
  if (epoch !== void 0) await clampTimestamps(root, epoch, logFile);
  return { kernelVersion: await kernelVersion(root), account };
}

// src/builders/debian.ts
var debianBuilder = {
  hostTools: ({ config }) => ensureImageTools(config).then(() => void 0),
  build: buildDebianImage
};
async function buildDebianImage({ config, workDir, phases, caches, facts }) {
  const arch = config.arch[0];
  const dirs = {
    rootfs: join19(workDir, "rootfs"),
    boot: join19(workDir, "boot"),
    stage: join19(workDir, "stage"),
    logs: join19(workDir, "logs"),
    hooks: join19(workDir, "hooks")
  };
  for (const d of [dirs.stage, dirs.logs, dirs.hooks, dirs.boot]) await mkdir9(d, { recursive: true });
  const base = `${config.imageName}-${config.suite}-${arch}`;
  const image = join19(dirs.stage, `${base}.img`);
  const log = (name) => join19(dirs.logs, `${name}.log`);
  const spec = {
    arch,
    suite: config.suite,
    mirror: config.mirror,
    securityMirror: config.securityMirror,
    components: ["main", "non-free-firmware"],
    packages: rootfsPackages(arch, config.packages),
    nativeTools: config.nativeTools
  };
  const rootfsCache = await phases.run(
    "rootfs",
    `Root filesystem: Debian ${config.suite} ${arch}`,
    () => baseWithCache(spec, caches, {
      root: dirs.rootfs,
      hooks: dirs.hooks,
      tarball: join19(workDir, "cache", "rootfs.tar.zst"),
      log: log("rootfs")
    })
  );
  const custom = await phases.run(
    "customize",
    "Customize: Raspberry Pi boot, user, locale, scripts, initramfs",
    () => customizeRootfs(dirs.rootfs, config, log("customize"))
  );
  if (custom.account === "locked") {
    logger().warn(`The account ${config.username} is locked: no password and no SSH key were given.`);
  }
  const manifest = await readManifest(dirs.rootfs);
  const packageCount = manifest.length;
  if (config.kernelDir !== void 0) {
    manifest.push({ name: "kernel-dir", version: custom.kernelVersion, arch });
    manifest.sort((a, b) => a.name.localeCompare(b.name));
    facts.kernel = `${custom.kernelVersion} (kernel-dir)`;
  }
  const manifestPath = join19(dirs.stage, `${base}.manifest`);
  await writeManifest(manifestPath, manifest);
  const assembled = await phases.run(
    "assemble",
    "Assemble the image (no loop devices)",
    () => withDiskSpace(workDir, "assembly", async () => {
      const fw = join19(dirs.rootfs, "boot", "firmware");
      for (const e of await readdir6(fw)) await rename2(join19(fw, e), join19(dirs.boot, e));
      const r = await assembleImage({
        image,
        bootDir: dirs.boot,
        rootDir: dirs.rootfs,
        bootSizeMiB: config.bootSize,
        rootMarginMiB: config.rootMargin,
        logFile: log("assemble")
      });
      await writeBmap(image, `${image}.bmap`, log("assemble"));
      return r;
    })
  );
  const bootLog = join19(dirs.stage, `${base}.boot.log`);
  const booting = config.bootTest ? phases.run("boot-test", `Boot test on ${machineLabel(arch, config.bootMachine)}`, async () => {
    const r = await bootTest({
      image,
      arch,
      machine: config.bootMachine,
      workDir,
      consoleLog: bootLog,
      timeoutSeconds: config.bootTimeout,
      guest: {
        scripts: config.testScript,
        timeoutSeconds: config.testTimeout,
        username: config.username,
        account: custom.account
      }
    });
    Object.assign(facts, r.facts);
    if (!r.passed)
      throw new Error(
        `Boot test failed after ${r.seconds.toFixed(0)} s: ${r.detail}. Console log: ${bootLog}`
      );
    logger().info(
      `Boot test passed in ${r.seconds.toFixed(0)} s: "${r.detail}"${r.firstboot ? `; ${r.firstboot}` : ""}`
    );
    return r;
  }) : Promise.resolve(void 0);
  const compressing = phases.run(
    "compress",
    `Compress (${config.compression})`,
    () => withDiskSpace(workDir, "compression", () => compressImage(image, config.compression, log("compress")))
  );
  const [boot, compressed] = await Promise.all([booting, compressing]);
  if (compressed !== image) await rm11(image);
  return {
    files: [compressed, `${image}.bmap`, manifestPath, ...boot ? [bootLog] : []],
    dir: dirs.stage,
    outputs: {
      "kernel-release": custom.kernelVersion,
      "root-size": String(assembled.layout.rootSize),
      "package-count": String(packageCount),
      account: custom.account,
      "boot-test": boot ? `passed in ${boot.seconds.toFixed(0)} s` : "skipped",
      "cache-hit": String(rootfsCache.status === "hit")
    }
  };
}
export {
  debianBuilder
};
