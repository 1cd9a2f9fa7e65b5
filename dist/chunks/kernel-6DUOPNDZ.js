import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  isFragmentLine
} from "./chunk-QXMQNVV2.js";
import {
  BOARDS,
  BUILTIN_CONFIGS,
  boardFor
} from "./chunk-WKCL3XOP.js";
import {
  writeSha256Sums
} from "./chunk-KMC4NQDM.js";
import {
  defaultWorkDir,
  freshDir,
  publishLocal
} from "./chunk-KT3NYKTN.js";
import {
  commitPending,
  defaultCacheDir,
  require_semver,
  selectStore
} from "./chunk-PPBZNDOY.js";
import "./chunk-75FXVDSY.js";
import {
  saveState
} from "./chunk-RSRHW6TA.js";
import "./chunk-SEYD3T6S.js";
import {
  InputError,
  errorMessage,
  exec,
  installPackages,
  packageInstalled
} from "./chunk-LSROX5FX.js";
import {
  HttpClient,
  __toESM,
  cp,
  debug,
  formatBytes,
  inActions,
  info,
  logger,
  mkdirP,
  rmRF
} from "./chunk-JEISQDF3.js";

// src/builders/kernel.ts
import { readFile as readFile3, rename, readdir as readdir6, writeFile as writeFile4 } from "node:fs/promises";
import { mkdir as mkdir5 } from "node:fs/promises";
import { dirname as dirname3, join as join7, resolve as resolve2 } from "node:path";

