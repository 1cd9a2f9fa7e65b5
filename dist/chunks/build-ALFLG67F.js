import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  shallowClone
} from "./chunk-DEYVWKYR.js";
import {
  ROOTFS_ARCHIVE,
  compressImage,
  packRootfs,
  unpackRootfs
} from "./chunk-63IDB3YK.js";
import {
  withDiskSpace
} from "./chunk-XEISMBYS.js";
import {
  compressionLevel,
  keyboardOf
} from "./chunk-M7MSI67S.js";
import "./chunk-KM5ZZME6.js";
import {
  installPackages
} from "./chunk-ZA2QISKQ.js";
import "./chunk-G4YZ52AF.js";
import {
  which
} from "./chunk-MQB7SEVM.js";
import {
  InputError,
  exec,
  tryOutput
} from "./chunk-ICWOZ6BD.js";
import {
  logger
} from "./chunk-HN3MK2TO.js";

// src/builders/pigen/build.ts
import { cp, mkdir as mkdir2, readFile as readFile3, rm as rm2, stat as stat3, writeFile as writeFile2 } from "node:fs/promises";
import { existsSync as existsSync2 } from "node:fs";
import { join as join5, resolve as resolve2 } from "node:path";

// src/builders/pigen/clean.ts
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
async function staleDebootstrap(piGenWork) {
  const found = [];
  for (const stage of await readdir(piGenWork).catch(() => [])) {
    const p = join(piGenWork, stage, "rootfs", "debootstrap");
    if ((await stat(p).catch(() => void 0))?.isDirectory()) found.push(p);
  }
  return found;
}

