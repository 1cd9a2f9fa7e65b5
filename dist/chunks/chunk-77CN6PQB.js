import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  checkFreeDiskSpace
} from "./chunk-AKLGG77D.js";
import {
  InputError,
  exec
} from "./chunk-5XQTGPXW.js";

// src/runtime/work-folder.ts
import { randomUUID } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { lstat, mkdir, readdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
var WORK_MARKER = ".rpi-build-work";
var WORK_LOCK = ".rpi-build-lock";
var BUILD_NAMES = [
  ...["rootfs", "boot", "stage", "logs", "hooks", "cache", "boot-test"],
  ...["build", "source", "source.unpack", "scratch", "ccache"],
  ...["pi-gen", "pi-gen-work", "pi-gen-deploy", "pi-gen-stages", "pi-gen-config", "bin"],
  WORK_LOCK
];
var SYSTEM_TREES = ["/bin", "/boot", "/dev", "/etc", "/lib", "/proc", "/sbin", "/sys"];
var SYSTEM_FOLDERS = ["/home", "/media", "/mnt", "/opt", "/root", "/run", "/snap", "/srv", "/tmp"];
var SYSTEM_PARENTS = ["/usr", "/var", "/usr/local"];
function inside(parent, path) {
  const rel = relative(parent, path);
  return rel === "" || !rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep);
}
function realPath(path) {
  const abs = resolve(path);
  let head = abs;
  const tail = [];
  while (!existsSync(head) && dirname(head) !== head) {
    tail.unshift(basename(head));
    head = dirname(head);
  }
  try {
    return join(realpathSync(head), ...tail);
  } catch {
    return abs;
  }
}
function systemFolder(p) {
  if (p === "/" || /^\/lib[^/]*($|\/)/.test(p)) return true;
  if (SYSTEM_TREES.some((t) => inside(t, p))) return true;
  if (SYSTEM_FOLDERS.includes(p)) return true;
  return SYSTEM_PARENTS.some((s) => p === s || dirname(p) === s);
}
function refusal(path, env, what) {
  const p = realPath(path);
  if (p === "/") return "is the root folder";
  if (systemFolder(p)) return `is a system folder (${p})`;
  const named = [
    ["the GitHub workspace (GITHUB_WORKSPACE)", env.GITHUB_WORKSPACE],
    ["the runner temp folder (RUNNER_TEMP)", env.RUNNER_TEMP],
    ["your home folder (HOME)", env.HOME]
  ];
  for (const [name, v] of named) {
    if (!v) continue;
    const r = realPath(v);
    if (p === r) return `is ${name} itself`;
    if (what === "work" && inside(p, r)) return `holds ${name} (${r})`;
  }
  return void 0;
}
function checkWorkDirPath(path, env = process.env) {
  const why = refusal(path, env, "work");
  if (why)
    throw new InputError(
      "work-dir",
      `"${path}" ${why}; rpi-build empties its work folder before each build`,
      "Give a new or empty folder of its own (e.g. a subfolder such as /var/tmp/rpi-build-work), or leave work-dir unset."
    );
}
function checkCacheDirPath(path, env = process.env) {
  const why = refusal(path, env, "cache");
  if (why)
    throw new InputError(
      "cache-dir",
      `"${path}" ${why}`,
      "Give a folder of its own for the cache (e.g. ~/.cache/rpi-build), or leave cache-dir unset."
    );
}
async function isMarked(dir) {
  const st = await lstat(join(dir, WORK_MARKER)).catch(() => void 0);
  return !!st?.isFile();
}
async function checkWorkDirContents(dir, isDefault) {
  const st = await lstat(dir).catch(() => void 0);
  if (!st) return;
  if (!st.isDirectory())
    throw new InputError(
      "work-dir",
      `"${dir}" is not a folder`,
      "Give a new or empty folder for the build, or leave work-dir unset."
    );
  if (await isMarked(dir)) return;
  const entries = (await readdir(dir)).filter((e) => e !== "lost+found");
  if (entries.length === 0) return;
  if (isDefault && entries.every((e) => BUILD_NAMES.includes(e))) return;
  const shown = entries.slice(0, 5).join(", ") + (entries.length > 5 ? ", \u2026" : "");
  throw new InputError(
    "work-dir",
    `"${dir}" holds files rpi-build did not make (${shown}) and it empties its work folder before each build`,
    isDefault ? `Move those files away or remove ${dir}, or set work-dir to a new or empty folder.` : "Give a new or empty folder (rpi-build marks it as its own), or remove the files there first."
  );
}
async function markWorkDir(dir, isDefault) {
  await checkWorkDirContents(dir, isDefault);
  await mkdir(dir, { recursive: true });
  if (await isMarked(dir)) return;
  const id = randomUUID();
  await writeFile(
    join(dir, WORK_MARKER),
    `rpi-build work folder ${id}
rpi-build empties this folder before each build; keep nothing of yours here.
`,
    { flag: "wx" }
  ).catch((err) => {
    if (err.code !== "EEXIST") throw err;
  });
}

