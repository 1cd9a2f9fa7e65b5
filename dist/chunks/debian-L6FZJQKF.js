import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  readElf
} from "./chunk-JPZUMQ53.js";
import {
  BASE_LOCALE,
  RESOLVED_STUB,
  applyOverlay,
  assembleImage,
  bootAndCompress,
  configureLocale,
  configureTimezone,
  configureUser,
  generateLocale,
  inChroot,
  readManifest,
  runCustomizeScripts,
  scrub,
  withChrootKeepingResolver,
  withChrootMounts,
  writeBmap,
  writeManifest,
  writeRootFile
} from "./chunk-P24O7YNA.js";
import "./chunk-QMABZQYF.js";
import "./chunk-AOK3HAXE.js";
import "./chunk-MVFUR7WS.js";
import "./chunk-JQP4225V.js";
import {
  ensureImageTools
} from "./chunk-5R46RPDP.js";
import {
  readKernelBuild
} from "./chunk-2Y3BNSSO.js";
import "./chunk-WKCL3XOP.js";
import "./chunk-FCYPM6WI.js";
import {
  archiveStates,
  authConf,
  mmdebstrapMirrors,
  rootfsEntry,
  withAptAuth,
  writeImageSources
} from "./chunk-WFG7JX67.js";
import {
  withDiskSpace
} from "./chunk-PWXKGCEB.js";
import "./chunk-GQWLO3JV.js";
import "./chunk-AKLGG77D.js";
import {
  installPackages
} from "./chunk-FX24ZEC6.js";
import {
  withoutCredentials
} from "./chunk-G4YZ52AF.js";
import {
  which
} from "./chunk-X2M4GMIQ.js";
import {
  ExecError,
  errorMessage,
  exec,
  tryOutput
} from "./chunk-5XQTGPXW.js";
import {
  logger
} from "./chunk-HN3MK2TO.js";

// src/builders/debian.ts
import { mkdir as mkdir6, readdir as readdir6, rename as rename2 } from "node:fs/promises";
import { join as join11 } from "node:path";

// src/rootfs/base.ts
import { writeFile as writeFile6 } from "node:fs/promises";
import { dirname, join as join7 } from "node:path";

// src/rootfs/boot-files.ts
import { mkdir as mkdir4, readFile as readFile3, readdir as readdir4, rm as rm5, writeFile as writeFile5 } from "node:fs/promises";
import { join as join6 } from "node:path";

