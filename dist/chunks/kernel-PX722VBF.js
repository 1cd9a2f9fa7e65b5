import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  cacheFromPackages,
  cacheFromUrl,
  obtainTool,
  urlToolName
} from "./chunk-WWMXI5AG.js";
import "./chunk-NYPTKA4T.js";
import {
  shallowClone
} from "./chunk-DEYVWKYR.js";
import {
  keepFailedConsole
} from "./chunk-XIKB56UF.js";
import {
  consoleProgress
} from "./chunk-3GK75JHN.js";
import {
  ensureHostPackages
} from "./chunk-I2QPKFXT.js";
import {
  isFragmentLine
} from "./chunk-MTW55NNC.js";
import {
  BOARDS,
  BUILTIN_CONFIGS,
  boardFor
} from "./chunk-WKCL3XOP.js";
import {
  ARCH_INFO,
  PI_BOARD,
  machineArgs,
  machineLabel,
  patchedPiDtb
} from "./chunk-FCYPM6WI.js";
import {
  candidateVersion,
  installPackages,
  packageInstalled
} from "./chunk-ZA2QISKQ.js";
import {
  filesBelow,
  withoutCredentials
} from "./chunk-G4YZ52AF.js";
import "./chunk-MQB7SEVM.js";
import {
  InputError,
  errorMessage,
  exec
} from "./chunk-ICWOZ6BD.js";
import {
  logger
} from "./chunk-HN3MK2TO.js";

// src/builders/kernel.ts
import { mkdir as mkdir5, readFile as readFile4, readdir as readdir4, rename as rename2 } from "node:fs/promises";
import { dirname, join as join6 } from "node:path";