// src/builders/pigen/config.ts
import { rm, writeFile } from "node:fs/promises";
var DEPLOY_COMPRESSION = { xz: "xz", gzip: "gz", none: "none", zstd: "none" };
function piGenCompressionLevel(config) {
  const how = config.compression;
  if (how !== "xz" && how !== "gzip") return void 0;
  return String(compressionLevel(how, config.compressionLevel));
}
function shellQuote(value) {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
function piGenVariables(config, paths) {
  const { keymap, layout } = keyboardOf(config.keyboard);
  const keys = config.sshAuthorizedKeys;
  const vars = [
    ["IMG_NAME", config.imageName],
    ["RELEASE", config.suite],
    ["DEPLOY_COMPRESSION", DEPLOY_COMPRESSION[config.compression]],
    // pi-gen compresses xz and gz itself, at its COMPRESSION_LEVEL: ours, so both builders agree.
    ["COMPRESSION_LEVEL", piGenCompressionLevel(config)],
    ["LOCALE_DEFAULT", config.locale],
    ["TIMEZONE_DEFAULT", config.timezone],
    ["KEYBOARD_KEYMAP", keymap],
    ["KEYBOARD_LAYOUT", layout],
    ["TARGET_HOSTNAME", config.hostname],
    ["FIRST_USER_NAME", config.username],
    ["FIRST_USER_PASS", config.password],
    // The user named here keeps its name; pi-gen allows that only with a password.
    ["DISABLE_FIRST_BOOT_USER_RENAME", config.password !== void 0 ? "1" : "0"],
    ["ENABLE_SSH", keys.length > 0 ? "1" : "0"],
    ["PUBKEY_SSH_FIRST_USER", keys.length > 0 ? keys.join("\n") : void 0],
    ["PUBKEY_ONLY_SSH", keys.length > 0 ? "1" : "0"],
    // pi-gen tests WPA_COUNTRY with `[ -v ]`: only a set value may be written.
    ["WPA_COUNTRY", config.wifiCountry],
    ["STAGE_LIST", paths.stages.join(" ")],
    ["WORK_DIR", paths.work],
    ["DEPLOY_DIR", paths.deploy]
  ];
  return vars.filter((v) => v[1] !== void 0);
}
function renderConfig(vars) {
  const lines = vars.map(([k, v]) => `${k}=${shellQuote(v)}`);
  return `# Written by rpi-build for this build only; removed when it ends.
${lines.join("\n")}
`;
}
async function writePiGenConfig(file, config, paths) {
  await rm(file, { force: true });
  await writeFile(file, renderConfig(piGenVariables(config, paths)), { mode: 384, flag: "wx" });
  return () => rm(file, { force: true });
}

// src/builders/pigen/depends.ts
import { chmod, mkdir, readFile, symlink } from "node:fs/promises";
import { join as join2 } from "node:path";
function parseDepends(text) {
  return text.split("\n").map((l) => l.replace(/#.*/, "").trim()).flatMap((l) => l.split(/\s+/)).filter(Boolean).map((d) => {
    const i = d.indexOf(":");
    return i < 0 ? { tool: d, package: d } : { tool: d.slice(0, i), package: d.slice(i + 1) };
  });
}
async function ensureDepends(piGenDir, shimDir) {
  const deps = parseDepends(await readFile(join2(piGenDir, "depends"), "utf8"));
  const missing = [];
  let binDir;
  for (const d of deps) {
    if (await which(d.tool)) continue;
    if (d.tool === "qemu-arm") {
      const stat4 = await which("qemu-arm-static");
      if (stat4) {
        await mkdir(shimDir, { recursive: true });
        await symlink(stat4, join2(shimDir, "qemu-arm"));
        await chmod(shimDir, 493);
        binDir = shimDir;
        continue;
      }
      missing.push("qemu-user");
      continue;
    }
    missing.push(d.package);
  }
  const unique = [...new Set(missing)];
  if (unique.length) await installPackages(unique, "pi-gen's depends");
  return { installed: unique, ...binDir ? { binDir } : {} };
}

// src/builders/pigen/fetch.ts
import { resolve } from "node:path";
function defaultPiGenRef(suite, arch) {
  if (suite === "trixie") return arch === "arm64" ? "arm64" : "master";
  return arch === "arm64" ? `${suite}-arm64` : suite;
}
async function fetchPiGen(config, dest, logFile) {
  if (config.piGenPath !== void 0) {
    const dir = resolve(config.piGenPath);
    const commit2 = await tryOutput("git", ["-C", dir, "rev-parse", "HEAD"]);
    return { dir, source: `local checkout ${dir}`, ...commit2 ? { commit: commit2 } : {} };
  }
  const ref = config.piGenRef ?? defaultPiGenRef(config.suite, config.arch[0]);
  const url = await shallowClone({
    repository: config.piGenRepository,
    ref,
    dest,
    logFile,
    timeoutMs: 6e5,
    // pi-gen's own branch when none was given: a missing one is the repository's fault.
    inputs: { repository: "pi-gen-repository", ref: config.piGenRef ? "pi-gen-ref" : "pi-gen-repository" },
    fix: config.piGenRef ? "Check that the branch or tag exists in pi-gen-repository." : `Check that the repository is reachable from the runner and has the branch ${ref} (pi-gen's branch for this suite and arch), or set pi-gen-ref.`
  });
  const commit = await tryOutput("git", ["-C", dest, "rev-parse", "HEAD"]);
  return { dir: dest, source: `${url} at ${ref}`, ...commit ? { commit } : {} };
}

// src/builders/pigen/run.ts
import { existsSync, readdirSync, realpathSync } from "node:fs";
import { readdir as readdir2 } from "node:fs/promises";
import { basename, join as join3, relative } from "node:path";
var MARK = /^\[(\d\d:\d\d:\d\d)\] (Begin|End) (.+)$/;
var TAIL_LINES = 30;
var IMAGE_FILE = /\.(?:img|img\.gz|img\.xz|zip)$/;
var PiGenError = class extends Error {
  constructor(message, stage, step, causes, tail) {
    super(message);
    this.stage = stage;
    this.step = step;
    this.causes = causes;
    this.tail = tail;
    this.name = "PiGenError";
  }
  stage;
  step;
  causes;
  tail;
};
var StageTracker = class {
  constructor(base, outside = []) {
    this.base = base;
    this.outside = outside;
  }
  base;
  outside;
  open = [];
  finished = [];
  started = /* @__PURE__ */ new Map();
  /** Returns the mark seen, if the line is one. */
  feed(line, now = Date.now()) {
    const m = MARK.exec(line.trim());
    if (!m) return void 0;
    const kind = m[2];
    const path = m[3];
    if (kind === "Begin") {
      this.open.push(path);
      this.started.set(path, now);
    } else {
      const i = this.open.lastIndexOf(path);
      if (i >= 0) this.open.splice(i, 1);
      this.finished.push({ path, seconds: (now - (this.started.get(path) ?? now)) / 1e3 });
    }
    return { kind, path };
  }
  show(path) {
    const rel = relative(this.base, path);
    if (rel && !rel.startsWith("..")) return rel;
    const stage = this.outside.find((d) => path === d || path.startsWith(`${d}/`));
    return stage ? join3(basename(stage), relative(stage, path)) : path;
  }
  /** A stage is a folder directly under pi-gen's (stage2, export-image) or one given from outside. */
  isStage(path) {
    return path !== this.base && (this.outside.includes(path) || !relative(this.base, path).includes("/"));
  }
  /** The stage open now (outermost) and the innermost open step. */
  failedAt() {
    const open = this.open.filter((p) => p !== this.base);
    const stage = open.find((p) => this.isStage(p));
    const step = open[open.length - 1];
    return { ...stage ? { stage: this.show(stage) } : {}, ...step ? { step: this.show(step) } : {} };
  }
};
function findCauses(lines, workDir, arch) {
  const text = lines.join("\n");
  const causes = [];
  if (/Exec format error/.test(text))
    causes.push({
      id: "exec-format",
      text: `"Exec format error": the host cannot run ${arch} programs (no binfmt_misc handler for them). Run the build through rpi-build's target image, which registers QEMU emulation first (or a target qemu step before), and check /proc/sys/fs/binfmt_misc.`
    });
  const leftover = readdirSyncSafe(workDir).map((s) => join3(workDir, s, "rootfs", "debootstrap")).filter((p) => existsSync(p));
  if (leftover.length || /bootstrap failed/.test(text))
    causes.push({
      id: "debootstrap",
      text: `debootstrap did not finish${leftover.length ? ` (its folder is left in ${leftover.join(", ")}; see debootstrap/debootstrap.log there)` : ""}; rpi-build removes it before the next build.`
    });
  if (/failed to set up loop device|losetup failed|Error in losetup/.test(text))
    causes.push({
      id: "loop-device",
      text: "no free loop device: pi-gen needs one to write the image. Detach unused ones (losetup -D as root) or run where /dev/loop* is available (not in an unprivileged container)."
    });
  if (/No space left on device/.test(text))
    causes.push({
      id: "disk-full",
      text: 'the disk ran full ("No space left on device"): a pi-gen build keeps a root filesystem per stage. Free space (free-disk-space on GitHub-hosted runners) or set work-dir to a bigger disk.'
    });
  if (/Required dependencies not installed/.test(text))
    causes.push({
      id: "depends",
      text: "pi-gen's own dependency check failed: a tool in its depends file is missing."
    });
  if (/Please run as root/.test(text)) causes.push({ id: "not-root", text: "pi-gen must run as root." });
  return causes;
}
function readdirSyncSafe(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
async function runPiGen(o) {
  const log = logger();
  const real = (p) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const base = real(o.dir);
  const tracker = new StageTracker(base, (o.outsideStages ?? []).map(real));
  const tail = [];
  const seen = [];
  const r = await exec(join3(o.dir, "build.sh"), ["-c", o.configFile], {
    cwd: o.dir,
    logFile: o.logFile,
    allowFailure: true,
    privileged: "running pi-gen",
    ...o.env ? { env: o.env } : {},
    ...o.signal ? { signal: o.signal } : {},
    onLine: (line) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      if (/Exec format error|bootstrap failed|losetup|No space left|Required dependencies|run as root/.test(
        line
      ))
        seen.push(line);
      const mark = tracker.feed(line);
      if (!mark) return;
      const shown = tracker.show(mark.path);
      if (tracker.isStage(mark.path)) {
        if (mark.kind === "Begin") log.info(`pi-gen: ${shown}`);
        else log.info(`pi-gen: ${shown} done in ${tracker.finished.at(-1).seconds.toFixed(0)} s`);
      } else if (mark.kind === "Begin" && mark.path !== base) log.progress(`pi-gen: ${shown}`);
    }
  });
  const deployed = (await readdir2(o.deploy).catch(() => [])).map((f) => join3(o.deploy, f));
  const image = deployed.find((f) => IMAGE_FILE.test(f));
  if (r.exitCode === 0 && !r.signal && image) {
    const stages = tracker.finished.filter((f) => tracker.isStage(f.path)).map((f) => ({ name: tracker.show(f.path), seconds: f.seconds }));
    return { deployed, image, stages };
  }
  const causes = findCauses([...seen, ...tail], o.work, o.arch);
  const { stage, step } = tracker.failedAt();
  const buildLog = join3(o.work, "build.log");
  let why;
  if (r.exitCode === 0 && !r.signal) {
    const exporting = stagesWithExport(tracker);
    why = `pi-gen exited 0 but deployed no image in ${o.deploy}${exporting.length ? "" : ": none of the stages run has an EXPORT_IMAGE file (in pi-gen, stage2, stage4 and stage5 do); add one to stages"}`;
  } else {
    why = `pi-gen failed (${r.signal ? `killed by ${r.signal}` : `exit status ${r.exitCode}`})${stage ? ` in ${stage}` : ""}${step && step !== stage ? ` at ${step}` : ""}`;
  }
  const lines = [
    why + ".",
    ...causes.map((c) => `Likely cause: ${c.text}`),
    `Last ${tail.length} lines of its output (full output: ${o.logFile}${existsSync(buildLog) ? `; pi-gen's own log: ${buildLog}` : ""}):`,
    ...tail.map((l) => `  ${l}`)
  ];
  throw new PiGenError(lines.join("\n"), stage, step, causes, tail);
}
function stagesWithExport(tracker) {
  return tracker.finished.map((f) => f.path).filter((p) => tracker.isStage(p) && existsSync(join3(p, "EXPORT_IMAGE")));
}

// src/builders/pigen/stage0-cache.ts
import { createHash } from "node:crypto";
import { readdir as readdir3, readFile as readFile2, stat as stat2 } from "node:fs/promises";
import { basename as basename2, join as join4, relative as relative2 } from "node:path";
var STAGE0_RECIPE = "v1";
async function filesWithContents(dir, base = dir) {
  const out = [];
  const entries = await readdir3(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join4(dir, e.name);
    if (e.isDirectory()) out.push(...await filesWithContents(p, base));
    else if (e.isFile()) out.push([relative2(base, p), await readFile2(p)]);
  }
  return out;
}
function isoWeek(d) {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 864e5 + 1) / 7);
  return `${t.getUTCFullYear()}w${String(week).padStart(2, "0")}`;
}
async function stage0Keys(stageDir, tree, arch, config, now = /* @__PURE__ */ new Date()) {
  const h = createHash("sha256");
  h.update(JSON.stringify({ recipe: STAGE0_RECIPE, arch, release: config.suite, locale: config.locale }));
  const parts = [
    ["stage0", stageDir],
    ["scripts", join4(tree, "scripts")]
  ];
  for (const [label, dir] of parts)
    for (const [rel, content] of await filesWithContents(dir))
      h.update(`\0${label}/${rel}\0`).update(content);
  const buildSh = await readFile2(join4(tree, "build.sh")).catch(() => Buffer.alloc(0));
  h.update("\0build.sh\0").update(buildSh);
  const restorePrefix = `rpi-build-pigen-stage0-${STAGE0_RECIPE}-${arch}-${config.suite}-${h.digest("hex").slice(0, 16)}-`;
  return { key: `${restorePrefix}${isoWeek(now)}`, restorePrefix };
}
var startsWithStage0 = (stages) => stages.length > 0 && basename2(stages[0]) === "stage0";
function stage0Entry(keys, paths) {
  return {
    name: "pi-gen-stage0",
    what: "pi-gen stage0 cache",
    instead: "pi-gen bootstraps as usual",
    key: keys.key,
    restoreKeys: [keys.restorePrefix],
    tarball: paths.tarball,
    policy: ROOTFS_ARCHIVE,
    olderHit: "from an earlier week (pi-gen updates it)",
    unpack: (file) => unpackRootfs(file, paths.root, paths.log),
    pack: (file) => packRootfs(paths.root, file, paths.log)
  };
}
var hasStage0Root = async (root) => (await stat2(root).catch(() => void 0))?.isDirectory() === true;