// src/rootfs/mkinitramfs.ts
import { mkdir as mkdir2, readdir as readdir2, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";
import { join as join2 } from "node:path";

// src/rootfs/native-tools.ts
import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  symlink,
  writeFile
} from "node:fs/promises";
import { existsSync } from "node:fs";
import { isAbsolute, join, posix } from "node:path";
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
async function pathInRoot(root, path) {
  const parts = path.split("/").filter(Boolean);
  const done2 = [];
  let hops = 0;
  while (parts.length > 0) {
    const part = parts.shift();
    if (part === ".") continue;
    if (part === "..") {
      done2.pop();
      continue;
    }
    const here = join(root, ...done2, part);
    const st = parts.length > 0 ? await lstatOrNone(here) : void 0;
    if (st?.isSymbolicLink()) {
      if (++hops > 40) throw new Error(`too many symlinks resolving ${path} in ${root}`);
      const target = await readlink(here);
      if (isAbsolute(target)) done2.length = 0;
      parts.unshift(...target.split("/").filter(Boolean));
      continue;
    }
    done2.push(part);
  }
  return join(root, ...done2);
}
async function packagePrograms(root, pkg, arch) {
  const info = join(root, "var/lib/dpkg/info");
  const text = await readFile(join(info, `${pkg}.list`), "utf8").catch(() => void 0) ?? await readFile(join(info, `${pkg}:${arch}.list`), "utf8").catch(() => "");
  return text.split("\n").filter((p) => isProgram(pkg, p));
}
var EXAMINE_PROGRAMS = ["usrmerge"];
async function downloadedDeb(root, pkg, arch) {
  const dir = join(root, "var/cache/apt/archives");
  const debs = (await readdir(dir).catch(() => [])).filter(
    (n) => n.startsWith(`${pkg}_`) && (n.endsWith(`_${arch}.deb`) || n.endsWith("_all.deb"))
  );
  return debs.length === 1 ? join(dir, debs[0]) : void 0;
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
function isProgram(pkg, path) {
  if (!PROGRAM_DIRS.some((d) => path.startsWith(d))) return false;
  const name = posix.basename(path);
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
var lstatOrNone = (path) => lstat(path).catch(() => void 0);
async function stamp(path) {
  const st = await lstatOrNone(path);
  return st && `${st.ino} ${st.ctimeMs} ${st.size}`;
}
async function elfMachine(path) {
  return (await readElf(path))?.machine;
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
      hooks[stage] = join(this.hooksDir, `${stage}-native-tools.sh`);
      for (const f of [ready(stage), done(stage)]) await rm(join(this.hooksDir, f), { force: true });
      await writeFile(hooks[stage], _NativeTools.HOOK);
      await chmod(hooks[stage], 493);
    }
    const waiting = new Set(stages);
    this.timer = setInterval(() => {
      if (this.pending) return;
      const stage = [...waiting].find((st) => existsSync(join(this.hooksDir, ready(st))));
      if (!stage) return;
      waiting.delete(stage);
      if (waiting.size === 0) clearInterval(this.timer);
      this.pending = this.answer(stage).finally(() => this.pending = void 0);
    }, 100);
    return hooks;
  }
  /** Also run when the essential hook asks, once the host's programs are in (the root's own release of some tools). */
  alongside = [];
  alsoPutIn(fn) {
    this.alongside.push(fn);
  }
  async answer(stage) {
    let failed = "";
    try {
      if (stage === "extract") await this.tryPutIn("extract");
      else {
        await this.undivert();
        await this.tryPutIn();
        for (const fn of this.alongside) await fn();
      }
    } catch (err) {
      failed = `rpi-build's native tools failed at mmdebstrap's ${stage} hook: ${errorMessage(err)}
`;
    }
    await writeFile(join(this.hooksDir, done(stage)), failed);
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
        const inRoot = await pathInRoot(this.root, p);
        if (programs.has(inRoot) || already.has(inRoot)) continue;
        const st = await lstatOrNone(inRoot);
        if (!st?.isFile() || await elfMachine(inRoot) !== rootMachine) continue;
        const host = await realpath(p).catch(() => void 0);
        if (!host || !(await stat(host)).isFile() || await elfMachine(host) !== hostMachine) continue;
        const libs = await hostLibraries(host);
        if (libs) programs.set(inRoot, { host, libs, known: p });
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
      await copyFile(await realpath(lib), dest);
      await chmod(dest, 493);
      this.placed.push({ path: dest, stamp: await stamp(dest) });
    }
    const aside = join(this.root, ASIDE);
    if (!this.created.includes(aside)) {
      await mkdir(aside, { mode: 448 });
      this.created.push(aside);
    }
    const diversions = [];
    for (const [inRoot, { host, known }] of programs) {
      const name = String(this.placed.length);
      const original = join(aside, name);
      await rename(inRoot, original);
      await copyFile(host, inRoot);
      await chmod(inRoot, 493);
      const diverted = stage === "extract" ? known : void 0;
      this.placed.push({ path: inRoot, stamp: await stamp(inRoot), original, diverted });
      if (diverted) diversions.push(`${diverted}
/${ASIDE}/${name}
:
`);
    }
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
    const file = join(this.root, DIVERSIONS);
    const before = await readFile(file, "utf8").catch(() => void 0);
    await mkdir(join(file, ".."), { recursive: true });
    this.diverted = { before };
    await writeFile(file, (before ?? "") + entries);
  }
  /**
   * Takes our diversions out of dpkg's list again, leaving what dpkg-divert added meanwhile as
   * it wrote it; the originals stay aside (the package's file, as dpkg unpacked it there) until
   * takeOut puts them back. With none left, the file is as before: absent when it was.
   */
  async undivert() {
    if (!this.diverted) return;
    const ours = new Set(this.placed.flatMap((p) => p.diverted ? [p.diverted] : []));
    const file = join(this.root, DIVERSIONS);
    const lines = (await readFile(file, "utf8").catch(() => "")).split("\n");
    const kept = [];
    for (let i = 0; i + 2 < lines.length; i += 3) {
      const [from, to, pkg] = [lines[i], lines[i + 1], lines[i + 2]];
      if (pkg === ":" && ours.has(from) && to.startsWith(`/${ASIDE}/`)) continue;
      kept.push(`${from}
${to}
${pkg}
`);
    }
    if (kept.length === 0 && this.diverted.before === void 0) await rm(file, { force: true });
    else await writeFile(file, kept.join(""));
    for (const p of this.placed) p.diverted = void 0;
    this.diverted = void 0;
  }
  /**
   * A top-level folder the root lacks (the host's /lib64) becomes a link into /usr, as in a
   * merged-/usr root: systemd's preinst refuses a root whose /lib64 is a real folder.
   */
  async mergedTop(lib) {
    const top = lib.split("/").filter(Boolean)[0];
    const link = join(this.root, top);
    if (top === "usr" || await lstatOrNone(link)) return;
    const inUsr = join(this.root, "usr", top);
    if (!await lstatOrNone(inUsr)) {
      await mkdir(inUsr);
      this.created.push(inUsr);
    }
    await symlink(`usr/${top}`, link);
    this.created.push(link);
  }
  /** The top-level links made for the host's loader (`lib64`), while the programs are in. */
  topLinks() {
    return this.created.map((p) => posix.basename(p)).filter((n, i) => this.created[i] === join(this.root, n) && n !== ASIDE);
  }
  /** mkdir -p that records each folder it made, to remove exactly those. */
  async makeFolders(file) {
    const missing = [];
    for (let d = posix.dirname(file); d.startsWith(this.root) && d !== this.root; d = posix.dirname(d)) {
      if (await lstatOrNone(d)) break;
      missing.unshift(d);
    }
    for (const d of missing) {
      await mkdir(d);
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
      if (ours) await rm(p.path);
      if (p.original) {
        if (ours) await rename(p.original, p.path);
        else {
          replaced.push(p.path);
          await rm(p.original);
        }
      }
    }
    this.placed.length = 0;
    for (const d of this.created.reverse()) {
      if ((await lstat(d)).isSymbolicLink()) await rm(d);
      else await rmdir(d);
    }
    this.created.length = 0;
    if (replaced.length)
      logger().info(`dpkg replaced ${replaced.length} program(s) meanwhile; their new files stay`);
  }
};

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