// src/cache/ccache.ts
import { mkdir } from "node:fs/promises";
var CCACHE_RECIPE = "v1";
function ccachePrefix(karch, defconfig) {
  return `ccache-${CCACHE_RECIPE}-${karch}-${defconfig}-${process.arch}-`;
}
function ccacheKey(karch, defconfig, env = process.env) {
  const run = env.GITHUB_RUN_ID ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? "1"}` : "";
  return `${ccachePrefix(karch, defconfig)}${run || Date.now().toString(36)}`;
}
function ccacheEnv(dir, maxSizeMiB, baseDir) {
  return {
    CCACHE_DIR: dir,
    CCACHE_MAXSIZE: `${maxSizeMiB}M`,
    // Paths under the work folder are hashed relative to it, so a moved work folder still hits.
    CCACHE_BASEDIR: baseDir,
    CCACHE_NOHASHDIR: "true",
    CCACHE_COMPILERCHECK: "content"
  };
}
function ccacheEntry(karch, defconfig, dir, tarball, env) {
  const prefix = ccachePrefix(karch, defconfig);
  return {
    name: "ccache",
    what: "ccache cache",
    instead: "compiling without it",
    key: prefix,
    restoreKeys: [prefix],
    saveKey: ccacheKey(karch, defconfig),
    tarball,
    anyHitIsHit: true,
    unpack: async (file) => {
      await mkdir(dir, { recursive: true });
      await exec("tar", ["--extract", "--use-compress-program=zstd -d -T0", "-f", file, "-C", dir]);
    },
    pack: async (file) => {
      await exec("ccache", ["--cleanup"], { env });
      await exec("tar", ["--create", "--use-compress-program=zstd -T0 -3", "-f", file, "-C", dir, "."]);
    }
  };
}
async function ccacheStats(env) {
  const r = await exec("ccache", ["--print-stats"], { env });
  const v = (k) => Number(r.stdout.match(new RegExp(`^${k}\\t(\\d+)`, "m"))?.[1] ?? 0);
  return { hits: v("direct_cache_hit") + v("preprocessed_cache_hit"), misses: v("cache_miss") };
}

// src/kernel/configure.ts
import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

// src/kernel/make.ts
import { availableParallelism } from "node:os";
function makeEnv(ctx, env = process.env) {
  const epoch = env.SOURCE_DATE_EPOCH ?? "0";
  return {
    ...ctx.toolchain.binDir ? { PATH: `${ctx.toolchain.binDir}:${env.PATH ?? "/usr/bin:/bin"}` } : {},
    ...ctx.toolchain.env,
    ...ctx.ccache ?? {},
    // The same stamps every build: reproducible output and ccache hits on init/version.c.
    KBUILD_BUILD_TIMESTAMP: `@${epoch}`,
    KBUILD_BUILD_USER: "rpi-build",
    KBUILD_BUILD_HOST: "rpi-build",
    KBUILD_BUILD_VERSION: "1"
  };
}
function makeArgs(ctx, targets, jobs = availableParallelism()) {
  const prefix = ctx.toolchain.prefix;
  return [
    "-C",
    ctx.srcDir,
    `O=${ctx.buildDir}`,
    `ARCH=${ctx.karch}`,
    `CROSS_COMPILE=${prefix}`,
    ...ctx.ccache ? [`CC=ccache ${prefix}gcc`] : [],
    `-j${jobs}`,
    ...targets
  ];
}
var KBUILD_LINE = /^\s{2}([A-Z][A-Z0-9_]*)\s+(\S+)/;
async function kmake(ctx, targets, opts = {}) {
  let steps = 0;
  return exec("make", [...opts.quiet ? ["-s"] : [], ...makeArgs(ctx, targets)], {
    env: makeEnv(ctx),
    logFile: ctx.logFile,
    timeoutMs: 6 * 36e5,
    maxStdout: 1024 * 1024,
    ...opts.progress ? {
      onLine: (line) => {
        const m = KBUILD_LINE.exec(line);
        if (m) logger().progress(`${opts.progress}: ${++steps} steps, ${m[1]} ${m[2]}`);
      }
    } : {}
  });
}

// src/kernel/configure.ts
async function checkDefconfig(srcDir, karch, name) {
  if (BUILTIN_CONFIGS.includes(name) || existsSync(join(srcDir, "arch", karch, "configs", name))) return;
  const have = (await readdir(join(srcDir, "arch", karch, "configs")).catch(() => [])).sort();
  throw new InputError(
    "defconfig",
    `"${name}" is not a defconfig of this tree for ARCH=${karch}`,
    `This tree has: ${[...have, ...BUILTIN_CONFIGS].join(", ")}. Pick one of them (or a board whose defconfig the tree has).`
  );
}
async function fragmentLines(items, localversion) {
  const lines = [];
  for (const item of items) {
    if (isFragmentLine(item)) lines.push(item);
    else lines.push(...(await readFile(item, "utf8")).split("\n"));
  }
  if (localversion !== void 0)
    lines.push(`CONFIG_LOCALVERSION="${localversion}"`, "# CONFIG_LOCALVERSION_AUTO is not set");
  return lines.map((l) => l.trim()).filter((l) => l.length > 0);
}
function parseConfigLines(lines) {
  const out = /* @__PURE__ */ new Map();
  for (const l of lines) {
    const set = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(l);
    if (set) out.set(set[1], set[2]);
    const unset = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(l);
    if (unset) out.set(unset[1], "n");
  }
  return out;
}
async function configureKernel(ctx, defconfig, fragments) {
  await checkDefconfig(ctx.srcDir, ctx.karch, defconfig);
  await kmake(ctx, [defconfig]);
  if (fragments.length === 0) return { dropped: [] };
  const fragment = join(ctx.buildDir, "rpi-build.fragment");
  await writeFile(fragment, `${fragments.join("\n")}
