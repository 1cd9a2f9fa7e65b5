import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  UnusableEntry,
  require_semver
} from "./chunk-NYPTKA4T.js";
import {
  updatePackageLists
} from "./chunk-ZA2QISKQ.js";
import {
  basicAuth,
  withoutCredentials
} from "./chunk-G4YZ52AF.js";
import {
  exec
} from "./chunk-ICWOZ6BD.js";
import {
  HttpClient,
  __toESM,
  cp,
  debug,
  info,
  logger,
  mkdirP,
  rmRF
} from "./chunk-HN3MK2TO.js";

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
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
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
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
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
      return new Promise((resolve) => setTimeout(resolve, seconds * 1e3));
    });
  }
};

// node_modules/@actions/tool-cache/lib/tool-cache.js
var __awaiter2 = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
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
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
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
import { createReadStream } from "node:fs";
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  writeFile
} from "node:fs/promises";
import { dirname as dirname2, join as join2 } from "node:path";
function useToolCacheDir(cacheDir2, env = process.env) {
  env.RUNNER_TOOL_CACHE ||= join2(cacheDir2, "tools");
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
var MANIFEST = ".rpi-build-sha256";
var sha256 = (data) => createHash("sha256").update(data).digest("hex");
async function fileHash(path2) {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path2)) h.update(chunk);
  return h.digest("hex");
}
async function manifestOf(dir, rel = "") {
  let out = "";
  const entries = await readdir(join2(dir, rel), { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (r === MANIFEST) continue;
    const p = join2(dir, r);
    if (e.isDirectory()) out += await manifestOf(dir, r);
    else if (e.isSymbolicLink()) out += `${sha256(`symlink\0${await readlink(p)}`)}  ${r}
`;
    else if (e.isFile()) out += `${await fileHash(p)}  ${r}
`;
    else throw new Error(`${p} is neither a file, a folder nor a symlink`);
  }
  return out;
}
async function writeManifest(dir) {
  await writeFile(join2(dir, MANIFEST), await manifestOf(dir));
}
async function verifyTool(dir) {
  const recorded = await readFile(join2(dir, MANIFEST), "utf8").catch(() => void 0);
  if (recorded === void 0) return { problem: "has no recorded hashes (made by an older rpi-build?)" };
  const now = await manifestOf(dir);
  if (now !== recorded) {
    const [was, is] = [new Set(recorded.split("\n")), new Set(now.split("\n"))];
    const odd = [...is].find((l) => !was.has(l)) ?? [...was].find((l) => !is.has(l)) ?? "";
    return { problem: `does not match the hashes recorded when it was made (${odd.slice(66)} differs)` };
  }
  return { digest: sha256(recorded).slice(0, 16) };
}
var storePrefix = (name) => `tool-${name}-${process.arch}-`;
var storeKey = (name, version, digest) => `${storePrefix(name)}${version}-${digest}`;
function toolEntry(name, scratch, onRestore, save) {
  return {
    name: `tool ${name}`,
    what: `${name} tool cache`,
    instead: "fetching it instead",
    key: storePrefix(name),
    restoreKeys: [storePrefix(name)],
    ...save ? { saveKey: storeKey(name, save.tool.version, save.digest) } : {},
    // The same path for restore and save: the Actions cache matches entries by their path too.
    tarball: join2(scratch, `${name}.tar.zst`),
    anyHitIsHit: true,
    unreported: true,
    unpack: async (path2, hit) => {
      const m = /^(.+)-([0-9a-f]{16})$/.exec(hit.key.slice(storePrefix(name).length));
      if (!m) throw new UnusableEntry("has no recorded hashes (made by an older rpi-build?)");
      const unpacked = await mkdtemp(join2(scratch, `${name}-`));
      try {
        await exec("tar", ["--extract", "--use-compress-program=zstd -d", "-f", path2, "-C", unpacked]);
        const checked = await verifyTool(unpacked);
        if ("problem" in checked) throw new UnusableEntry(checked.problem);
        if (checked.digest !== m[2])
          throw new UnusableEntry(`holds hashes ${checked.digest}, not the ${m[2]} its key names`);
        const dir = await cacheDir(unpacked, name, m[1]);
        onRestore({ dir, version: m[1], source: "cache" });
      } finally {
        await rm(unpacked, { recursive: true, force: true });
      }
    },
    pack: async (file) => {
      if (!save) throw new Error(`no ${name} tool to pack`);
      await exec("tar", [
        "--create",
        "--use-compress-program=zstd -T0 -3",
        "-f",
        file,
        "-C",
        save.tool.dir,
        "."
      ]);
    }
  };
}
async function restoreTool(name, caches, scratch) {
  if (!caches.store) return void 0;
  await mkdir(scratch, { recursive: true });
  let restored;
  await caches.restore(toolEntry(name, scratch, (t) => restored = t));
  return restored;
}
async function obtainTool(name, src, fetch) {
  const found = findTool(name);
  if (found) {
    const checked = await verifyTool(found.dir);
    if (!("problem" in checked)) return found;
    logger().warn(`${name} in the tool cache (${found.dir}) ${checked.problem}; not using it`);
  }
  const restored = await restoreTool(name, src.caches, src.scratch);
  if (restored) return restored;
  const tool = await fetch();
  if (src.caches.store?.kind === "actions") await packTool(tool, name, src.caches, src.scratch);
  return tool;
}
async function packTool(tool, name, caches, scratch) {
  await mkdir(scratch, { recursive: true });
  const checked = await verifyTool(tool.dir);
  if ("problem" in checked) throw new Error(`the tool cache entry ${tool.dir} ${checked.problem}`);
  await caches.save(toolEntry(name, scratch, () => void 0, { tool, digest: checked.digest }));
}
async function cacheFromPackages(name, packages, version, scratch, logFile, keep) {
  await mkdir(scratch, { recursive: true });
  const work = await mkdtemp(join2(scratch, `${name}-debs-`));
  const root = join2(work, "root");
  await mkdir(root);
  const download = () => exec("apt-get", ["download", "-q", ...packages], { cwd: work, ...logFile ? { logFile } : {} });
  try {
    await download();
  } catch {
    await updatePackageLists();
    await download();
  }
  for (const deb of (await readdir(work)).filter((f) => f.endsWith(".deb"))) {
    await exec("dpkg-deb", ["-x", join2(work, deb), root]);
  }
  let source = root;
  if (keep) {
    source = join2(work, "kept");
    for (const rel of keep) {
      await mkdir(dirname2(join2(source, rel)), { recursive: true });
      await copyFile(join2(root, rel), join2(source, rel));
      await chmod(join2(source, rel), 493);
    }
  }
  await writeFile(join2(source, "PACKAGES"), `${packages.join("\n")}
${version}
`);
  await writeManifest(source);
  const dir = await cacheDir(source, name, semverOf(version));
  await rm(work, { recursive: true, force: true });
  return { dir, version: semverOf(version), source: "packages" };
}
function urlToolName(prefix, url) {
  return `${prefix}-${createHash("sha256").update(url).digest("hex").slice(0, 12)}`;
}
async function cacheFromUrl(name, url, scratch) {
  await mkdir(scratch, { recursive: true });
  const dest = join2(scratch, `${name}.download`);
  const file = await downloadTool(withoutCredentials(url), dest, basicAuth(url));
  const unpacked = await mkdtemp(join2(scratch, `${name}-`));
  await exec("tar", ["--extract", "-f", file, "-C", unpacked]);
  const top = await readdir(unpacked, { withFileTypes: true });
  const only = top.length === 1 && top[0].isDirectory() ? join2(unpacked, top[0].name) : unpacked;
  await writeManifest(only);
  const dir = await cacheDir(only, name, "1.0.0");
  await rm(unpacked, { recursive: true, force: true });
  await rm(file, { force: true });
  return { dir, version: "1.0.0", source: "download" };
}

export {
  useToolCacheDir,
  obtainTool,
  cacheFromPackages,
  urlToolName,
  cacheFromUrl
};