// src/rootfs/mkinitramfs.ts
var WORK = "/tmp/rpi-build-mkinitramfs";
async function mkinitramfs(root, version, confDir, opts, output = `/boot/initrd.img-${version}`) {
  const native = opts.nativeTools ? new NativeTools(root, "", opts.arch, "for mkinitramfs") : void 0;
  const hook = join2(root, confDir, "hooks", "zz-rpi-build-native-links");
  const list = join2(root, confDir, "rpi-build-native-links");
  let hostFiles = [];
  try {
    await native?.tryPutIn();
    const links = native?.count ? native.topLinks() : [];
    if (links.length) {
      await mkdir2(join2(root, confDir, "hooks"), { recursive: true });
      await writeFile2(list, `${links.join("\n")}
`);
      await writeFile2(hook, LINKS_HOOK, { mode: 493 });
    }
    hostFiles = await run(root, version, confDir, output, opts.logFile, !!native?.count);
  } finally {
    for (const f of [hook, list]) await rm2(f, { force: true });
    await native?.takeOut();
  }
  if (!hostFiles.length) return;
  logger().warn(
    `The initramfs held the host's own ${hostFiles.join(", ")} (a hook copied a program that stood in for the root's); it is made again under emulation.`
  );
  await run(root, version, confDir, output, opts.logFile, false);
}
async function run(root, version, confDir, output, logFile, check) {
  const work = join2(root, WORK);
  const epoch = sourceDateEpoch();
  await rm2(work, { recursive: true, force: true });
  await mkdir2(work, { mode: 448 });
  try {
    await inChroot(root, ["mkinitramfs", "-k", "-d", confDir, "-o", output, version], {
      logFile,
      // The initramfs's entries get SOURCE_DATE_EPOCH's time, as the root's files do.
      env: { TMPDIR: WORK, ...epoch === void 0 ? {} : { SOURCE_DATE_EPOCH: String(epoch) } },
      onLine: (l) => {
        if (!/^Working files in /.test(l)) logger().progress(`initramfs: ${l}`);
      }
    });
    if (!check) return [];
    const tree = (await readdir2(work)).find((n) => n.startsWith("mkinitramfs_"));
    if (!tree) throw new Error(`mkinitramfs left no working tree in ${WORK}`);
    return await hostPrograms(join2(work, tree));
  } finally {
    await rm2(work, { recursive: true, force: true });
  }
}
async function hostPrograms(dir) {
  const host = await elfMachine(process.execPath);
  const found = [];
  const walk = async (rel) => {
    for (const e of await readdir2(join2(dir, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && await elfMachine(join2(dir, p)) === host) found.push(p);
    }
  };
  await walk("");
  return found;
}
var LINKS_HOOK = `#!/bin/sh
# rpi-build: links made for the host's loader are not part of the root (rootfs/mkinitramfs.ts).
[ "$1" = prereqs ] && exit 0
while read -r l; do
  [ -L "$DESTDIR/$l" ] && rmdir "$DESTDIR/usr/$l" 2>/dev/null && rm "$DESTDIR/$l"
done < "$CONFDIR/rpi-build-native-links"
exit 0
`;

// src/rootfs/mmdebstrap.ts
import { chmod as chmod3, rm as rm4, writeFile as writeFile4 } from "node:fs/promises";
import { join as join5 } from "node:path";

// src/rootfs/dpkg-watch.ts
import { open, stat as stat2 } from "node:fs/promises";
import { join as join3 } from "node:path";
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
    const file = join3(this.root, "var", "log", "dpkg.log");
    const st = await stat2(file).catch(() => void 0);
    if (!st || st.size <= this.offset) return;
    const fh = await open(file, "r");
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

// src/rootfs/suite-tools.ts
import { chmod as chmod2, lstat as lstat2, mkdir as mkdir3, readFile as readFile2, readdir as readdir3, readlink as readlink2, rm as rm3, writeFile as writeFile3 } from "node:fs/promises";
import { isAbsolute as isAbsolute2, join as join4, posix as posix2, relative } from "node:path";
var DIR = ".rpi-build-suite-tools";
var TOOLS = [
  {
    pkg: "kmod",
    name: "depmod",
    paths: ["/usr/sbin/depmod", "/sbin/depmod"],
    redo: async (root) => (await readdir3(join4(root, "usr/lib/modules")).catch(() => [])).map((v) => ["depmod", v])
  },
  {
    pkg: "udev",
    name: "systemd-hwdb",
    paths: ["/usr/bin/systemd-hwdb", "/bin/systemd-hwdb"],
    redo: async () => [["systemd-hwdb", "--usr", "update"]]
  },
  // Nothing to redo: perl-base is essential, installed before this goes in, and checked to match.
  { pkg: "perl-base", name: "perl", paths: ["/usr/bin/perl"] }
];
var ALSO = [
  "liblzma5",
  "libzstd1",
  "libtext-charwidth-perl",
  "libtext-iconv-perl",
  "liblocale-gettext-perl"
];
var PERL_XS = ALSO.filter((p) => p.endsWith("-perl"));
var NAMES = TOOLS.map((t) => t.name).join(", ");
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
var sourceVersion = (v) => v.replace(/\+b\d+$/, "");
var SuiteTools = class {
  constructor(root, hooksDir, spec, logFile) {
    this.root = root;
    this.hooksDir = hooksDir;
    this.spec = spec;
    this.logFile = logFile;
  }
  root;
  hooksDir;
  spec;
  logFile;
  placed = [];
  fetched;
  /**
   * Fetches the programs for the host's CPU from the root's archive (before mmdebstrap starts),
   * with the build's apt options and login hooks; false, with the reason logged, when they cannot
   * be had (the build then emulates them).
   */
  async fetch(aptOptions) {
    const hostArch = await tryOutput("dpkg", ["--print-architecture"]);
    if (!hostArch || !HOST[hostArch] || hostArch === this.spec.arch) return false;
    const dir = join4(this.hooksDir, "suite-tools");
    await rm3(dir, { recursive: true, force: true });
    logger().progress(`rootfs: fetching ${this.spec.suite}'s ${NAMES} for ${hostArch}`);
    try {
      await exec(
        "mmdebstrap",
        [
          "--mode=root",
          "--variant=extract",
          `--architectures=${hostArch}`,
          `--components=${this.spec.components.join(",")}`,
          `--include=${[...TOOLS.map((t) => t.pkg), ...ALSO].join(",")}`,
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
        `${NAMES} run under emulation: the archive's ${hostArch} packages could not be had (${errorMessage(err).split("\n")[0]})`
      );
      await rm3(dir, { recursive: true, force: true });
      return false;
    }
    const versions = /* @__PURE__ */ new Map();
    const debs = join4(dir, "var/cache/apt/archives");
    for (const f of await readdir3(debs)) {
      const m = /^([^_]+)_([^_]+)_[^_]+\.deb$/.exec(f);
      if (m) versions.set(m[1], decodeURIComponent(m[2]));
    }
    await rm3(debs, { recursive: true, force: true });
    this.fetched = { dir, hostArch, versions };
    return true;
  }
  /** putIn, or the programs left to emulation (with a note) when they do not fit. */
  async tryPutIn() {
    try {
      await this.putIn();
    } catch (err) {
      logger().info(`${NAMES} run under emulation: ${errorMessage(err)}`);
      await this.takeOut().catch(() => void 0);
    }
  }
  /** Puts the fetched programs in at their paths in the root (during the essential hook), each proven to run. */
  async putIn() {
    if (!this.fetched) return;
    const logFile = this.logFile;
    const { dir, hostArch, versions } = this.fetched;
    const host = HOST[hostArch];
    const loader = (await resolveFirst(dir, [host.loader, `/usr${host.loader}`]))?.real;
    if (!loader) throw new Error(`the ${hostArch} loader ${host.loader} was not in the packages`);
    const inRoot = join4(this.root, DIR);
    await exec("cp", ["-a", "--", dir, inRoot], { logFile });
    const libs = [`/usr/lib/${host.triplet}`, `/lib/${host.triplet}`, `/usr/lib/${host.triplet}/systemd`];
    await writeFile3(join4(inRoot, "loader"), `${loader}
`);
    await writeFile3(join4(inRoot, "library-path"), `${libs.map((l) => `/${DIR}${l}`).join(":")}
`);
    await mkdir3(join4(inRoot, "programs"));
    const installedNow = await installedVersions(this.root);
    for (const tool of TOOLS) {
      const version = versions.get(tool.pkg);
      const found = await resolveFirst(dir, tool.paths);
      if (!version || !found) continue;
      const { path, real } = found;
      const installed = installedNow.get(tool.pkg);
      if (installed && sourceVersion(installed) !== sourceVersion(version)) {
        logger().info(
          `${tool.name} runs under emulation: the root has ${tool.pkg} ${installed}, the archive's ${hostArch} build is ${version}`
        );
        continue;
      }
      await writeFile3(join4(inRoot, "programs", tool.name), `${real}
`);
      await inChroot(this.root, ["dpkg-divert", "--quiet", "--local", "--rename", "--add", path], {
        logFile
      });
      this.placed.push({ tool, path, version });
      await writeFile3(join4(this.root, path), WRAPPER);
      await chmod2(join4(this.root, path), 493);
      const r = await inChroot(this.root, [path, "--version"], { logFile, allowFailure: true });
      const ready2 = r.exitCode === 0 && (tool.name !== "perl" || await this.perlSearch(host.triplet));
      if (!ready2) {
        logger().info(`${tool.name} runs under emulation: the ${hostArch} build did not start in the root`);
        await this.remove(this.placed.pop());
      }
    }
    if (this.placed.length)
      logger().info(
        `${this.placed.map((p) => `${p.tool.name} ${p.version}`).join(", ")} from the archive's ${hostArch} packages run natively while packages are configured`
      );
  }
  /**
   * Gives the host's perl the root perl's module search (PERL_INC), then proves it: POSIX, an XS
   * module of perl-base, loads from the host's build. False when it does not.
   */
  async perlSearch(hostTriplet) {
    const logFile = this.logFile;
    const inRoot = join4(this.root, DIR);
    const printInc = ["-e", 'print join("\n", @INC), "\n"'];
    const rootInc = await inChroot(this.root, ["/usr/bin/perl.distrib", ...printInc], { logFile });
    const dirs = rootInc.stdout.split("\n").filter((d) => d.startsWith("/"));
    const triplet = dirs.map((d) => /^\/usr\/lib\/([^/]+)\/perl-base$/.exec(d)?.[1]).find(Boolean);
    if (!triplet) return false;
    const lines = dirs.map(
      (d) => d.includes(`/${triplet}/`) ? `map	${d}	/${DIR}${d.replace(`/${triplet}/`, `/${hostTriplet}/`)}` : `dir	${d}`
    );
    await writeFile3(join4(inRoot, "perl-inc"), `${lines.join("\n")}
`);
    await mkdir3(join4(inRoot, "perl"));
    await writeFile3(join4(inRoot, "perl", "RpiBuildInc.pm"), PERL_INC);
    await mkdir3(join4(inRoot, "args"));
    await writeFile3(join4(inRoot, "args", "perl"), `-I/${DIR}/perl -MRpiBuildInc
`);
    const proof = await inChroot(this.root, ["perl", "-MPOSIX", "-e", 'print POSIX::floor(2.5), "\n"'], {
      logFile,
      allowFailure: true
    });
    const fellBack = await readFile2(join4(inRoot, "perl-emulated"), "utf8").catch(() => "");
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
    await rm3(join4(this.root, p.path), { force: true });
    await inChroot(this.root, ["dpkg-divert", "--quiet", "--local", "--rename", "--remove", p.path], {
      logFile: this.logFile
    });
  }
  /**
   * Takes everything out, diversions removed; then, for a package the root has in another
   * version than the one that ran, does that program's work again under emulation.
   */
  async takeOut() {
    const logFile = this.logFile;
    const ran = [...this.placed];
    for (const p of this.placed.reverse()) await this.remove(p);
    this.placed.length = 0;
    const fellBack = await readFile2(join4(this.root, DIR, "perl-emulated"), "utf8").catch(() => "");
    await rm3(join4(this.root, DIR), { recursive: true, force: true });
    if (this.fetched) await rm3(this.fetched.dir, { recursive: true, force: true });
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
async function resolveIn(dir, path) {
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    const inTree = await pathInRoot(dir, p);
    const st = await lstat2(inTree).catch(() => void 0);
    if (!st) return void 0;
    if (!st.isSymbolicLink()) return `/${relative(dir, inTree)}`;
    const target = await readlink2(inTree);
    p = isAbsolute2(target) ? target : posix2.join(posix2.dirname(`/${relative(dir, inTree)}`), target);
  }
  return void 0;
}
async function resolveFirst(dir, paths) {
  for (const path of paths) {
    const real = await resolveIn(dir, path);
    if (real) return { path, real };
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
  const file = join5(hooksDir, "apt-auth.conf");
  if (/["\\{};\n]/.test(file))
    throw new Error(
      `The work folder's path ${hooksDir} holds a character apt's configuration cannot quote (" \\ { } ;); use another work-dir.`
    );
  await writeFile4(file, auth, { mode: 384 });
  await chmod3(file, 384);
  await writeFile4(join5(hooksDir, "apt-auth.apt.conf"), `Dir::Etc::netrc ${JSON.stringify(file)};
`);
  const setup = join5(hooksDir, "setup-apt-auth.sh");
  const customize = join5(hooksDir, "customize-apt-auth.sh");
  await writeFile4(setup, AUTH_SETUP_HOOK, { mode: 493 });
  await writeFile4(customize, AUTH_CUSTOMIZE_HOOK, { mode: 493 });
  return [`--setup-hook=${setup}`, `--customize-hook=${customize}`];
}
async function removeAuth(hooksDir) {
  for (const f of ["apt-auth.conf", "apt-auth.apt.conf"]) await rm4(join5(hooksDir, f), { force: true });
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
async function buildRootfs(spec, target, hooksDir, logFile) {
  const divert = join5(hooksDir, "essential-divert-initramfs.sh");
  const noHostKeys = join5(hooksDir, "essential-no-host-keys.sh");
  const essentialHooks = [
    [divert, DIVERT_INITRAMFS_HOOK],
    [noHostKeys, NO_HOST_KEYS_HOOK]
  ];
  for (const [file, text] of essentialHooks) {
    await writeFile4(file, text);
    await chmod3(file, 493);
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
    const suite = native && new SuiteTools(target, hooksDir, spec, logFile);
    if (suite && await suite.fetch([...APT_OPTS, ...hooks])) native.alsoPutIn(() => suite.tryPutIn());
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

// src/rootfs/boot-files.ts
async function kernelVersion(root) {
  const kernels = (await readdir4(join6(root, "boot"))).filter((f) => f.startsWith("vmlinuz-")).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
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
  await mkdir4(join6(root, "boot", "firmware"), { recursive: true });
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
async function makeInitramfs(root, logFile, opts) {
  const version = await kernelVersion(root);
  const conf = join6(root, "tmp", "rpi-build-initramfs");
  await exec("cp", ["-a", join6(root, "etc", "initramfs-tools"), conf], {
    privileged: "copying the initramfs config"
  });
  const confFile = join6(conf, "initramfs.conf");
  const settings = (await readFile3(confFile, "utf8")).replace(/^MODULES=.*$/m, "MODULES=list").replace(/^FSTYPE=.*$/m, "FSTYPE=ext4").replace(/^COMPRESS=.*$/m, "COMPRESS=zstd");
  await writeFile5(confFile, settings);
  await writeFile5(join6(conf, "modules"), `${INITRAMFS_MODULES.join("\n")}
`);
  logger().progress(`initramfs: making initrd.img-${version} (mkinitramfs)`);
  try {
    await mkinitramfs(root, version, "/tmp/rpi-build-initramfs", { ...opts, logFile });
  } finally {
    await rm5(conf, { recursive: true, force: true });
  }
  logger().progress(
    `initramfs: copying ${version}'s kernel, initramfs and device trees to the boot partition`
  );
  await inChroot(root, ["/etc/kernel/postinst.d/z50-raspi-firmware", version, `/boot/vmlinuz-${version}`], {
    logFile,
    env: { DEB_MAINT_PARAMS: "configure" }
  });
}
async function restoreUpdateInitramfs(root, logFile) {
  await rm5(join6(root, "usr", "sbin", "update-initramfs"), { force: true });
  await inChroot(root, UNDIVERT_INITRAMFS, { logFile });
}

// src/rootfs/base.ts
var NO_SOURCES = { suite: "", mirror: "", components: [] };
async function buildBase(spec, root, hooksDir, logFile) {
  const profile = await buildRootfs(spec, root, hooksDir, logFile);
  if (profile) {
    logger().info(profileText(profile));
    await writeFile6(join7(dirname(logFile), "rootfs-profile.json"), `${JSON.stringify(profile)}
`);
  }
  await writeImageSources(root, spec);
  await finishBase(root, spec.arch, spec.nativeTools !== false, logFile);
}
async function finishBase(root, arch, nativeTools, logFile) {
  await configureBoot(root, arch);
  await withChrootKeepingResolver(
    root,
    async () => {
      await makeInitramfs(root, logFile, { arch, nativeTools });
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
  if (await kernelVersion(root) !== before || upgraded > 0)
    await finishBase(root, arch, sources?.nativeTools !== false, logFile);
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
import { copyFile as copyFile2, mkdir as mkdir5, readdir as readdir5, rm as rm6 } from "node:fs/promises";
import { join as join8 } from "node:path";
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
  const boot = join8(root, "boot");
  for (const f of await readdir5(boot))
    if (f.startsWith("initrd.img-") && !existsSync2(join8(boot, `vmlinuz-${f.slice("initrd.img-".length)}`)))
      await rm6(join8(boot, f));
  const firmware = join8(boot, "firmware");
  for (const f of await readdir5(firmware))
    if (/^(vmlinuz-|initrd\.img-)/.test(f) || /^bcm.*\.dtb$/.test(f)) await rm6(join8(firmware, f));
  const { release } = build;
  log.info(`kernel-dir: installing ${release} (${build.firmwareName}, ${build.dtbs.length} device trees)`);
  await copyFile2(build.kernel, join8(boot, `vmlinuz-${release}`));
  await copyFile2(build.config, join8(boot, `config-${release}`));
  if (build.systemMap) await copyFile2(build.systemMap, join8(boot, `System.map-${release}`));
  const dtbDir = join8(
    root,
    "usr",
    "lib",
    `linux-image-${release}`,
    ...build.arch === "arm64" ? ["broadcom"] : []
  );
  await mkdir5(dtbDir, { recursive: true });
  for (const dtb of build.dtbs) await copyFile2(dtb, join8(dtbDir, dtb.split("/").pop()));
  if (build.overlays.length) {
    await mkdir5(join8(firmware, "overlays"), { recursive: true });
    for (const o of build.overlays) await copyFile2(o, join8(firmware, "overlays", o.split("/").pop()));
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

// src/rootfs/system.ts
import { lstat as lstat3 } from "node:fs/promises";
import { join as join9 } from "node:path";
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
  return lstat3(join9(root, "lib", "systemd", "system", "systemd-resolved.service")).then(
    () => true,
    () => false
  );
}

// src/rootfs/update-stamps.ts
import { stat as stat3, writeFile as writeFile7 } from "node:fs/promises";
import { join as join10 } from "node:path";
async function writeUpdateStamps(root) {
  const usr = await stat3(join10(root, "usr"), { bigint: true });
  const stamps = ["etc", "var"].map((dir) => join10(root, dir, ".updated"));
  for (const stamp2 of stamps)
    await writeFile7(
      stamp2,
      `# This file was created by rpi-build, as systemd-update-done would. Its only
# purpose is to hold a timestamp of the time this directory was updated.
# See man:systemd-update-done.service(8).
TIMESTAMP_NSEC=${usr.mtimeNs}
`
    );
  await exec("touch", ["--no-dereference", "--reference", join10(root, "usr"), ...stamps]);
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
      if (config.customize.length || config.overlay) await inChroot(root, ["ldconfig"], { logFile });
      if (config.customize.length || kernel)
        await makeInitramfs(root, logFile, { arch: config.arch[0], nativeTools: config.nativeTools });
      await restoreUpdateInitramfs(root, logFile);
    }),
    logFile,
    await hasResolved(root) ? RESOLVED_STUB : void 0
  );
  await scrub(root);
  const epoch = sourceDateEpoch();
  if (epoch !== void 0) await clampTimestamps(root, epoch, logFile);
  await writeUpdateStamps(root);
  return { kernelVersion: await kernelVersion(root), account };
}

// src/builders/debian.ts
var debianBuilder = {
  hostTools: ({ config }) => ensureImageTools(config).then(() => void 0),
  build: buildDebianImage
};
async function buildDebianImage(ctx) {
  const { config, workDir, phases, caches, facts } = ctx;
  const arch = config.arch[0];
  const dirs = {
    rootfs: join11(workDir, "rootfs"),
    boot: join11(workDir, "boot"),
    stage: join11(workDir, "stage"),
    logs: join11(workDir, "logs"),
    hooks: join11(workDir, "hooks")
  };
  for (const d of [dirs.stage, dirs.logs, dirs.hooks, dirs.boot]) await mkdir6(d, { recursive: true });
  const base = `${config.imageName}-${config.suite}-${arch}`;
  const image = join11(dirs.stage, `${base}.img`);
  const log = (name) => join11(dirs.logs, `${name}.log`);
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
      tarball: join11(workDir, "cache", "rootfs.tar.zst"),
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
  const manifestPath = join11(dirs.stage, `${base}.manifest`);
  await writeManifest(manifestPath, manifest);
  const assembled = await phases.run(
    "assemble",
    "Assemble the image (no loop devices)",
    () => withDiskSpace(workDir, "assembly", async () => {
      const fw = join11(dirs.rootfs, "boot", "firmware");
      for (const e of await readdir6(fw)) await rename2(join11(fw, e), join11(dirs.boot, e));
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
  const finished = await bootAndCompress(ctx, image, {
    bootLog: join11(dirs.stage, `${base}.boot.log`),
    compressLog: log("compress"),
    account: custom.account
  });
  return {
    files: [
      finished.compressed,
      `${image}.bmap`,
      manifestPath,
      ...finished.bootLog ? [finished.bootLog] : []
    ],
    dir: dirs.stage,
    outputs: {
      "kernel-release": custom.kernelVersion,
      "root-size": String(assembled.layout.rootSize),
      "package-count": String(packageCount),
      account: custom.account,
      "boot-test": finished.bootTest,
      "cache-hit": String(rootfsCache.status === "hit")
    }
  };
}
export {
  debianBuilder
};