`);
  const config = join(ctx.buildDir, ".config");
  await exec(
    join(ctx.srcDir, "scripts", "kconfig", "merge_config.sh"),
    ["-m", "-O", ctx.buildDir, config, fragment],
    { cwd: ctx.srcDir, env: { ...makeEnv(ctx), ARCH: ctx.karch }, logFile: ctx.logFile }
  );
  await kmake(ctx, ["olddefconfig"]);
  const wanted = parseConfigLines(fragments);
  const got = parseConfigLines((await readFile(config, "utf8")).split("\n"));
  const dropped = [];
  for (const [k, v] of wanted) {
    const actual = got.get(k) ?? "n";
    if (actual !== v) dropped.push(`${k}=${v} (got ${actual})`);
  }
  if (dropped.length)
    logger().warn(
      `Kconfig did not keep ${dropped.length} requested option(s), a dependency is missing: ${dropped.join(", ")}`
    );
  return { dropped };
}

// src/kernel/install.ts
import { copyFile, mkdir as mkdir2, rm } from "node:fs/promises";
import { existsSync as existsSync2 } from "node:fs";
import { join as join2 } from "node:path";
async function installKernel(ctx, preset, release, stage, withModules) {
  const bootDir = join2(stage, "boot");
  await mkdir2(join2(bootDir, "overlays"), { recursive: true });
  await copyFile(
    join2(ctx.buildDir, "arch", ctx.karch, "boot", preset.makeTarget),
    join2(bootDir, preset.firmwareName)
  );
  let dtbs = 0;
  let overlays = 0;
  for (const f of await filesBelow(join2(ctx.buildDir, "arch", ctx.karch, "boot", "dts"))) {
    const name = f.split("/").pop();
    if (name.endsWith(".dtbo")) {
      await copyFile(f, join2(bootDir, "overlays", name));
      overlays++;
    } else if (name.endsWith(".dtb")) {
      await copyFile(f, join2(bootDir, name));
      dtbs++;
    }
  }
  const readme = join2(ctx.srcDir, "arch", ctx.karch, "boot", "dts", "overlays", "README");
  if (existsSync2(readme)) await copyFile(readme, join2(bootDir, "overlays", "README"));
  if (overlays === 0 && !existsSync2(readme)) await rm(join2(bootDir, "overlays"), { recursive: true });
  const files = [join2(stage, `config-${release}`), join2(stage, `System.map-${release}`)];
  await copyFile(join2(ctx.buildDir, ".config"), files[0]);
  await copyFile(join2(ctx.buildDir, "System.map"), files[1]);
  let modules = 0;
  if (withModules) {
    const root = join2(stage, "modules-root");
    await kmake(ctx, ["modules_install", `INSTALL_MOD_PATH=${root}`, "INSTALL_MOD_STRIP=1"]);
    const modDir = join2(root, "lib", "modules", release);
    for (const link of ["build", "source"]) await rm(join2(modDir, link), { force: true });
    modules = (await filesBelow(modDir)).filter((f) => f.endsWith(".ko") || f.endsWith(".ko.xz")).length;
    const tarball = join2(stage, `modules-${release}.tar.gz`);
    const epoch = process.env.SOURCE_DATE_EPOCH ?? "0";
    await exec("tar", [
      "--create",
      "--sort=name",
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      `--mtime=@${epoch}`,
      "--use-compress-program=gzip -n",
      "-f",
      tarball,
      "-C",
      root,
      "lib"
    ]);
    await rm(root, { recursive: true });
    files.unshift(tarball);
  }
  return { bootDir, files, dtbs, overlays, modules };
}

// src/kernel/source.ts
import { existsSync as existsSync3 } from "node:fs";
import { mkdir as mkdir3, readdir as readdir2, rename, rmdir, stat } from "node:fs/promises";
import { join as join3, resolve } from "node:path";
function checkTree(dir, karch, input) {
  if (!existsSync3(join3(dir, "Makefile")) || !existsSync3(join3(dir, "arch", karch, "Kconfig"))) {
    throw new InputError(
      input,
      `${dir} is not a Linux kernel tree for ${karch} (no Makefile or arch/${karch}/Kconfig)`,
      "Point it at the top of a kernel source tree (the folder holding MAINTAINERS and Makefile)."
    );
  }
}
async function unpackTarball(file, dest, logFile) {
  const unpacked = `${dest}.unpack`;
  await mkdir3(unpacked, { recursive: true });
  await exec("tar", ["--extract", "-f", file, "-C", unpacked], { logFile });
  const top = await readdir2(unpacked, { withFileTypes: true });
  const single = top.length === 1 && top[0].isDirectory();
  await rename(single ? join3(unpacked, top[0].name) : unpacked, dest);
  if (single) await rmdir(unpacked);
  return dest;
}
async function prepareSource(config, karch, workDir, logFile) {
  if (config.kernelPath !== void 0) {
    const path = resolve(config.kernelPath);
    if ((await stat(path)).isDirectory()) {
      checkTree(path, karch, "kernel-path");
      return { dir: path, origin: path };
    }
    logger().info(`unpacking ${path}`);
    const dir2 = await unpackTarball(path, join3(workDir, "source"), logFile).catch((err) => {
      throw new InputError(
        "kernel-path",
        `cannot unpack ${path}: ${errorMessage(err)}`,
        "Give a kernel source folder or a .tar.xz/.tar.gz/.tar.zst source tarball."
      );
    });
    checkTree(dir2, karch, "kernel-path");
    return { dir: dir2, origin: path };
  }
  const dir = join3(workDir, "source");
  const ref = config.kernelRef;
  const url = await shallowClone({
    repository: config.kernelSource,
    ...ref ? { ref } : {},
    dest: dir,
    logFile,
    timeoutMs: 36e5,
    inputs: { repository: "kernel-source", ref: "kernel-ref" },
    fix: "Check that the repository URL is reachable from the runner and that the branch or tag exists."
  });
  checkTree(dir, karch, "kernel-source");
  return { dir, origin: `${url}${ref ? `@${ref}` : ""}` };
}

// src/boot/kernel-boot.ts
import { createWriteStream } from "node:fs";
import { mkdir as mkdir4, readFile as readFile2, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";
import { join as join4 } from "node:path";

// src/boot/tiny-initramfs.ts
var INIT_MARKER = "rpi-build-kernel-boot: init is running";
var u32le = (words) => {
  const b = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => b.writeUInt32LE(w >>> 0, i * 4));
  return b;
};
function code(arch, msg) {
  const len = msg.length;
  if (len > 255) throw new Error("the init message must be shorter than 256 bytes");
  if (arch === "arm64") {
    const movz = (reg, imm) => 3531603968 | imm << 5 | reg;
    const adrX1 = 268435456 | 28 >> 2 << 5 | 1;
    const svc0 = 3556769793;
    return Buffer.concat([
      u32le([movz(0, 1), adrX1, movz(2, len), movz(8, 64), svc0, movz(0, 0), movz(8, 93), svc0]),
      msg
    ]);
  }
  return Buffer.concat([
    u32le([
      3818913793,
      3801026580,
      3818921984 | len,
      3818942468,
      4009754624,
      3818913792,
      3818942465,
      4009754624
    ]),
    msg
  ]);
}
var LOAD = 4194304;
function initProgram(arch, message = `${INIT_MARKER}
`) {
  const body = code(arch, Buffer.from(message, "latin1"));
  if (arch === "arm64") {
    const headers2 = 64 + 56;
    const h2 = Buffer.alloc(headers2);
    Buffer.from([127, 69, 76, 70, 2, 1, 1, 0]).copy(h2, 0);
    h2.writeUInt16LE(2, 16);
    h2.writeUInt16LE(183, 18);
    h2.writeUInt32LE(1, 20);
    h2.writeBigUInt64LE(BigInt(LOAD + headers2), 24);
    h2.writeBigUInt64LE(64n, 32);
    h2.writeUInt16LE(64, 52);
    h2.writeUInt16LE(56, 54);
    h2.writeUInt16LE(1, 56);
    h2.writeUInt16LE(64, 58);
    const size2 = BigInt(headers2 + body.length);
    h2.writeUInt32LE(1, 64);
    h2.writeUInt32LE(5, 68);
    h2.writeBigUInt64LE(0n, 72);
    h2.writeBigUInt64LE(BigInt(LOAD), 80);
    h2.writeBigUInt64LE(BigInt(LOAD), 88);
    h2.writeBigUInt64LE(size2, 96);
    h2.writeBigUInt64LE(size2, 104);
    h2.writeBigUInt64LE(0x1000n, 112);
    return Buffer.concat([h2, body]);
  }
  const headers = 52 + 32;
  const h = Buffer.alloc(headers);
  Buffer.from([127, 69, 76, 70, 1, 1, 1, 0]).copy(h, 0);
  h.writeUInt16LE(2, 16);
  h.writeUInt16LE(40, 18);
  h.writeUInt32LE(1, 20);
  h.writeUInt32LE(LOAD + headers, 24);
  h.writeUInt32LE(52, 28);
  h.writeUInt32LE(83886080, 36);
  h.writeUInt16LE(52, 40);
  h.writeUInt16LE(32, 42);
  h.writeUInt16LE(1, 44);
  h.writeUInt16LE(40, 46);
  const size = headers + body.length;
  h.writeUInt32LE(1, 52);
  h.writeUInt32LE(0, 56);
  h.writeUInt32LE(LOAD, 60);
  h.writeUInt32LE(LOAD, 64);
  h.writeUInt32LE(size, 68);
  h.writeUInt32LE(size, 72);
  h.writeUInt32LE(5, 76);
  h.writeUInt32LE(4096, 80);
  return Buffer.concat([h, body]);
}
var pad4 = (n) => Buffer.alloc((4 - n % 4) % 4);
function newcArchive(entries) {
  const parts = [];
  const add = (e, ino) => {
    const data = e.data ?? Buffer.alloc(0);
    const name = Buffer.from(`${e.name}\0`, "latin1");
    const fields = [
      ino,
      e.mode,
      0,
      0,
      1,
      0,
      data.length,
      0,
      0,
      e.rdev?.[0] ?? 0,
      e.rdev?.[1] ?? 0,
      name.length,
      0
    ];
    const header = Buffer.from(
      `070701${fields.map((f) => f.toString(16).toUpperCase().padStart(8, "0")).join("")}`
    );
    parts.push(header, name, pad4(header.length + name.length), data, pad4(data.length));
  };
  entries.forEach((e, i) => add(e, i + 1));
  add({ name: "TRAILER!!!", mode: 0 }, 0);
  return Buffer.concat(parts);
}
function tinyInitramfs(arch) {
  return newcArchive([
    { name: "dev", mode: 16877 },
    { name: "dev/console", mode: 8576, rdev: [5, 1] },
    { name: "init", mode: 33261, data: initProgram(arch) }
  ]);
}

// src/boot/kernel-boot.ts
var KERNEL_CMDLINE = "console=ttyAMA0,115200 rdinit=/init panic=-1";
function kernelBootVerdict(consoleText, arch, machine, timeoutSeconds) {
  const panic = /Kernel panic - not syncing: .*/.exec(consoleText)?.[0]?.trim();
  if (/Failed to execute \/init \(error -8\)/.test(consoleText))
    return `the kernel could not run /init, a static ${arch} ELF program (${panic ?? "exec format error"}): build it with CONFIG_BINFMT_ELF=y`;
  if (panic && /VFS: Unable to mount root fs|No working init found/.test(panic))
    return `the kernel did not run the initramfs's /init (${panic}): build it with CONFIG_BLK_DEV_INITRD=y`;
  if (panic) return panic;
  const lines = consoleText.split(/\r?\n/).filter((l) => l.trim());
  if (!lines.length)
    return `the kernel printed nothing on the serial console of ${machine} within ${timeoutSeconds} s: build in the PL011 serial console it boots with (${KERNEL_CMDLINE.split(" ")[0]}: CONFIG_SERIAL_AMBA_PL011=y, CONFIG_SERIAL_AMBA_PL011_CONSOLE=y)${machine === "virt" ? "" : ", and the board's drivers, or try boot-machine virt"}`;
  return `/init did not start within ${timeoutSeconds} s; the console's last line: ${lines.at(-1).trim().slice(0, 200)}`;
}
async function bootKernel(req) {
  const { arch, machine, workDir, consoleLog, timeoutSeconds } = req;
  await ensureHostPackages(["boot"]);
  const dir = join4(workDir, "kernel-boot");
  await rm2(dir, { recursive: true, force: true });
  await mkdir4(dir, { recursive: true });
  const initrd = join4(dir, "initrd.cpio");
  await writeFile2(initrd, tinyInitramfs(arch));
  let dtb;
  if (machine === "pi") {
    if (!req.dtb) throw new Error("the Pi board boot needs the device tree the kernel build made");
    dtb = join4(dir, "board.dtb");
    await writeFile2(dtb, patchedPiDtb(await readFile2(req.dtb)));
  }
  const args = machineArgs(arch, machine, {
    kernel: req.kernel,
    initrd,
    ...dtb ? { dtb } : {},
    cmdline: KERNEL_CMDLINE
  });
  const out = createWriteStream(consoleLog);
  out.on("error", (err) => logger().warn(`cannot write the console log ${consoleLog} (${err.message})`));
  const stop = new AbortController();
  let text = "";
  let seen = false;
  const started = Date.now();
  const timer = setTimeout(() => stop.abort(), timeoutSeconds * 1e3);
  const r = await exec(ARCH_INFO[arch].qemuSystem, args, {
    allowFailure: true,
    signal: stop.signal,
    timeoutMs: (timeoutSeconds + 30) * 1e3,
    onData: (chunk) => {
      out.write(chunk);
      text = (text + chunk).slice(-65536);
      if (!seen && text.includes(INIT_MARKER)) {
        seen = true;
        stop.abort();
      }
      if (/Kernel panic - not syncing: .*\n/.test(text)) stop.abort();
    },
    onLine: (line) => {
      const shown = consoleProgress(line);
      if (shown) logger().progress(`kernel boot: ${shown}`);
    }
  });
  clearTimeout(timer);
  out.end();
  const seconds = (Date.now() - started) / 1e3;
  const label = machineLabel(arch, machine);
  if (seen) return { passed: true, seconds, detail: `/init ran on ${label}: "${INIT_MARKER}"` };
  let detail = kernelBootVerdict(text, arch, label, timeoutSeconds);
  if (!stop.signal.aborted && r.exitCode !== 0 && r.signal === null && !text.trim())
    detail = `${ARCH_INFO[arch].qemuSystem} exited with code ${r.exitCode}: ${r.stderr.trim().split("\n").slice(-3).join(" ")}`;
  return { passed: false, seconds, detail };
}