// src/config/pigen.ts
import { stat } from "node:fs/promises";
import { join as join2 } from "node:path";
var KEYBOARD_LAYOUTS = {
  gb: "English (UK)",
  us: "English (US)",
  de: "German",
  fr: "French",
  es: "Spanish",
  it: "Italian",
  pt: "Portuguese",
  nl: "Dutch",
  be: "Belgian",
  se: "Swedish",
  no: "Norwegian",
  dk: "Danish",
  fi: "Finnish",
  pl: "Polish",
  cz: "Czech",
  hu: "Hungarian",
  jp: "Japanese",
  ru: "Russian"
};
function keyboardOf(value) {
  const [keymap, layout] = value.split(/:(.*)/s);
  const known = KEYBOARD_LAYOUTS[keymap];
  if (layout) return { keymap, layout };
  if (!known)
    throw new InputError(
      "keyboard",
      `the layout name of keymap "${keymap}" is not known to rpi-build`,
      `Give it as keymap:layout, e.g. "${keymap}:<layout name as in debconf-show keyboard-configuration>", or use one of ${Object.keys(KEYBOARD_LAYOUTS).join(", ")}.`
    );
  return { keymap, layout: known };
}
async function checkPiGen(config, env = process.env) {
  checkFreeDiskSpace(config, env);
  if (config.target !== "image" || config.builder !== "pi-gen") return;
  const arch = config.arch[0];
  if (arch !== "arm64" && arch !== "armhf")
    throw new InputError(
      "arch",
      `pi-gen builds armhf or arm64 images, not ${arch}`,
      "Use arch armhf (its images also run on a Pi Zero/1) or arm64 with builder pi-gen, or builder debian for armel."
    );
  keyboardOf(config.keyboard);
  if (!/^[a-z][-a-z0-9_]*$/.test(config.username))
    throw new InputError(
      "username",
      `pi-gen accepts only names starting with a lowercase letter, got "${config.username}"`,
      "Start the name with a lowercase letter."
    );
  if (config.password !== void 0 && /["$`\\]/.test(config.password))
    throw new InputError(
      "password",
      'contains " $ ` or \\, which pi-gen would run as shell code inside the image',
      "Use a password without those four characters with builder pi-gen (builder debian takes any)."
    );
  if (config.piGenPath !== void 0) {
    const ok = await stat(join2(config.piGenPath, "build.sh")).catch(() => void 0);
    if (!ok?.isFile())
      throw new InputError(
        "pi-gen-path",
        `"${config.piGenPath}" holds no build.sh`,
        "Give the folder of a pi-gen checkout, or drop pi-gen-path to clone pi-gen-repository."
      );
  }
  if (config.piGenStagesDir !== void 0 && !(await stat(config.piGenStagesDir).catch(() => void 0))?.isDirectory())
    throw new InputError(
      "pi-gen-stages-dir",
      `"${config.piGenStagesDir}" is not a folder`,
      "Give a folder holding your stage folders (each with prerun.sh and numbered sub-stages)."
    );
}

// src/runtime/mounts.ts
import { readFile } from "node:fs/promises";
import { resolve as resolve2 } from "node:path";
function decode(field) {
  return field.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
}
async function mountPoints() {
  const text = await readFile("/proc/self/mountinfo", "utf8");
  return text.split("\n").filter(Boolean).map((l) => decode(l.split(" ")[4]));
}
async function mountsBelow(dir) {
  const root = resolve2(dir);
  const points = (await mountPoints()).filter((p) => p.startsWith(`${root}/`));
  return [...new Set(points)].sort((a, b) => b.split("/").length - a.split("/").length || b.localeCompare(a));
}
async function isMounted(point) {
  const p = resolve2(point);
  return (await mountPoints()).includes(p);
}
async function unmount(point, opts = {}) {
  const tries = opts.tries ?? 3;
  const log = opts.logFile ? { logFile: opts.logFile } : {};
  const run = (args) => exec("umount", [...args, point], { privileged: "unmounting", allowFailure: true, ...log });
  let said = "";
  for (let i = 0; i < tries; i++) {
    const r2 = await run([]);
    said = r2.stderr.trim() || said;
    if (!await isMounted(point)) return "plain";
    if (r2.exitCode === 0) continue;
    await new Promise((res) => setTimeout(res, opts.delayMs ?? 500));
  }
  const r = await run(["--lazy"]);
  said = r.stderr.trim() || said;
  for (let i = 0; i < 4 && await isMounted(point); i++) await run(["--lazy"]);
  if (!await isMounted(point)) return "lazy";
  throw new Error(
    `cannot unmount ${point}${said ? ` (${said.split("\n").pop()})` : ""}. End what still uses it, then run "umount -R ${point}" as root; until then nothing below it is removed or packed.`
  );
}
async function refuseMountsBelow(dir, what) {
  const points = await mountsBelow(dir);
  if (points.length === 0) return;
  throw new Error(
    `refusing to ${what} ${dir}: still mounted below it: ${points.join(", ")}. The mounted files (the host's, not the image's) would go in with it. A customize step or an earlier build left it mounted: unmount it (umount -R ${points[points.length - 1]}) and build again.`
  );
}

// src/runtime/work-cleanup.ts
import { readdir as readdir2, readlink } from "node:fs/promises";
import { resolve as resolve3 } from "node:path";
async function processesBelow(dir, points = []) {
  const root = resolve3(dir);
  const inside2 = (p) => p !== void 0 && points.some((m) => p === m || p.startsWith(`${m}/`));
  const pids = [];
  for (const entry of await readdir2("/proc").catch(() => [])) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const link2 = await readlink(`/proc/${entry}/root`).catch(() => void 0);
    if (link2?.startsWith(`${root}/`)) {
      pids.push(Number(entry));
      continue;
    }
    if (points.length === 0) continue;
    const fds = await readdir2(`/proc/${entry}/fd`).catch(() => []);
    const links = await Promise.all(
      [`/proc/${entry}/cwd`, ...fds.map((f) => `/proc/${entry}/fd/${f}`)].map(
        (l) => readlink(l).catch(() => void 0)
      )
    );
    if (links.some(inside2)) pids.push(Number(entry));
  }
  return pids;
}
async function loopDevicesBelow(dir) {
  const root = resolve3(dir);
  const r = await exec("losetup", ["--list", "--json", "--output", "NAME,BACK-FILE"], {
    allowFailure: true
  }).catch(() => void 0);
  if (!r || r.exitCode !== 0 || !r.stdout.trim()) return [];
  const list = JSON.parse(r.stdout).loopdevices ?? [];
  return list.filter((d) => d["back-file"]?.startsWith(`${root}/`)).map((d) => d.name);
}
async function cleanupWorkDir(dir) {
  const pids = await processesBelow(dir, await mountsBelow(dir));
  for (const sig of ["SIGTERM", "SIGKILL"]) {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
      }
    }
    if (pids.length && sig === "SIGTERM") await new Promise((r) => setTimeout(r, 2e3));
  }
  const unmounted = [];
  for (const p of await mountsBelow(dir)) {
    if (await unmount(p).catch(() => void 0)) unmounted.push(p);
  }
  for (let i = 0; i < 20 && (await loopDevicesBelow(dir)).length; i++)
    await new Promise((r) => setTimeout(r, 100));
  const detached = [];
  for (const dev of await loopDevicesBelow(dir)) {
    const r = await exec("losetup", ["--detach", dev], {
      privileged: "detaching loop devices",
      allowFailure: true
    }).catch(() => void 0);
    if (r?.exitCode === 0) detached.push(dev);
  }
  const remaining = await mountsBelow(dir);
  const loops = await loopDevicesBelow(dir);
  const summary = `rpi-build cleanup: ended ${pids.length} process(es), unmounted ${unmounted.length} mount point(s), detached ${detached.length} loop device(s) below ${dir}` + (remaining.length || loops.length ? `; still there: ${[...remaining, ...loops].join(", ")}` : "; nothing remains mounted.");
  return { unmounted, remaining: [...remaining, ...loops], summary };
}

