import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  compressionLevel,
  readElf,
  refuseMountsBelow,
  unmount
} from "./chunk-M7MSI67S.js";
import {
  installPackages
} from "./chunk-ZA2QISKQ.js";
import {
  basicAuth,
  splitUrlCredentials,
  withoutCredentials
} from "./chunk-G4YZ52AF.js";
import {
  which
} from "./chunk-MQB7SEVM.js";
import {
  ExecError,
  InputError,
  errorMessage,
  exec,
  tryOutput
} from "./chunk-ICWOZ6BD.js";
import {
  logger
} from "./chunk-HN3MK2TO.js";

// src/image/manifest.ts
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
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
  return parseDpkgStatus(await readFile(join(rootDir, "var", "lib", "dpkg", "status"), "utf8"));
}
async function writeManifest(path, pkgs) {
  await writeFile(path, pkgs.map((p) => `${p.name}	${p.version}	${p.arch}
`).join(""));
}

// src/image/compress.ts
import { stat } from "node:fs/promises";
var EXTENSIONS = { xz: ".xz", zstd: ".zst", gzip: ".gz", none: "" };
var COMMANDS = {
  xz: ["xz", ["-T0", "--keep", "--force", "--verbose"]],
  // --long=27: a 128 MiB window finds the kernel and firmware the image holds twice (root and FAT).
  zstd: ["zstd", ["-T0", "--long=27", "--keep", "--force", "--sparse"]],
  gzip: ["gzip", ["--keep", "--force"]]
};
async function command(how, level) {
  const [tool, args] = COMMANDS[how];
  const withLevel = [...args, `-${compressionLevel(how, level)}`];
  if (how === "gzip" && await which("pigz")) return ["pigz", withLevel];
  return [tool, withLevel];
}
var NICENESS = "19";
async function compressImage(image, how, opts = {}) {
  if (how === "none") return image;
  const [cmd, args] = await command(how, opts.level);
  const { logFile } = opts;
  const out = `${image}${EXTENSIONS[how]}`;
  await exec("nice", ["-n", NICENESS, cmd, ...args, image], {
    ...logFile ? { logFile } : {},
    onLine: (line) => {
      if (/%|MiB/.test(line)) logger().progress(`${how}: ${line.trim()}`);
    }
  });
  await stat(out);
  return out;
}