// src/tools/toolchain.ts
import { existsSync as existsSync4 } from "node:fs";
import { readFile as readFile3, readdir as readdir3, writeFile as writeFile3 } from "node:fs/promises";
import { join as join5 } from "node:path";
var TRIPLES = {
  arm64: "aarch64-linux-gnu",
  arm: "arm-linux-gnueabihf"
};
async function hostRelease() {
  const text = await readFile3("/etc/os-release", "utf8").catch(() => "");
  const field = (k) => text.match(new RegExp(`^${k}="?([^"\\n]*)`, "m"))?.[1] ?? "";
  return `${field("ID") || "linux"}${field("VERSION_ID")}`.replace(/[^A-Za-z0-9.]/g, "");
}
async function crossPackages(triple) {
  const meta = `gcc-${triple}`;
  const version = await candidateVersion(meta);
  if (!version) {
    throw new Error(
      `This host's package lists have no ${meta}. Run apt-get update, or give toolchain: a URL of a toolchain tarball.`
    );
  }
  const deps = await exec("apt-cache", [
    "depends",
    "--recurse",
    "--no-recommends",
    "--no-suggests",
    "--no-conflicts",
    "--no-breaks",
    "--no-replaces",
    "--no-enhances",
    meta
  ]);
  const names = [
    ...new Set(
      deps.stdout.split("\n").filter((l) => /^[a-z0-9]/.test(l)).map((l) => l.trim())
    )
  ];
  const cross = (n) => n.includes(triple) || n.includes("-cross");
  const packages = [];
  for (const n of names) if (cross(n) || !await packageInstalled(n)) packages.push(n);
  return { packages, version };
}
async function checkCompiler(gcc, env, scratch) {
  const src = join5(scratch, "probe.c");
  await writeFile3(src, "int triple(int x) { return 3 * x; }\n");
  await exec(gcc, ["-c", src, "-o", `${src}.o`], { env });
  return (await exec(gcc, ["-dumpmachine"], { env })).stdout.trim();
}
function toolchainEnv(tool) {
  const binDir = existsSync4(join5(tool.dir, "usr", "bin")) ? join5(tool.dir, "usr", "bin") : join5(tool.dir, "bin");
  const multiarch = process.arch === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  const libs = [join5(tool.dir, "usr", "lib", multiarch), join5(tool.dir, "lib", multiarch)].filter(
    (d) => existsSync4(d)
  );
  return { binDir, env: libs.length ? { LD_LIBRARY_PATH: libs.join(":") } : {} };
}
async function fromPackages(req, triple) {
  const name = `cross-gcc-${triple}-${await hostRelease()}`;
  return obtainTool(name, req, async () => {
    const { packages, version } = await crossPackages(triple);
    logger().info(`unpacking ${packages.length} package(s) of ${triple}-gcc ${version} into the tool cache`);
    return cacheFromPackages(name, packages, version, req.scratch, req.logFile);
  });
}
async function fromUrl(req) {
  const shown = withoutCredentials(req.toolchain);
  const name = urlToolName("cross-gcc-url", shown);
  return obtainTool(name, req, async () => {
    logger().info(`downloading the toolchain ${shown}`);
    return cacheFromUrl(name, req.toolchain, req.scratch).catch((err) => {
      throw new InputError(
        "toolchain",
        `could not download or unpack ${shown}: ${errorMessage(err)}`,
        'Give the URL of a .tar.xz/.tar.gz toolchain reachable from the runner, or "packages".'
      );
    });
  });
}
async function gccIn(binDir, triple) {
  const names = (await readdir3(binDir).catch(() => [])).filter(
    (f) => triple ? f === `${triple}-gcc` : /^[a-z0-9_]+-[a-z0-9_-]+-gcc$/.test(f)
  );
  const gcc = names.sort((a, b) => a.length - b.length)[0];
  if (!gcc) throw new Error(`no *-gcc in ${binDir}`);
  return gcc;
}
async function resolveToolchain(req) {
  const triple = TRIPLES[req.karch];
  if (req.toolchain === "packages" && req.karch === "arm64" && process.arch === "arm64") {
    await installPackages(["gcc"], "the native arm64 compiler");
    const version = (await exec("gcc", ["-dumpversion"])).stdout.trim();
    return { prefix: "", env: {}, source: "native", version };
  }
  const tool = req.toolchain === "packages" ? await fromPackages(req, triple) : await fromUrl(req);
  const { binDir, env } = toolchainEnv(tool);
  const gcc = await gccIn(binDir, req.toolchain === "packages" ? triple : void 0);
  const machine = await checkCompiler(join5(binDir, gcc), env, req.scratch).catch((err) => {
    throw new Error(`the toolchain in ${tool.dir} does not compile: ${errorMessage(err)}`);
  });
  const wanted = req.karch === "arm64" ? /^aarch64-/ : /^arm/;
  if (!wanted.test(machine)) {
    throw new InputError(
      "toolchain",
      `the toolchain targets ${machine}, not ${req.karch}`,
      `Give a toolchain for ${triple} (or "packages").`
    );
  }
  return { prefix: gcc.slice(0, -"gcc".length), binDir, env, source: tool.source, version: tool.version };
}