// src/cache/ccache.ts
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
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
async function restoreCcache(store, prefix, dir, tarball) {
  await mkdir(dir, { recursive: true });
  await mkdir(dirname(tarball), { recursive: true });
  let hit;
  try {
    hit = await store.restore(prefix, [prefix], tarball);
  } catch (err) {
    logger().warn(`ccache cache unavailable (${errorMessage(err)}); compiling without it`);
    return { name: "ccache", status: "error" };
  }
  if (!hit) {
    logger().info(`ccache cache miss: ${prefix}*`);
    return { name: "ccache", status: "miss", key: prefix };
  }
  await exec("tar", ["--extract", "--use-compress-program=zstd -d -T0", "-f", hit.path, "-C", dir]);
  logger().info(`ccache restored from ${hit.key} (${formatBytes(hit.size)}, ${store.kind})`);
  return { name: "ccache", status: "hit", key: hit.key, size: hit.size };
}
async function ccacheStats(env) {
  const r = await exec("ccache", ["--print-stats"], { env });
  const v = (k) => Number(r.stdout.match(new RegExp(`^${k}\\t(\\d+)`, "m"))?.[1] ?? 0);
  return { hits: v("direct_cache_hit") + v("preprocessed_cache_hit"), misses: v("cache_miss") };
}
async function packCcache(env, dir, tarball, key, prefix, pending) {
  await exec("ccache", ["--cleanup"], { env });
  await exec("tar", ["--create", "--use-compress-program=zstd -T0 -3", "-f", tarball, "-C", dir, "."]);
  pending.push({ what: "ccache", key, file: tarball, restorePrefix: prefix });
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
import { copyFile, mkdir as mkdir2, readdir as readdir2, rm } from "node:fs/promises";
import { existsSync as existsSync2 } from "node:fs";
import { join as join2 } from "node:path";
async function walk(dir) {
  const out = [];
  for (const e of await readdir2(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join2(dir, e.name);
    if (e.isDirectory()) out.push(...await walk(p));
    else out.push(p);
  }
  return out;
}
async function installKernel(ctx, preset, release, stage, withModules) {
  const bootDir = join2(stage, "boot");
  await mkdir2(join2(bootDir, "overlays"), { recursive: true });
  await copyFile(
    join2(ctx.buildDir, "arch", ctx.karch, "boot", preset.makeTarget),
    join2(bootDir, preset.firmwareName)
  );
  let dtbs = 0;
  let overlays = 0;
  for (const f of await walk(join2(ctx.buildDir, "arch", ctx.karch, "boot", "dts"))) {
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
    modules = (await walk(modDir)).filter((f) => f.endsWith(".ko") || f.endsWith(".ko.xz")).length;
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
import { mkdir as mkdir3, readdir as readdir3, stat } from "node:fs/promises";
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
  const top = await readdir3(dest);
  return top.length === 1 ? join3(dest, top[0]) : dest;
}
async function prepareSource(config, karch, workDir, logFile) {
  if (config.kernelPath !== void 0) {
    const path2 = resolve(config.kernelPath);
    if ((await stat(path2)).isDirectory()) {
      checkTree(path2, karch, "kernel-path");
      return { dir: path2, origin: path2 };
    }
    logger().info(`unpacking ${path2}`);
    const dir2 = await unpackTarball(path2, join3(workDir, "source"), logFile).catch((err) => {
      throw new InputError(
        "kernel-path",
        `cannot unpack ${path2}: ${errorMessage(err)}`,
        "Give a kernel source folder or a .tar.xz/.tar.gz/.tar.zst source tarball."
      );
    });
    checkTree(dir2, karch, "kernel-path");
    return { dir: dir2, origin: path2 };
  }
  const dir = join3(workDir, "source");
  const ref = config.kernelRef;
  logger().info(`cloning ${config.kernelSource}${ref ? ` at ${ref}` : ""} (shallow)`);
  const args = ["clone", "--depth", "1", "--single-branch", ...ref ? ["--branch", ref] : []];
  await exec("git", [...args, "--", config.kernelSource, dir], { logFile, timeoutMs: 36e5 }).catch(
    (err) => {
      throw new InputError(
        ref ? "kernel-ref" : "kernel-source",
        `git could not clone ${config.kernelSource}${ref ? ` at ${ref}` : ""}: ${errorMessage(err).split("\n").slice(-3).join(" ")}`,
        "Check that the repository URL is reachable from the runner and that the branch or tag exists."
      );
    }
  );
  checkTree(dir, karch, "kernel-source");
  return { dir, origin: `${config.kernelSource}${ref ? `@${ref}` : ""}` };
}

// node_modules/@actions/tool-cache/lib/tool-cache.js
import * as crypto from "crypto";
import * as fs from "fs";

// node_modules/@actions/tool-cache/lib/manifest.js
var semver = __toESM(require_semver(), 1);

// node_modules/@actions/tool-cache/lib/tool-cache.js
import * as os from "os";
import * as path from "path";
var semver2 = __toESM(require_semver(), 1);
import * as stream from "stream";
import * as util from "util";
import { ok } from "assert";

// node_modules/@actions/tool-cache/lib/retry-helper.js
var __awaiter = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve3) {
      resolve3(value);
    });
  }
  return new (P || (P = Promise))(function(resolve3, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve3(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var RetryHelper = class {
  constructor(maxAttempts, minSeconds, maxSeconds) {
    if (maxAttempts < 1) {
      throw new Error("max attempts should be greater than or equal to 1");
    }
    this.maxAttempts = maxAttempts;
    this.minSeconds = Math.floor(minSeconds);
    this.maxSeconds = Math.floor(maxSeconds);
    if (this.minSeconds > this.maxSeconds) {
      throw new Error("min seconds should be less than or equal to max seconds");
    }
  }
  execute(action, isRetryable) {
    return __awaiter(this, void 0, void 0, function* () {
      let attempt = 1;
      while (attempt < this.maxAttempts) {
        try {
          return yield action();
        } catch (err) {
          if (isRetryable && !isRetryable(err)) {
            throw err;
          }
          info(err.message);
        }
        const seconds = this.getSleepAmount();
        info(`Waiting ${seconds} seconds before trying again`);
        yield this.sleep(seconds);
        attempt++;
      }
      return yield action();
    });
  }
  getSleepAmount() {
    return Math.floor(Math.random() * (this.maxSeconds - this.minSeconds + 1)) + this.minSeconds;
  }
  sleep(seconds) {
    return __awaiter(this, void 0, void 0, function* () {
      return new Promise((resolve3) => setTimeout(resolve3, seconds * 1e3));
    });
  }
};

// node_modules/@actions/tool-cache/lib/tool-cache.js
var __awaiter2 = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve3) {
      resolve3(value);
    });
  }
  return new (P || (P = Promise))(function(resolve3, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve3(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var HTTPError = class extends Error {
  constructor(httpStatusCode) {
    super(`Unexpected HTTP response: ${httpStatusCode}`);
    this.httpStatusCode = httpStatusCode;
    Object.setPrototypeOf(this, new.target.prototype);
  }
};
var IS_WINDOWS = process.platform === "win32";
var IS_MAC = process.platform === "darwin";
var userAgent = "actions/tool-cache";
function downloadTool(url, dest, auth, headers) {
  return __awaiter2(this, void 0, void 0, function* () {
    dest = dest || path.join(_getTempDirectory(), crypto.randomUUID());
    yield mkdirP(path.dirname(dest));
    debug(`Downloading ${url}`);
    debug(`Destination ${dest}`);
    const maxAttempts = 3;
    const minSeconds = _getGlobal("TEST_DOWNLOAD_TOOL_RETRY_MIN_SECONDS", 10);
    const maxSeconds = _getGlobal("TEST_DOWNLOAD_TOOL_RETRY_MAX_SECONDS", 20);
    const retryHelper = new RetryHelper(maxAttempts, minSeconds, maxSeconds);
    return yield retryHelper.execute(() => __awaiter2(this, void 0, void 0, function* () {
      return yield downloadToolAttempt(url, dest || "", auth, headers);
    }), (err) => {
      if (err instanceof HTTPError && err.httpStatusCode) {
        if (err.httpStatusCode < 500 && err.httpStatusCode !== 408 && err.httpStatusCode !== 429) {
          return false;
        }
      }
      return true;
    });
  });
}
function downloadToolAttempt(url, dest, auth, headers) {
  return __awaiter2(this, void 0, void 0, function* () {
    if (fs.existsSync(dest)) {
      throw new Error(`Destination file path ${dest} already exists`);
    }
    const http = new HttpClient(userAgent, [], {
      allowRetries: false
    });
    if (auth) {
      debug("set auth");
      if (headers === void 0) {
        headers = {};
      }
      headers.authorization = auth;
    }
    const response = yield http.get(url, headers);
    if (response.message.statusCode !== 200) {
      const err = new HTTPError(response.message.statusCode);
      debug(`Failed to download from "${url}". Code(${response.message.statusCode}) Message(${response.message.statusMessage})`);
      throw err;
    }
    const pipeline2 = util.promisify(stream.pipeline);
    const responseMessageFactory = _getGlobal("TEST_DOWNLOAD_TOOL_RESPONSE_MESSAGE_FACTORY", () => response.message);
    const readStream = responseMessageFactory();
    let succeeded = false;
    try {
      yield pipeline2(readStream, fs.createWriteStream(dest));
      debug("download complete");
      succeeded = true;
      return dest;
    } finally {
      if (!succeeded) {
        debug("download failed");
        try {
          yield rmRF(dest);
        } catch (err) {
          debug(`Failed to delete '${dest}'. ${err.message}`);
        }
      }
    }
  });
}
function cacheDir(sourceDir, tool, version, arch2) {
  return __awaiter2(this, void 0, void 0, function* () {
    version = semver2.clean(version) || version;
    arch2 = arch2 || os.arch();
    debug(`Caching tool ${tool} ${version} ${arch2}`);
    debug(`source dir: ${sourceDir}`);
    if (!fs.statSync(sourceDir).isDirectory()) {
      throw new Error("sourceDir is not a directory");
    }
    const destPath = yield _createToolPath(tool, version, arch2);
    for (const itemName of fs.readdirSync(sourceDir)) {
      const s = path.join(sourceDir, itemName);
      yield cp(s, destPath, { recursive: true });
    }
    _completeToolPath(tool, version, arch2);
    return destPath;
  });
}
function find(toolName, versionSpec, arch2) {
  if (!toolName) {
    throw new Error("toolName parameter is required");
  }
  if (!versionSpec) {
    throw new Error("versionSpec parameter is required");
  }
  arch2 = arch2 || os.arch();
  if (!isExplicitVersion(versionSpec)) {
    const localVersions = findAllVersions(toolName, arch2);
    const match = evaluateVersions(localVersions, versionSpec);
    versionSpec = match;
  }
  let toolPath = "";
  if (versionSpec) {
    versionSpec = semver2.clean(versionSpec) || "";
    const cachePath = path.join(_getCacheDirectory(), toolName, versionSpec, arch2);
    debug(`checking cache: ${cachePath}`);
    if (fs.existsSync(cachePath) && fs.existsSync(`${cachePath}.complete`)) {
      debug(`Found tool in cache ${toolName} ${versionSpec} ${arch2}`);
      toolPath = cachePath;
    } else {
      debug("not found");
    }
  }
  return toolPath;
}
function findAllVersions(toolName, arch2) {
  const versions = [];
  arch2 = arch2 || os.arch();
  const toolPath = path.join(_getCacheDirectory(), toolName);
  if (fs.existsSync(toolPath)) {
    const children = fs.readdirSync(toolPath);
    for (const child of children) {
      if (isExplicitVersion(child)) {
        const fullPath = path.join(toolPath, child, arch2 || "");
        if (fs.existsSync(fullPath) && fs.existsSync(`${fullPath}.complete`)) {
          versions.push(child);
        }
      }
    }
  }
  return versions;
}
function _createToolPath(tool, version, arch2) {
  return __awaiter2(this, void 0, void 0, function* () {
    const folderPath = path.join(_getCacheDirectory(), tool, semver2.clean(version) || version, arch2 || "");
    debug(`destination ${folderPath}`);
    const markerPath = `${folderPath}.complete`;
    yield rmRF(folderPath);
    yield rmRF(markerPath);
    yield mkdirP(folderPath);
    return folderPath;
  });
}
function _completeToolPath(tool, version, arch2) {
  const folderPath = path.join(_getCacheDirectory(), tool, semver2.clean(version) || version, arch2 || "");
  const markerPath = `${folderPath}.complete`;
  fs.writeFileSync(markerPath, "");
  debug("finished caching tool");
}
function isExplicitVersion(versionSpec) {
  const c = semver2.clean(versionSpec) || "";
  debug(`isExplicit: ${c}`);
  const valid2 = semver2.valid(c) != null;
  debug(`explicit? ${valid2}`);
  return valid2;
}
function evaluateVersions(versions, versionSpec) {
  let version = "";
  debug(`evaluating ${versions.length} versions`);
  versions = versions.sort((a, b) => {
    if (semver2.gt(a, b)) {
      return 1;
    }
    return -1;
  });
  for (let i = versions.length - 1; i >= 0; i--) {
    const potential = versions[i];
    const satisfied = semver2.satisfies(potential, versionSpec);
    if (satisfied) {
      version = potential;
      break;
    }
  }
  if (version) {
    debug(`matched: ${version}`);
  } else {
    debug("match not found");
  }
  return version;
}
function _getCacheDirectory() {
  const cacheDirectory = process.env["RUNNER_TOOL_CACHE"] || "";
  ok(cacheDirectory, "Expected RUNNER_TOOL_CACHE to be defined");
  return cacheDirectory;
}
function _getTempDirectory() {
  const tempDirectory = process.env["RUNNER_TEMP"] || "";
  ok(tempDirectory, "Expected RUNNER_TEMP to be defined");
  return tempDirectory;
}
function _getGlobal(key, defaultValue) {
  const value = global[key];
  return value !== void 0 ? value : defaultValue;
}

// src/tools/tool-cache.ts
import { createHash } from "node:crypto";
import { mkdir as mkdir4, mkdtemp, readdir as readdir4, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join5 } from "node:path";
function useToolCacheDir(cacheDir2, env = process.env) {
  env.RUNNER_TOOL_CACHE ||= join5(cacheDir2, "tools");
  env.RUNNER_TEMP ||= tmpdir();
  return env.RUNNER_TOOL_CACHE;
}
function semverOf(version) {
  const upstream = version.replace(/^\d+:/, "").match(/^(\d+)(?:\.(\d+))?(?:\.(\d+))?/);
  if (!upstream) throw new Error(`cannot read a version number from "${version}"`);
  return `${upstream[1]}.${upstream[2] ?? "0"}.${upstream[3] ?? "0"}`;
}
function findTool(name) {
  const dir = find(name, "*");
  if (!dir) return void 0;
  return { dir, version: dir.split("/").at(-2), source: "tool-cache" };
}
var storeKey = (name, version) => `tool-${name}-${process.arch}-${version}`;
var storePrefix = (name) => `tool-${name}-${process.arch}-`;
async function restoreTool(name, store, scratch) {
  const file = join5(scratch, `${name}.tar.zst`);
  await mkdir4(scratch, { recursive: true });
  let hit;
  try {
    hit = await store.restore(storePrefix(name), [storePrefix(name)], file);
  } catch (err) {
    logger().warn(`tool cache entry for ${name} unavailable (${errorMessage(err)}); fetching it instead`);
    return void 0;
  }
  if (!hit) return void 0;
  const version = hit.key.slice(storePrefix(name).length);
  const unpacked = await mkdtemp(join5(scratch, `${name}-`));
  await exec("tar", ["--extract", "--use-compress-program=zstd -d", "-f", hit.path, "-C", unpacked]);
  const dir = await cacheDir(unpacked, name, version);
  await rm2(unpacked, { recursive: true, force: true });
  logger().info(`${name} ${version} restored from the ${store.kind} cache (${formatBytes(hit.size)})`);
  return { dir, version, source: "cache" };
}
async function packTool(tool, name, scratch, pending) {
  await mkdir4(scratch, { recursive: true });
  const file = join5(scratch, `${name}.tar.zst`);
  await exec("tar", ["--create", "--use-compress-program=zstd -T0 -3", "-f", file, "-C", tool.dir, "."]);
  pending.push({
    what: `tool ${name}`,
    key: storeKey(name, tool.version),
    file,
    restorePrefix: storePrefix(name)
  });
}
async function cacheFromPackages(name, packages, version, scratch, logFile) {
  const work = await mkdtemp(join5(scratch, `${name}-debs-`));
  const root = join5(work, "root");
  await mkdir4(root);
  const download = () => exec("apt-get", ["download", "-q", ...packages], { cwd: work, ...logFile ? { logFile } : {} });
  try {
    await download();
  } catch {
    await exec("apt-get", ["update", "-q"], {
      privileged: "apt-get update",
      allowFailure: true,
      ...logFile ? { logFile } : {}
    });
    await download();
  }
  for (const deb of (await readdir4(work)).filter((f) => f.endsWith(".deb"))) {
    await exec("dpkg-deb", ["-x", join5(work, deb), root]);
  }
  await writeFile2(join5(root, "PACKAGES"), `${packages.join("\n")}
`);
  const dir = await cacheDir(root, name, semverOf(version));
  await rm2(work, { recursive: true, force: true });
  return { dir, version: semverOf(version), source: "packages" };
}
function urlToolName(prefix, url) {
  return `${prefix}-${createHash("sha256").update(url).digest("hex").slice(0, 12)}`;
}
async function cacheFromUrl(name, url, scratch) {
  await mkdir4(scratch, { recursive: true });
  const file = await downloadTool(url, join5(scratch, `${name}.download`));
  const unpacked = await mkdtemp(join5(scratch, `${name}-`));
  await exec("tar", ["--extract", "-f", file, "-C", unpacked]);
  const top = await readdir4(unpacked, { withFileTypes: true });
  const only = top.length === 1 && top[0].isDirectory() ? join5(unpacked, top[0].name) : unpacked;
  const dir = await cacheDir(only, name, "1.0.0");
  await rm2(unpacked, { recursive: true, force: true });
  await rm2(file, { force: true });
  return { dir, version: "1.0.0", source: "download" };
}

// src/tools/toolchain.ts
import { existsSync as existsSync5 } from "node:fs";
import { readFile as readFile2, readdir as readdir5, writeFile as writeFile3 } from "node:fs/promises";
import { join as join6 } from "node:path";
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
  const show = await exec("apt-cache", ["show", "--no-all-versions", meta], { allowFailure: true });
  const version = show.stdout.match(/^Version: (.+)$/m)?.[1];
  if (show.exitCode !== 0 || !version) {
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
  const src = join6(scratch, "probe.c");
  await writeFile3(src, "int triple(int x) { return 3 * x; }\n");
  await exec(gcc, ["-c", src, "-o", `${src}.o`], { env });
  return (await exec(gcc, ["-dumpmachine"], { env })).stdout.trim();
}
function toolchainEnv(tool) {
  const binDir = existsSync5(join6(tool.dir, "usr", "bin")) ? join6(tool.dir, "usr", "bin") : join6(tool.dir, "bin");
  const multiarch = process.arch === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  const libs = [join6(tool.dir, "usr", "lib", multiarch)].filter((d) => existsSync5(d));
  return { binDir, env: libs.length ? { LD_LIBRARY_PATH: libs.join(":") } : {} };
}
async function fromPackages(req, triple) {
  const name = `cross-gcc-${triple}-${await hostRelease()}`;
  const found = findTool(name);
  if (found) return found;
  if (req.store) {
    const restored = await restoreTool(name, req.store, req.scratch);
    if (restored) return restored;
  }
  const { packages, version } = await crossPackages(triple);
  logger().info(`unpacking ${packages.length} package(s) of ${triple}-gcc ${version} into the tool cache`);
  const tool = await cacheFromPackages(name, packages, version, req.scratch, req.logFile);
  if (req.store?.kind === "actions" && !req.readOnly) await packTool(tool, name, req.scratch, req.pending);
  return tool;
}
async function fromUrl(req) {
  const name = urlToolName("cross-gcc-url", req.toolchain);
  const found = findTool(name);
  if (found) return found;
  if (req.store) {
    const restored = await restoreTool(name, req.store, req.scratch);
    if (restored) return restored;
  }
  logger().info(`downloading the toolchain ${req.toolchain}`);
  let tool;
  try {
    tool = await cacheFromUrl(name, req.toolchain, req.scratch);
  } catch (err) {
    throw new InputError(
      "toolchain",
      `could not download or unpack ${req.toolchain}: ${errorMessage(err)}`,
      'Give the URL of a .tar.xz/.tar.gz toolchain reachable from the runner, or "packages".'
    );
  }
  if (req.store?.kind === "actions" && !req.readOnly) await packTool(tool, name, req.scratch, req.pending);
  return tool;
}
async function gccIn(binDir, triple) {
  const names = (await readdir5(binDir).catch(() => [])).filter(
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
  const machine = await checkCompiler(join6(binDir, gcc), env, req.scratch).catch((err) => {
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
function kernelHostPackages(config) {
  return [
    "make",
    "gcc",
    "libc6-dev",
    "flex",
    "bison",
    "bc",
    "libssl-dev",
    "libelf-dev",
    "kmod",
    "cpio",
    "rsync",
    "xz-utils",
    "zstd",
    ...config.ccache ? ["ccache"] : [],
    ...config.kernelPath === void 0 ? ["git", "ca-certificates"] : [],
    ...config.kernelDebs ? ["dpkg-dev", "fakeroot"] : []
  ];
}
async function buildKernel(config, report) {
  const log = logger();
  const phases = report.phases;
  const board = boardFor(config.board, config.arch[0]);
  const preset = BOARDS[board];
  const karch = preset.karch;
  const defconfig = config.defconfig ?? preset.defconfig;
  const workDir = resolve2(config.workDir ?? defaultWorkDir());
  if (inActions()) saveState("workDir", workDir);
  await phases.run(
    "host-tools",
    "Host tools",
    () => installPackages(kernelHostPackages(config), "building a kernel")
  );
  await freshDir(workDir);
  const dirs = {
    build: join7(workDir, "build"),
    stage: join7(workDir, "stage"),
    logs: join7(workDir, "logs"),
    scratch: join7(workDir, "scratch"),
    ccache: join7(workDir, "ccache")
  };
  for (const d of Object.values(dirs)) await mkdir5(d, { recursive: true });
  const logFile = (name) => join7(dirs.logs, `${name}.log`);
  useToolCacheDir(config.cacheDir ?? defaultCacheDir());
  const store = config.cache ? selectStore(config) : void 0;
  const pending = [];
  const toolchain = await phases.run("toolchain", `Cross toolchain for ${karch}`, async () => {
    const t = await resolveToolchain({
      karch,
      toolchain: config.toolchain,
      ...store ? { store } : {},
      readOnly: config.cacheReadOnly,
      scratch: dirs.scratch,
      pending,
      logFile: logFile("toolchain")
    });
    log.info(
      t.source === "native" ? `native gcc ${t.version}: this arm64 host builds arm64 without a cross compiler` : `${t.prefix}gcc (${t.version}) from the ${t.source}: ${t.binDir}`
    );
    return t;
  });
  const toolReport = {
    name: "toolchain",
    status: toolchain.source === "tool-cache" || toolchain.source === "cache" ? "hit" : "miss",
    key: `${toolchain.prefix || "native-"}gcc ${toolchain.version} (${toolchain.source})`
  };
  report.caches.push(toolReport);
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
  const prefix = ccachePrefix(karch, defconfig);
  if (ccache) {
    const r = store ? await restoreCcache(store, prefix, dirs.ccache, join7(dirs.scratch, "ccache-restore.tar.zst")) : { name: "ccache", status: "disabled" };
    report.caches.push(r);
    await exec("ccache", ["--zero-stats"], { env: ccache });
  }
  const configured = await phases.run(
    "configure",
    `Configure: ${defconfig}${config.kernelConfig.length ? " + fragments" : ""}`,
    async () => configureKernel(ctx, defconfig, await fragmentLines(config.kernelConfig, config.localversion))
  );
  const kconfig = parseConfigLines((await readFile3(join7(dirs.build, ".config"), "utf8")).split("\n"));
  const withModules = kconfig.get("CONFIG_MODULES") === "y";
  const targets = [
    preset.makeTarget,
    ...withModules ? ["modules"] : [],
    ...kconfig.get("CONFIG_OF") === "y" ? ["dtbs"] : []
  ];
  await phases.run("build", `Build: make ${targets.join(" ")} (ARCH=${karch})`, async () => {
    await kmake(ctx, targets, { progress: "kernel" });
  });
  let stats;
  if (ccache) {
    stats = await ccacheStats(ccache);
    const total = stats.hits + stats.misses;
    log.info(
      `ccache: ${stats.hits} hits, ${stats.misses} misses${total ? ` (${(100 * stats.hits / total).toFixed(0)}% hit rate)` : ""}`
    );
    report.facts.ccache = `${stats.hits} hits, ${stats.misses} misses`;
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
      for (const f of await readdir6(dirname3(dirs.build)))
        if (f.endsWith(".deb")) {
          await rename(join7(dirname3(dirs.build), f), join7(dirs.stage, f));
          files.push(join7(dirs.stage, f));
        }
    });
  }
  const bootFiles = await walk(installed.bootDir);
  await writeSha256Sums(dirs.stage, [...files, ...bootFiles]);
  const outDir = resolve2(config.outDir);
  await publishLocal([...files, installed.bootDir, join7(dirs.stage, "SHA256SUMS")], outDir);
  if (ccache && store && !config.cacheReadOnly) {
    await packCcache(
      ccache,
      dirs.ccache,
      join7(dirs.scratch, "ccache.tar.zst"),
      ccacheKey(karch, defconfig),
      prefix,
      pending
    );
  }
  await commitPending(store, pending);
  const placed = [
    ...files.map((f) => join7(outDir, f.split("/").pop())),
    ...bootFiles.map((f) => join7(outDir, "boot", f.slice(installed.bootDir.length + 1))),
    join7(outDir, "SHA256SUMS")
  ];
  await writeFile4(join7(dirs.logs, "phases.txt"), `${phases.table()}
`);
  const outputs = {
    "kernel-release": release,
    "kernel-path": outDir,
    "cache-hit": String(report.caches.some((c) => c.name === "ccache" && c.status === "hit"))
  };
  Object.assign(report.facts, outputs, {
    board: `${board} (${preset.description})`,
    defconfig,
    "kernel-image": `boot/${preset.firmwareName}`,
    "device-trees": `${installed.dtbs} dtb, ${installed.overlays} overlays`,
    modules: String(installed.modules),
    ...configured.dropped.length ? { "config-dropped": configured.dropped.join(", ") } : {}
  });
  report.facts.files = JSON.stringify(placed);
  return outputs;
}
export {
  buildKernel
};