// src/rootfs/chroot.ts
import { copyFile, mkdir, rm, writeFile as writeFile2 } from "node:fs/promises";
import { join as join2 } from "node:path";
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
  const policy = join2(root, "usr", "sbin", "policy-rc.d");
  const resolv = join2(root, "etc", "resolv.conf");
  let failure;
  let result;
  try {
    await mount(["-t", "proc", "proc"], join2(root, "proc"));
    await mount(["-t", "sysfs", "sysfs"], join2(root, "sys"));
    await mount(["--bind", "/dev"], join2(root, "dev"));
    await mount(["--bind", "/dev/pts"], join2(root, "dev", "pts"));
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

// src/rootfs/sources.ts
import { mkdir as mkdir2, readdir, rm as rm2, writeFile as writeFile3 } from "node:fs/promises";
import { dirname, join as join3 } from "node:path";
function archives(spec) {
  const at = (url, suite, input) => ({
    url: url.replace(/\/+$/, ""),
    uri: splitUrlCredentials(url).url.replace(/\/+$/, ""),
    suite,
    input
  });
  const list = [at(spec.mirror, spec.suite, "mirror"), at(spec.mirror, `${spec.suite}-updates`, "mirror")];
  if (spec.securityMirror && spec.securityMirror !== "none")
    list.push(at(spec.securityMirror, `${spec.suite}-security`, "security-mirror"));
  return list;
}
function usesDeb822(suite) {
  return suite !== "bookworm";
}
function sourcesFile(spec) {
  const list = archives(spec);
  const comps = spec.components.join(" ");
  if (!usesDeb822(spec.suite)) {
    return {
      path: "etc/apt/sources.list",
      text: list.map((a) => `deb ${a.uri} ${a.suite} ${comps}
`).join("")
    };
  }
  const byUri = /* @__PURE__ */ new Map();
  for (const a of list) byUri.set(a.uri, [...byUri.get(a.uri) ?? [], a.suite]);
  const stanzas = [...byUri].map(
    ([uri, suites]) => [
      "Types: deb",
      `URIs: ${uri}`,
      `Suites: ${suites.join(" ")}`,
      `Components: ${comps}`,
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
    ].join("\n")
  );
  return { path: "etc/apt/sources.list.d/debian.sources", text: `${stanzas.join("\n\n")}
` };
}
function mmdebstrapMirrors(spec) {
  return archives(spec).map((a) => `deb ${a.uri} ${a.suite} ${spec.components.join(" ")}`);
}
async function writeImageSources(root, spec) {
  await rm2(join3(root, "etc", "apt", "sources.list"), { force: true });
  const dir = join3(root, "etc", "apt", "sources.list.d");
  await mkdir2(dir, { recursive: true });
  for (const f of await readdir(dir)) if (/^\d{4}/.test(f)) await rm2(join3(dir, f), { force: true });
  const { path, text } = sourcesFile(spec);
  await mkdir2(dirname(join3(root, path)), { recursive: true });
  await writeFile3(join3(root, path), text, { mode: 420 });
}
function authConf(spec) {
  const lines = [];
  for (const a of archives(spec)) {
    const c = splitUrlCredentials(a.url);
    if (c.username === void 0) continue;
    if (/\s/.test(c.username + (c.password ?? "")))
      throw new InputError(
        a.input,
        "has credentials with a space or line break, which apt cannot read",
        "Use a token without spaces (percent-encoded spaces are decoded, so they count)."
      );
    const line = `machine ${a.uri} login ${c.username} password ${c.password ?? ""}`;
    if (!lines.includes(line)) lines.push(line);
  }
  return lines.length ? `${lines.join("\n")}
` : void 0;
}
var IN_ROOT_AUTH = join3("etc", "apt", "auth.conf.d", "90rpi-build.conf");
async function withAptAuth(root, spec, fn) {
  const text = authConf(spec);
  if (!text) return fn();
  const file = join3(root, IN_ROOT_AUTH);
  await mkdir2(dirname(file), { recursive: true });
  await writeFile3(file, text, { mode: 384 });
  try {
    return await fn();
  } finally {
    await rm2(file, { force: true });
  }
}

// src/cache/rootfs-cache.ts
import { createHash } from "node:crypto";
import { readFile as readFile4 } from "node:fs/promises";
import { fileURLToPath } from "node:url";

// src/rootfs/mmdebstrap.ts
import { existsSync as existsSync2 } from "node:fs";
import { chmod as chmod3, rm as rm5, writeFile as writeFile6 } from "node:fs/promises";
import { join as join7 } from "node:path";

// src/rootfs/dpkg-watch.ts
import { open, stat as stat2 } from "node:fs/promises";
import { join as join4 } from "node:path";
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
    const file = join4(this.root, "var", "log", "dpkg.log");
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

// src/rootfs/native-tools.ts
import {
  chmod,
  copyFile as copyFile2,
  lstat,
  mkdir as mkdir3,
  readFile as readFile2,
  readdir as readdir2,
  readlink,
  realpath,
  rename,
  rm as rm3,
  rmdir,
  stat as stat3,
  symlink,
  writeFile as writeFile4
} from "node:fs/promises";
import { existsSync } from "node:fs";
import { isAbsolute, join as join5, posix } from "node:path";
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
    const here = join5(root, ...done2, part);
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
  return join5(root, ...done2);
}
async function packagePrograms(root, pkg, arch) {
  const info = join5(root, "var/lib/dpkg/info");
  const text = await readFile2(join5(info, `${pkg}.list`), "utf8").catch(() => void 0) ?? await readFile2(join5(info, `${pkg}:${arch}.list`), "utf8").catch(() => "");
  return text.split("\n").filter((p) => isProgram(pkg, p));
}
var EXAMINE_PROGRAMS = ["usrmerge"];
var CLAIM_LINKS = ["usr-is-merged", "usrmerge"];
async function firstDownloaded(root, pkgs, arch) {
  for (const pkg of pkgs) if (await downloadedDeb(root, pkg, arch)) return pkg;
  return void 0;
}
async function downloadedDeb(root, pkg, arch) {
  const dir = join5(root, "var/cache/apt/archives");
  const debs = (await readdir2(dir).catch(() => [])).filter(
    (n) => n.startsWith(`${pkg}_`) && (n.endsWith(`_${arch}.deb`) || n.endsWith("_all.deb"))
  );
  return debs.length === 1 ? join5(dir, debs[0]) : void 0;
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
      hooks[stage] = join5(this.hooksDir, `${stage}-native-tools.sh`);
      for (const f of [ready(stage), done(stage)]) await rm3(join5(this.hooksDir, f), { force: true });
      await writeFile4(hooks[stage], _NativeTools.HOOK);
      await chmod(hooks[stage], 493);
    }
    const waiting = new Set(stages);
    this.timer = setInterval(() => {
      if (this.pending) return;
      const stage = [...waiting].find((st) => existsSync(join5(this.hooksDir, ready(st))));
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
    await writeFile4(join5(this.hooksDir, done(stage)), failed);
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
    const examiner = stage === "extract" && await firstDownloaded(this.root, EXAMINE_PROGRAMS, this.arch);
    if (examiner) {
      logger().info(
        `The essential packages include ${examiner}, whose maintainer script examines the root's programs: they are installed under emulation`
      );
      return;
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
        if (!host || !(await stat3(host)).isFile() || await elfMachine(host) !== hostMachine) continue;
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
      await copyFile2(await realpath(lib), dest);
      await chmod(dest, 493);
      this.placed.push({ path: dest, stamp: await stamp(dest) });
    }
    const aside = join5(this.root, ASIDE);
    if (!this.created.includes(aside)) {
      await mkdir3(aside, { mode: 448 });
      this.created.push(aside);
    }
    const diversions = [];
    for (const [inRoot, { host, known }] of programs) {
      const name = String(this.placed.length);
      const original = join5(aside, name);
      await rename(inRoot, original);
      await copyFile2(host, inRoot);
      await chmod(inRoot, 493);
      const diverted = stage === "extract" ? known : void 0;
      this.placed.push({ path: inRoot, stamp: await stamp(inRoot), original, diverted });
      if (diverted) diversions.push(`${diverted}
/${ASIDE}/${name}
:
`);
    }
    if (stage === "extract" && await firstDownloaded(this.root, CLAIM_LINKS, this.arch))
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
    const file = join5(this.root, DIVERSIONS);
    const before = await readFile2(file, "utf8").catch(() => void 0);
    await mkdir3(join5(file, ".."), { recursive: true });
    this.diverted = { before };
    await writeFile4(file, (before ?? "") + entries);
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
    const file = join5(this.root, DIVERSIONS);
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
    if (kept.length === 0 && this.diverted.before === void 0) await rm3(file, { force: true });
    else await writeFile4(file, kept.join(""));
    for (const p of this.placed) p.diverted = void 0;
    this.diverted = void 0;
  }
  /**
   * A top-level folder the root lacks (the host's /lib64) becomes a link into /usr, as in a
   * merged-/usr root: systemd's preinst refuses a root whose /lib64 is a real folder.
   */
  async mergedTop(lib) {
    const top = lib.split("/").filter(Boolean)[0];
    const link = join5(this.root, top);
    if (top === "usr" || await lstatOrNone(link)) return;
    const inUsr = join5(this.root, "usr", top);
    if (!await lstatOrNone(inUsr)) {
      await mkdir3(inUsr);
      this.created.push(inUsr);
    }
    await symlink(`usr/${top}`, link);
    this.created.push(link);
  }
  /** The top-level links made for the host's loader (`lib64`), while the programs are in. */
  topLinks() {
    return this.created.map((p) => posix.basename(p)).filter((n, i) => this.created[i] === join5(this.root, n) && n !== ASIDE);
  }
  /** mkdir -p that records each folder it made, to remove exactly those. */
  async makeFolders(file) {
    const missing = [];
    for (let d = posix.dirname(file); d.startsWith(this.root) && d !== this.root; d = posix.dirname(d)) {
      if (await lstatOrNone(d)) break;
      missing.unshift(d);
    }
    for (const d of missing) {
      await mkdir3(d);
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
      if ((await lstat(d)).isSymbolicLink()) await rm3(d);
      else await rmdir(d);
    }
    this.created.length = 0;
    if (replaced.length)
      logger().info(`dpkg replaced ${replaced.length} program(s) meanwhile; their new files stay`);
  }
};