// src/builders/kernel.ts
async function boardDtb(bootDir, arch) {
  const board = PI_BOARD[arch];
  const names = await readdir4(bootDir);
  const found = [board.dtb, board.forkDtb].find((n) => names.includes(n));
  if (!found)
    throw new InputError(
      "boot-machine",
      `the kernel build made neither ${board.dtb} nor ${board.forkDtb}, the device tree of QEMU's ${board.machine}`,
      "Build the board's device trees (the Pi presets do), or set boot-machine virt."
    );
  return join6(bootDir, found);
}
var kernelBuilder = {
  // What Kbuild itself runs on the host, by Debian package.
  hostTools: ({ config }) => ensureHostPackages(["kernel"], config).then(() => void 0),
  build: buildKernel
};
async function buildKernel({ config, workDir, phases, caches, facts }) {
  const log = logger();
  const board = boardFor(config.board, config.arch[0]);
  const preset = BOARDS[board];
  const karch = preset.karch;
  const defconfig = config.defconfig ?? preset.defconfig;
  const dirs = {
    build: join6(workDir, "build"),
    stage: join6(workDir, "stage"),
    logs: join6(workDir, "logs"),
    scratch: join6(workDir, "scratch"),
    ccache: join6(workDir, "ccache")
  };
  for (const d of Object.values(dirs)) await mkdir5(d, { recursive: true });
  const logFile = (name) => join6(dirs.logs, `${name}.log`);
  const toolchain = await phases.run("toolchain", `Cross toolchain for ${karch}`, async () => {
    const t = await resolveToolchain({
      karch,
      toolchain: config.toolchain,
      caches,
      scratch: dirs.scratch,
      logFile: logFile("toolchain")
    });
    log.info(
      t.source === "native" ? `native gcc ${t.version}: this arm64 host builds arm64 without a cross compiler` : `${t.prefix}gcc (${t.version}) from the ${t.source}: ${t.binDir}`
    );
    return t;
  });
  caches.reports.push({
    name: "toolchain",
    status: toolchain.source === "tool-cache" || toolchain.source === "cache" ? "hit" : "miss",
    key: `${toolchain.prefix || "native-"}gcc ${toolchain.version} (${toolchain.source})`
  });
  const source = await phases.run(
    "source",
    "Kernel source",
    () => prepareSource(config, karch, workDir, logFile("source"))
  );
  log.info(`kernel tree: ${source.origin}`);
  facts["kernel-source"] = source.origin;
  const ccache = config.ccache ? ccacheEnv(dirs.ccache, config.ccacheSize, workDir) : void 0;
  const ctx = {
    srcDir: source.dir,
    buildDir: dirs.build,
    karch,
    toolchain,
    ...ccache ? { ccache } : {},
    logFile: logFile("build")
  };
  const ccacheCache = ccache ? ccacheEntry(karch, defconfig, dirs.ccache, join6(dirs.scratch, "ccache.tar.zst"), ccache) : void 0;
  const ccacheRestored = ccacheCache ? await caches.restore(ccacheCache) : void 0;
  if (ccache) await exec("ccache", ["--zero-stats"], { env: ccache });
  const configured = await phases.run(
    "configure",
    `Configure: ${defconfig}${config.kernelConfig.length ? " + fragments" : ""}`,
    async () => configureKernel(ctx, defconfig, await fragmentLines(config.kernelConfig, config.localversion))
  );
  const kconfig = parseConfigLines((await readFile4(join6(dirs.build, ".config"), "utf8")).split("\n"));
  const withModules = kconfig.get("CONFIG_MODULES") === "y";
  const targets = [
    preset.makeTarget,
    ...withModules ? ["modules"] : [],
    ...kconfig.get("CONFIG_OF") === "y" ? ["dtbs"] : []
  ];
  await phases.run("build", `Build: make ${targets.join(" ")} (ARCH=${karch})`, async () => {
    await kmake(ctx, targets, { progress: "kernel" });
  });
  if (ccache) {
    const stats = await ccacheStats(ccache);
    const total = stats.hits + stats.misses;
    log.info(
      `ccache: ${stats.hits} hits, ${stats.misses} misses${total ? ` (${(100 * stats.hits / total).toFixed(0)}% hit rate)` : ""}`
    );
    facts.ccache = `${stats.hits} hits, ${stats.misses} misses`;
  }
  const release = (await kmake(ctx, ["kernelrelease"], { quiet: true })).stdout.trim().split("\n").pop();
  const installed = await phases.run(
    "install",
    `Install: boot files, modules, config (${release})`,
    () => installKernel(ctx, preset, release, dirs.stage, withModules)
  );
  const files = [...installed.files];
  let booted;
  if (config.bootTest) {
    const consoleLog = join6(dirs.stage, "boot-test.log");
    booted = await phases.run(
      "boot-test",
      `Boot test: the kernel on ${machineLabel(config.arch[0], config.bootMachine)}`,
      async () => {
        const r = await bootKernel({
          kernel: join6(installed.bootDir, preset.firmwareName),
          arch: config.arch[0],
          machine: config.bootMachine,
          ...config.bootMachine === "pi" ? { dtb: await boardDtb(installed.bootDir, config.arch[0]) } : {},
          workDir,
          consoleLog,
          timeoutSeconds: config.bootTimeout
        });
        if (!r.passed) {
          const kept = await keepFailedConsole(consoleLog, dirs.logs);
          throw new Error(
            `Kernel boot test failed after ${r.seconds.toFixed(0)} s: ${r.detail}. Console log: ${kept}`
          );
        }
        log.info(`Kernel boot test passed in ${r.seconds.toFixed(0)} s: ${r.detail}`);
        return r;
      }
    );
    files.push(consoleLog);
  }
  if (config.kernelDebs) {
    await phases.run("debs", "Debian packages (make bindeb-pkg)", async () => {
      await kmake(ctx, ["bindeb-pkg", `KDEB_PKGVERSION=${release}-1`], { progress: "bindeb-pkg" });
      for (const f of await readdir4(dirname(dirs.build)))
        if (f.endsWith(".deb")) {
          await rename2(join6(dirname(dirs.build), f), join6(dirs.stage, f));
          files.push(join6(dirs.stage, f));
        }
    });
  }
  if (ccacheCache) await caches.save(ccacheCache, ccacheRestored);
  Object.assign(facts, {
    board: `${board} (${preset.description})`,
    defconfig,
    "kernel-image": `boot/${preset.firmwareName}`,
    "device-trees": `${installed.dtbs} dtb, ${installed.overlays} overlays`,
    modules: String(installed.modules),
    ...configured.dropped.length ? { "config-dropped": configured.dropped.join(", ") } : {}
  });
  return {
    files: [...files, installed.bootDir],
    dir: dirs.stage,
    outputs: {
      "kernel-release": release,
      "cache-hit": String(ccacheRestored?.report.status === "hit"),
      "boot-test": booted ? `passed in ${booted.seconds.toFixed(0)} s` : "skipped"
    }
  };
}
export {
  kernelBuilder
};