// src/builders/pigen/build.ts
function piGenDirs(workDir) {
  return {
    work: workDir,
    tree: join5(workDir, "pi-gen"),
    piGenWork: join5(workDir, "pi-gen-work"),
    deploy: join5(workDir, "pi-gen-deploy"),
    stages: join5(workDir, "pi-gen-stages"),
    bin: join5(workDir, "bin"),
    logs: join5(workDir, "logs"),
    configFile: join5(workDir, "pi-gen-config")
  };
}
async function resolveStages(config, tree, copies) {
  const paths = [];
  for (const name of config.stages) {
    const mine = config.piGenStagesDir !== void 0 ? join5(resolve2(config.piGenStagesDir), name) : void 0;
    if (mine && (await stat3(mine).catch(() => void 0))?.isDirectory()) {
      await mkdir2(copies, { recursive: true });
      await cp(mine, join5(copies, name), { recursive: true, preserveTimestamps: true });
      paths.push(join5(copies, name));
    } else if ((await stat3(join5(tree, name)).catch(() => void 0))?.isDirectory()) {
      paths.push(join5(tree, name));
    } else {
      throw new InputError(
        "stages",
        `"${name}" is neither a stage of pi-gen (${tree})${config.piGenStagesDir !== void 0 ? ` nor a folder in pi-gen-stages-dir (${config.piGenStagesDir})` : ""}`,
        "Name pi-gen's stages (stage0 \u2026 stage5) or folders of pi-gen-stages-dir."
      );
    }
  }
  return paths;
}
function accountOf(config) {
  const pw = config.password !== void 0;
  const key = config.sshAuthorizedKeys.length > 0;
  return pw && key ? "password+ssh-key" : pw ? "password" : key ? "ssh-key" : "locked";
}
var piGenBuilder = {
  // pi-gen would skip debootstrap over a half-made stage root: say what an earlier failed
  // build left before the pipeline empties the work folder.
  inspect: async ({ workDir, facts }) => {
    const stale = await staleDebootstrap(piGenDirs(workDir).piGenWork);
    for (const d of stale)
      logger().info(
        `removing ${d}, left by an earlier failed debootstrap (pi-gen would reuse the broken rootfs)`
      );
    if (stale.length) facts["pi-gen-cleaned"] = stale.join(", ");
  },
  build: buildPiGenImage
};
async function buildPiGenImage({ config, workDir, phases, caches, facts }) {
  const arch = config.arch[0];
  const dirs = piGenDirs(workDir);
  await mkdir2(dirs.logs, { recursive: true });
  const tree = await phases.run("pi-gen-fetch", "pi-gen: get the build scripts", async () => {
    const t = await fetchPiGen(config, dirs.tree, join5(dirs.logs, "pi-gen-fetch.log"));
    logger().info(`pi-gen: ${t.source}${t.commit ? ` (${t.commit})` : ""}`);
    return t;
  });
  facts["pi-gen"] = `${tree.source}${tree.commit ? ` ${tree.commit}` : ""}`;
  const deps = await phases.run(
    "host-tools",
    "Host tools: pi-gen's depends",
    () => ensureDepends(tree.dir, dirs.bin)
  );
  const stages = await resolveStages(config, tree.dir, dirs.stages);
  const stage0Paths = {
    root: join5(dirs.piGenWork, "stage0", "rootfs"),
    tarball: join5(workDir, "cache", "pi-gen-stage0.tar.zst"),
    log: join5(dirs.logs, "pi-gen-cache.log")
  };
  const stage0 = caches.store && startsWithStage0(stages) ? await phases.run("pi-gen-cache", "pi-gen: stage0 from the cache", async () => {
    const entry = stage0Entry(await stage0Keys(stages[0], tree.dir, arch, config), stage0Paths);
    return { entry, restored: await caches.restore(entry) };
  }) : void 0;
  const paths = { work: dirs.piGenWork, deploy: dirs.deploy, stages };
  const removeConfig = await writePiGenConfig(dirs.configFile, config, paths);
  let result;
  try {
    result = await phases.run(
      "pi-gen",
      `pi-gen: ${config.stages.join(" ")} (${arch})`,
      () => withDiskSpace(
        workDir,
        "pi-gen",
        () => runPiGen({
          dir: tree.dir,
          configFile: dirs.configFile,
          work: dirs.piGenWork,
          deploy: dirs.deploy,
          arch,
          logFile: join5(dirs.logs, "pi-gen.log"),
          outsideStages: stages.filter((s) => s.startsWith(`${dirs.stages}/`)),
          env: {
            ...deps.binDir ? { PATH: `${deps.binDir}:${process.env.PATH ?? "/usr/bin:/bin"}` } : {},
            ...tree.commit ? { GIT_HASH: tree.commit } : {}
          }
        })
      )
    );
  } finally {
    await removeConfig();
    const buildLog = join5(dirs.piGenWork, "build.log");
    if (existsSync2(buildLog))
      await writeFile2(join5(dirs.logs, "pi-gen-build.log"), await readFile3(buildLog)).catch(() => void 0);
  }
  if (stage0 && caches.wants(stage0.entry, stage0.restored)) {
    if (await hasStage0Root(stage0Paths.root)) await caches.save(stage0.entry, stage0.restored);
    else logger().warn(`pi-gen left no stage0 root at ${stage0Paths.root}; nothing to cache`);
  }
  let image = result.image;
  const others = result.deployed.filter((f) => f !== image);
  if (config.compression === "zstd") {
    const raw = image;
    image = await phases.run(
      "compress",
      "Compress (zstd)",
      () => withDiskSpace(
        workDir,
        "compression",
        () => compressImage(raw, "zstd", {
          level: config.compressionLevel,
          logFile: join5(dirs.logs, "compress.log")
        })
      )
    );
    await rm2(raw);
  }
  const info = others.find((f) => f.endsWith(".info"));
  const packages = info ? (await readFile3(info, "utf8")).split("\n").filter((l) => l.startsWith("ii ")).length : void 0;
  facts["pi-gen-stages"] = result.stages.map((s) => `${s.name} ${s.seconds.toFixed(0)} s`).join(", ");
  return {
    files: [image, ...others],
    dir: dirs.deploy,
    outputs: {
      ...packages !== void 0 ? { "package-count": String(packages) } : {},
      account: accountOf(config),
      "boot-test": "skipped (builder pi-gen)",
      "cache-hit": String(stage0?.restored.report.status === "hit")
    }
  };
}
export {
  piGenBuilder,
  piGenDirs,
  resolveStages
};
