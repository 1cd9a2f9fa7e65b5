import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  cacheFromPackages,
  cacheFromUrl,
  obtainTool,
  urlToolName
} from "./chunk-6M5LK2BN.js";
import "./chunk-4VGNKCY2.js";
import {
  ensureHostPackages
} from "./chunk-VOCWRVZD.js";
import {
  isFragmentLine
} from "./chunk-SNFCNG7W.js";
import {
  candidateVersion,
  installPackages,
  packageInstalled
} from "./chunk-7YG3CPLG.js";
import {
  filesBelow,
  gitAuth,
  withoutCredentials
} from "./chunk-T2JQXA4A.js";
import "./chunk-J4TNNZG7.js";
import {
  InputError,
  errorMessage,
  exec
} from "./chunk-4Z53H52X.js";
import {
  BOARDS,
  BUILTIN_CONFIGS,
  boardFor
} from "./chunk-WKCL3XOP.js";
import {
  logger
} from "./chunk-JEISQDF3.js";

// src/builders/kernel.ts
import { mkdir as mkdir4, readFile as readFile3, readdir as readdir4, rename } from "node:fs/promises";
import { dirname, join as join5 } from "node:path";

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
import { mkdir as mkdir3, readdir as readdir2, stat } from "node:fs/promises";
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
  await mkdir3(dest, { recursive: true });
  await exec("tar", ["--extract", "-f", file, "-C", dest], { logFile });
  const top = await readdir2(dest);
  return top.length === 1 ? join3(dest, top[0]) : dest;
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
  const { url, env } = gitAuth(config.kernelSource);
  logger().info(`cloning ${url}${ref ? ` at ${ref}` : ""} (shallow)`);
  const args = ["clone", "--depth", "1", "--single-branch", ...ref ? ["--branch", ref] : []];
  await exec("git", [...args, "--", url, dir], {
    logFile,
    timeoutMs: 36e5,
    env: { GIT_TERMINAL_PROMPT: "0", ...env }
  }).catch((err) => {
    throw new InputError(
      ref ? "kernel-ref" : "kernel-source",
      `git could not clone ${url}${ref ? ` at ${ref}` : ""}: ${errorMessage(err).split("\n").slice(-3).join(" ")}`,
      "Check that the repository URL is reachable from the runner and that the branch or tag exists."
    );
  });
  checkTree(dir, karch, "kernel-source");
  return { dir, origin: `${url}${ref ? `@${ref}` : ""}` };
}

// src/tools/toolchain.ts
import { existsSync as existsSync4 } from "node:fs";
import { readFile as readFile2, readdir as readdir3, writeFile as writeFile2 } from "node:fs/promises";
import { join as join4 } from "node:path";
var TRIPLES = {
  arm64: "aarch64-linux-gnu",
  arm: "arm-linux-gnueabihf"
};
async function hostRelease() {
  const text = await readFile2("/etc/os-release", "utf8").catch(() => "");
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
  const src = join4(scratch, "probe.c");
  await writeFile2(src, "int triple(int x) { return 3 * x; }\n");
  await exec(gcc, ["-c", src, "-o", `${src}.o`], { env });
  return (await exec(gcc, ["-dumpmachine"], { env })).stdout.trim();
}
function toolchainEnv(tool) {
  const binDir = existsSync4(join4(tool.dir, "usr", "bin")) ? join4(tool.dir, "usr", "bin") : join4(tool.dir, "bin");
  const multiarch = process.arch === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  const libs = [join4(tool.dir, "usr", "lib", multiarch), join4(tool.dir, "lib", multiarch)].filter(
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
  const machine = await checkCompiler(join4(binDir, gcc), env, req.scratch).catch((err) => {
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
    build: join5(workDir, "build"),
    stage: join5(workDir, "stage"),
    logs: join5(workDir, "logs"),
    scratch: join5(workDir, "scratch"),
    ccache: join5(workDir, "ccache")
  };
  for (const d of Object.values(dirs)) await mkdir4(d, { recursive: true });
  const logFile = (name) => join5(dirs.logs, `${name}.log`);
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
  const ccache = config.ccache ? ccacheEnv(dirs.ccache, config.ccacheSize, workDir) : void 0;
  const ctx = {
    srcDir: source.dir,
    buildDir: dirs.build,
    karch,
    toolchain,
    ...ccache ? { ccache } : {},
    logFile: logFile("build")
  };
  const ccacheCache = ccache ? ccacheEntry(karch, defconfig, dirs.ccache, join5(dirs.scratch, "ccache.tar.zst"), ccache) : void 0;
  const ccacheRestored = ccacheCache ? await caches.restore(ccacheCache) : void 0;
  if (ccache) await exec("ccache", ["--zero-stats"], { env: ccache });
  const configured = await phases.run(
    "configure",
    `Configure: ${defconfig}${config.kernelConfig.length ? " + fragments" : ""}`,
    async () => configureKernel(ctx, defconfig, await fragmentLines(config.kernelConfig, config.localversion))
  );
  const kconfig = parseConfigLines((await readFile3(join5(dirs.build, ".config"), "utf8")).split("\n"));
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
  if (config.kernelDebs) {
    await phases.run("debs", "Debian packages (make bindeb-pkg)", async () => {
      await kmake(ctx, ["bindeb-pkg", `KDEB_PKGVERSION=${release}-1`], { progress: "bindeb-pkg" });
      for (const f of await readdir4(dirname(dirs.build)))
        if (f.endsWith(".deb")) {
          await rename(join5(dirname(dirs.build), f), join5(dirs.stage, f));
          files.push(join5(dirs.stage, f));
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
      "cache-hit": String(ccacheRestored?.report.status === "hit")
    }
  };
}
export {
  kernelBuilder
};