// src/runtime/work-lock.ts
import { readFileSync, unlinkSync } from "node:fs";
import { link, readFile as readFile2, rename, rm, writeFile as writeFile2 } from "node:fs/promises";
import { join as join3 } from "node:path";
function startTime(pid) {
  try {
    const stat2 = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat2.slice(stat2.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return void 0;
  }
}
var alive = (h) => startTime(h.pid) === h.start;
async function readHolder(file) {
  const text = await readFile2(file, "utf8").catch(() => void 0);
  if (text === void 0) return void 0;
  try {
    const h = JSON.parse(text);
    if (Number.isInteger(h.pid) && typeof h.start === "string") return h;
  } catch {
  }
  return { pid: 0, start: "", since: "" };
}
function inUse(dir, h) {
  return new InputError(
    "work-dir",
    `"${dir}" is in use by another rpi-build (pid ${h.pid}, since ${h.since})`,
    "Wait for that build to finish, or give this build a work-dir of its own."
  );
}
async function checkWorkLock(dir) {
  const h = await readHolder(join3(dir, WORK_LOCK));
  if (h && h.pid !== process.pid && alive(h)) throw inUse(dir, h);
}
var held = /* @__PURE__ */ new Set();
var exitHook = false;
async function acquireWorkLock(dir) {
  const file = join3(dir, WORK_LOCK);
  if (held.has(file)) return;
  const me = {
    pid: process.pid,
    start: startTime(process.pid) ?? "",
    since: (/* @__PURE__ */ new Date()).toISOString()
  };
  const tmp = `${file}.${process.pid}`;
  await writeFile2(tmp, JSON.stringify(me));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const made = await link(tmp, file).then(
        () => true,
        (err) => {
          if (err.code !== "EEXIST") throw err;
          return false;
        }
      );
      if (made) {
        held.add(file);
        if (!exitHook) {
          exitHook = true;
          process.on("exit", releaseAll);
        }
        return;
      }
      const h = await readHolder(file);
      if (!h) continue;
      if (h.pid === process.pid && h.start === me.start) {
        held.add(file);
        return;
      }
      if (alive(h)) throw inUse(dir, h);
      const aside = `${file}.stale.${process.pid}`;
      if (!await rename(file, aside).then(
        () => true,
        () => false
      ))
        continue;
      const moved = await readHolder(aside);
      if (moved && moved.pid !== h.pid && alive(moved)) {
        await link(aside, file).catch(() => void 0);
        await rm(aside, { force: true });
        throw inUse(dir, moved);
      }
      await rm(aside, { force: true });
    }
    throw new Error(`could not take the lock ${file} (it kept changing); try again`);
  } finally {
    await rm(tmp, { force: true });
  }
}
function releaseAll() {
  for (const file of held) {
    try {
      const h = JSON.parse(readFileSync(file, "utf8"));
      if (h.pid === process.pid) unlinkSync(file);
    } catch {
    }
  }
  held.clear();
}

export {
  WORK_MARKER,
  WORK_LOCK,
  checkWorkDirPath,
  checkCacheDirPath,
  isMarked,
  checkWorkDirContents,
  markWorkDir,
  keyboardOf,
  checkPiGen,
  mountsBelow,
  unmount,
  refuseMountsBelow,
  cleanupWorkDir,
  checkWorkLock,
  acquireWorkLock
};