// src/rootfs/suite-tools.ts
import { chmod as chmod2, lstat as lstat2, mkdir as mkdir4, readFile as readFile3, readdir as readdir3, readlink as readlink2, rm as rm4, writeFile as writeFile5 } from "node:fs/promises";
import { isAbsolute as isAbsolute2, join as join6, posix as posix2, relative } from "node:path";
var DIR = ".rpi-build-suite-tools";
var TOOLS = [
  {
    pkg: "kmod",
    name: "depmod",
    paths: ["/usr/sbin/depmod", "/sbin/depmod"],
    // kmod opens liblzma and libzstd only when it reads a compressed module: not dependencies.
    also: ["liblzma5", "libzstd1"],
    redo: async (root) => (await readdir3(join6(root, "usr/lib/modules")).catch(() => [])).map((v) => ["depmod", v])
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
    if (this.own) await rm4(this.own.dir, { recursive: true, force: true });
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
    const dir = join6(this.hooksDir, "suite-tools");
    await rm4(dir, { recursive: true, force: true });
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
      await rm4(dir, { recursive: true, force: true });
      return false;
    }
    const versions = /* @__PURE__ */ new Map();
    const debs = join6(dir, "var/cache/apt/archives");
    for (const f of await readdir3(debs)) {
      const name = debName(f);
      if (name) versions.set(name.pkg, name.version);
    }
    await rm4(debs, { recursive: true, force: true });
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
    const inRoot = join6(this.root, DIR);
    if (!await lstat2(inRoot).catch(() => void 0)) {
      const loader = (await resolveFirst(dir, [host.loader, `/usr${host.loader}`]))?.real;
      if (!loader) throw new Error(`the ${hostArch} loader ${host.loader} was not in the packages`);
      await exec("cp", ["-a", "--", dir, inRoot], { logFile });
      const libs = [`/usr/lib/${host.triplet}`, `/lib/${host.triplet}`, `/usr/lib/${host.triplet}/systemd`];
      await writeFile5(join6(inRoot, "loader"), `${loader}
`);
      await writeFile5(join6(inRoot, "library-path"), `${libs.map((l) => `/${DIR}${l}`).join(":")}
`);
      await mkdir4(join6(inRoot, "programs"));
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
      const { path, real } = found;
      const installed = installedNow.get(tool.pkg);
      if (!installed && (extract || !this.ahead)) continue;
      if (installed && sourceVersion(installed) !== sourceVersion(version)) {
        logger().info(
          `${tool.name} runs under emulation: the root has ${tool.pkg} ${installed}, the archive's ${hostArch} build is ${version}`
        );
        continue;
      }
      await writeFile5(join6(inRoot, "programs", tool.name), `${real}
`);
      await inChroot(this.root, ["dpkg-divert", "--quiet", "--local", "--rename", "--add", path], {
        logFile
      });
      this.placed.push({ tool, path, version });
      await writeFile5(join6(this.root, path), WRAPPER);
      await chmod2(join6(this.root, path), 493);
      const r = await inChroot(this.root, [path, "--version"], { logFile, allowFailure: true });
      const ready2 = r.exitCode === 0 && (tool.name !== "perl" || await this.perlSearch(host.triplet));
      if (!ready2) {
        logger().info(`${tool.name} runs under emulation: the ${hostArch} build did not start in the root`);
        await this.remove(this.placed.pop());
      }
    }
    await rm4(join6(inRoot, "ran"), { force: true });
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
    const inRoot = join6(this.root, DIR);
    const printInc = ["-e", 'print join("\n", @INC), "\n"'];
    const rootInc = await inChroot(this.root, ["/usr/bin/perl.distrib", ...printInc], { logFile });
    const dirs = rootInc.stdout.split("\n").filter((d) => d.startsWith("/"));
    const triplet = dirs.map((d) => /^\/usr\/lib\/([^/]+)\/perl-base$/.exec(d)?.[1]).find(Boolean);
    if (!triplet) return false;
    const lines = dirs.map(
      (d) => d.includes(`/${triplet}/`) ? `map	${d}	/${DIR}${d.replace(`/${triplet}/`, `/${hostTriplet}/`)}` : `dir	${d}`
    );
    await writeFile5(join6(inRoot, "perl-inc"), `${lines.join("\n")}
`);
    await mkdir4(join6(inRoot, "perl"));
    await writeFile5(join6(inRoot, "perl", "RpiBuildInc.pm"), PERL_INC);
    await mkdir4(join6(inRoot, "args"));
    await writeFile5(join6(inRoot, "args", "perl"), `-I/${DIR}/perl -MRpiBuildInc
`);
    const proof = await inChroot(this.root, ["perl", "-MPOSIX", "-e", 'print POSIX::floor(2.5), "\n"'], {
      logFile,
      allowFailure: true
    });
    const fellBack = await readFile3(join6(inRoot, "perl-emulated"), "utf8").catch(() => "");
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
    await rm4(join6(this.root, p.path), { force: true });
    await inChroot(this.root, ["dpkg-divert", "--quiet", "--local", "--rename", "--remove", p.path], {
      logFile: this.logFile
    });
  }
  /** How often each program that stood in ran so far ("perl 40 times, …"), from the wrapper's lines. */
  async sayRuns(when) {
    if (!this.placed.length) return;
    const ran = (await readFile3(join6(this.root, DIR, "ran"), "utf8").catch(() => "")).split("\n");
    const counts = this.placed.map(
      (p) => `${p.tool.name} ${ran.filter((n) => n === p.tool.name).length} times`
    );
    logger().info(`Run natively ${when}: ${counts.join(", ")}`);
    await rm4(join6(this.root, DIR, "ran"), { force: true });
  }
  /** Takes the programs and their folder out of the root, diversions removed; the fetched set stays. */
  async removePlaced() {
    for (const p of this.placed.reverse()) await this.remove(p);
    this.placed.length = 0;
    await rm4(join6(this.root, DIR), { recursive: true, force: true });
  }
  /**
   * Takes everything out, diversions removed; then, for a package the root has in another
   * version than the one that ran, does that program's work again under emulation.
   */
  async takeOut() {
    const logFile = this.logFile;
    const ran = [...this.placed];
    await this.sayRuns(this.purpose);
    const fellBack = await readFile3(join6(this.root, DIR, "perl-emulated"), "utf8").catch(() => "");
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
  const file = join7(hooksDir, "apt-auth.conf");
  if (/["\\{};\n]/.test(file))
    throw new Error(
      `The work folder's path ${hooksDir} holds a character apt's configuration cannot quote (" \\ { } ;); use another work-dir.`
    );
  await writeFile6(file, auth, { mode: 384 });
  await chmod3(file, 384);
  await writeFile6(join7(hooksDir, "apt-auth.apt.conf"), `Dir::Etc::netrc ${JSON.stringify(file)};
`);
  const setup = join7(hooksDir, "setup-apt-auth.sh");
  const customize = join7(hooksDir, "customize-apt-auth.sh");
  await writeFile6(setup, AUTH_SETUP_HOOK, { mode: 493 });
  await writeFile6(customize, AUTH_CUSTOMIZE_HOOK, { mode: 493 });
  return [`--setup-hook=${setup}`, `--customize-hook=${customize}`];
}
async function removeAuth(hooksDir) {
  for (const f of ["apt-auth.conf", "apt-auth.apt.conf"]) await rm5(join7(hooksDir, f), { force: true });
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
var mergedFromStart = (suite) => MERGED_BY_LINKS.has(suite) && existsSync2(join7(MERGED_USR_HOOKS, "setup00.sh"));
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
  const divert = join7(hooksDir, "essential-divert-initramfs.sh");
  const noHostKeys = join7(hooksDir, "essential-no-host-keys.sh");
  const essentialHooks = [
    [divert, DIVERT_INITRAMFS_HOOK],
    [noHostKeys, NO_HOST_KEYS_HOOK]
  ];
  for (const [file, text] of essentialHooks) {
    await writeFile6(file, text);
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
        ...mergedFromStart(spec.suite) ? [`--hook-dir=${MERGED_USR_HOOKS}`] : [],
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

// src/cache/rootfs-cache.ts
var ROOTFS_RECIPE = "v2";
var sha = (s) => createHash("sha256").update(s).digest("hex");
function rootfsKeys(spec, archiveState2) {
  const config = sha(
    JSON.stringify({
      recipe: ROOTFS_RECIPE,
      arch: spec.arch,
      suite: spec.suite,
      // Credential-free: a new token is the same archive.
      archives: archives(spec).map((a) => `${a.uri} ${a.suite}`),
      components: [...spec.components].sort(),
      packages: [...spec.packages].sort(),
      // Off is the escape hatch when the host's tools are suspected: never served a root they made.
      ...spec.nativeTools === false ? { nativeTools: false } : {},
      // bookworm's root merged by links from the start, not converted by usrmerge (without perl).
      ...mergedFromStart(spec.suite) ? { usr: "merged from the start" } : {}
    })
  ).slice(0, 16);
  const restorePrefix = `rpi-build-rootfs-${ROOTFS_RECIPE}-${spec.arch}-${spec.suite}-${config}-`;
  return { key: `${restorePrefix}${archiveState2}`, restorePrefix };
}
function fetchFailure(err) {
  const e = err;
  return e.cause ? `${e.message}: ${e.cause.message || e.cause.code}` : e.message;
}
async function archiveStates(spec, tries = 4) {
  const states = [];
  for (const a of archives(spec)) states.push(await archiveState(a.url, a.suite, tries, a.input));
  return states.length === 1 ? states[0] : sha(states.join("\n")).slice(0, 16);
}
async function archiveState(mirror, suite, tries = 4, input = "mirror") {
  const auth = basicAuth(mirror);
  const base = withoutCredentials(mirror).replace(/\/+$/, "");
  const flag = `--${input}`;
  for (const name of ["InRelease", "Release"]) {
    const url = `${base}/dists/${suite}/${name}`;
    if (url.startsWith("file://")) {
      const text = await readFile4(fileURLToPath(url)).catch(() => void 0);
      if (text) return sha(text).slice(0, 16);
      continue;
    }
    for (let i = 0; i < tries; i++) {
      try {
        const res = await fetch(url, {
          signal: AbortSignal.timeout(3e4),
          ...auth ? { headers: { authorization: auth } } : {}
        });
        if (res.status === 404) break;
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return sha(Buffer.from(await res.arrayBuffer())).slice(0, 16);
      } catch (err) {
        if (i === tries - 1)
          throw new Error(
            `The Debian ${input === "mirror" ? "mirror" : "security archive"} ${base} cannot be reached: reading ${url} failed ${tries} times (${fetchFailure(err)}). Set ${input} (${flag} on the CLI) to a reachable ${input === "mirror" ? "Debian mirror such as http://deb.debian.org/debian" : "security archive such as http://deb.debian.org/debian-security"}, or check the network and any proxy.`
          );
        const wait = 1e3 * 2 ** i;
        logger().warn(`reading ${url} failed (${fetchFailure(err)}); retrying in ${wait / 1e3} s`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
  throw new Error(
    `${base}/dists/${suite}/ has no InRelease or Release file: is "${suite}" on this mirror? (${input}, ${flag} on the CLI)`
  );
}
async function packRootfs(root, tarball, logFile, members = ["."]) {
  await refuseMountsBelow(root, "pack");
  logger().progress(`cache: packing ${root.split("/").pop()} (tar, zstd)`);
  await exec(
    "tar",
    [
      "--create",
      "--file",
      tarball,
      "--use-compress-program=zstd -T0 -3",
      "--numeric-owner",
      "--xattrs",
      "--xattrs-include=*",
      "--acls",
      "--one-file-system",
      "-C",
      root,
      ...members
    ],
    {
      privileged: "packing the root filesystem",
      logFile
    }
  );
}
var ROOTFS_ARCHIVE = { devicesUnder: "dev", privileged: "checking the cached root filesystem" };
async function unpackRootfs(tarball, root, logFile) {
  await exec("mkdir", ["-p", root], { privileged: "unpacking the root filesystem" });
  await exec(
    "tar",
    [
      "--extract",
      "--file",
      tarball,
      "--use-compress-program=zstd -d -T0",
      "--numeric-owner",
      "--xattrs",
      "--xattrs-include=*",
      "--acls",
      "-C",
      root
    ],
    {
      privileged: "unpacking the root filesystem",
      logFile
    }
  );
}
function rootfsEntry(spec, archiveState2, paths) {
  const keys = rootfsKeys(spec, archiveState2);
  return {
    name: "rootfs",
    what: "rootfs cache",
    instead: "building without it",
    key: keys.key,
    restoreKeys: [keys.restorePrefix],
    tarball: paths.tarball,
    policy: ROOTFS_ARCHIVE,
    olderHit: "on an older archive state",
    unpack: (file) => unpackRootfs(file, paths.root, paths.log),
    pack: (file) => packRootfs(paths.root, file, paths.log)
  };
}

export {
  profileText,
  withChrootMounts,
  inChroot,
  inChrootShown,
  elfMachine,
  NativeTools,
  readManifest,
  writeManifest,
  writeImageSources,
  withAptAuth,
  INITRAMFS_TOOLS,
  WRAPPER,
  SuiteTools,
  authHooks,
  removeAuth,
  UNDIVERT_INITRAMFS,
  APT_OPTS,
  installSuiteTools,
  buildRootfs,
  archiveStates,
  packRootfs,
  ROOTFS_ARCHIVE,
  unpackRootfs,
  rootfsEntry,
  compressImage
};
