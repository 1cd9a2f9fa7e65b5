import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  bootTest
} from "./chunk-JDGLN3NC.js";
import {
  DEFAULTS,
  checkCustomizeScript,
  checkOverlay
} from "./chunk-MJZLRWWY.js";
import {
  keepFailedConsole
} from "./chunk-XIKB56UF.js";
import {
  machineLabel
} from "./chunk-FCYPM6WI.js";
import {
  APT_OPTS,
  SuiteTools,
  authHooks,
  compressImage,
  inChroot,
  inChrootShown,
  removeAuth,
  withChrootMounts
} from "./chunk-63IDB3YK.js";
import {
  withDiskSpace
} from "./chunk-XEISMBYS.js";
import {
  refuseMountsBelow
} from "./chunk-M7MSI67S.js";
import {
  installPackages
} from "./chunk-ZA2QISKQ.js";
import {
  exists
} from "./chunk-G4YZ52AF.js";
import {
  which
} from "./chunk-MQB7SEVM.js";
import {
  InputError,
  exec
} from "./chunk-ICWOZ6BD.js";
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

// src/rootfs/write.ts
import { lstat as lstat2, mkdir, readlink, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join as join3 } from "node:path";
async function inRoot(root, path2) {
  const todo = path2.split("/").filter((p) => p !== "" && p !== ".");
  let at = [];
  for (let links = 0; todo.length > 0; ) {
    const part = todo.shift();
    if (part === "..") {
      at.pop();
      continue;
    }
    const host = join3(root, ...at, part);
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
  return join3(root, ...at);
}
async function writeRootFile(root, path2, text, mode = 420) {
  const p = join3(await inRoot(root, dirname(path2)), basename(path2));
  await mkdir(dirname(p), { recursive: true });
  await rm(p, { force: true });
  await writeFile(p, text, { mode });
}

// src/rootfs/scrub.ts
import { chmod, mkdir as mkdir2, readdir as readdir3, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";
import { join as join4 } from "node:path";
async function scrub(root) {
  for (const f of await readdir3(join4(root, "etc", "ssh")).catch(() => [])) {
    if (/^ssh_host_.*_key(\.pub)?$/.test(f)) await rm2(join4(root, "etc", "ssh", f), { force: true });
  }
  await writeFile2(join4(root, "etc", "machine-id"), "");
  await rm2(join4(root, "var", "lib", "dbus", "machine-id"), { force: true });
  for (const d of ["var/cache/apt/archives", "var/lib/apt/lists"]) {
    for (const f of await readdir3(join4(root, d)).catch(() => [])) {
      if (f !== "partial" && f !== "lock") await rm2(join4(root, d, f), { recursive: true, force: true });
    }
  }
  await rm2(join4(root, "tmp"), { recursive: true, force: true });
  await mkdir2(join4(root, "tmp"), { mode: 1023 });
  await chmod(join4(root, "tmp"), 1023);
}

// src/builders/boot-and-compress.ts
import { rm as rm3 } from "node:fs/promises";
import { join as join5 } from "node:path";
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
      const kept = await keepFailedConsole(opts.bootLog, join5(workDir, "logs"));
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

// src/rootfs/locale.ts
import { rm as rm4, stat, symlink } from "node:fs/promises";
import { join as join7 } from "node:path";

// src/rootfs/locale-gen.ts
import { readFile } from "node:fs/promises";
import { join as join6 } from "node:path";
var BASE_LOCALE = DEFAULTS.locale;
async function generateLocale(root, locale, logFile, host) {
  const supported = await readFile(join6(root, "usr", "share", "i18n", "SUPPORTED"), "utf8");
  const line = supported.split("\n").find((l) => l.split(" ")[0] === locale);
  if (!line) {
    throw new InputError(
      "locale",
      `"${locale}" is not a locale Debian supports`,
      "Use a name from /usr/share/i18n/SUPPORTED such as en_GB.UTF-8."
    );
  }
  const gen = join6(root, "etc", "locale.gen");
  const archive = join6(root, "usr", "lib", "locale", "locale-archive");
  const done = await readFile(gen, "utf8").catch(() => "") === `${line}
` && await exists(archive);
  if (done) return;
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
  const zone = join7(root, "usr", "share", "zoneinfo", config.timezone);
  const ok = await stat(zone).then(
    (s) => s.isFile(),
    () => false
  );
  if (!ok)
    throw new InputError(
      "timezone",
      `"${config.timezone}" is not in the image's zoneinfo`,
      "Use a name such as Europe/Berlin or Etc/UTC."
    );
  const localtime = join7(await inRoot(root, "etc"), "localtime");
  await rm4(localtime, { force: true });
  await symlink(`/usr/share/zoneinfo/${config.timezone}`, localtime);
  await writeRootFile(root, "etc/timezone", `${config.timezone}
`);
}

// src/rootfs/overlay.ts
import {
  appendFile,
  chmod as chmod2,
  copyFile,
  lstat as lstat3,
  mkdir as mkdir3,
  readdir as readdir4,
  readlink as readlink2,
  rm as rm5,
  symlink as symlink2,
  utimes
} from "node:fs/promises";
import { basename as basename2, join as join8 } from "node:path";
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
    for (const name of (await readdir4(join8(overlay, rel))).sort()) {
      const from = join8(overlay, rel, name);
      const st = await lstat3(from);
      if (st.isDirectory()) {
        const to2 = await inRoot(root, join8(rel, name));
        if (!(await lstat3(to2).catch(() => void 0))?.isDirectory()) {
          await rm5(to2, { force: true });
          await mkdir3(to2, { mode: st.mode & 4095 });
        }
        await walk(join8(rel, name));
        continue;
      }
      const to = join8(await inRoot(root, rel), name);
      await rm5(to, { force: true, recursive: true });
      if (st.isSymbolicLink()) await symlink2(await readlink2(from), to);
      else {
        await copyFile(from, to);
        await chmod2(to, st.mode & 4095);
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
  const dir = join8(await inRoot(root, "tmp"), "rpi-build-customize");
  await mkdir3(dir, { recursive: true });
  try {
    for (const [i, script] of scripts.entries()) {
      await checkCustomizeScript(script);
      const name = `${String(i + 1).padStart(2, "0")}-${basename2(script)}`;
      await copyFile(script, join8(dir, name));
      await chmod2(join8(dir, name), 493);
      await inChrootShown(
        root,
        [`/tmp/rpi-build-customize/${name}`],
        `customize: ${basename2(script)}`,
        `customize script ${script}`,
        logFile
      );
    }
  } finally {
    await rm5(dir, { recursive: true, force: true });
  }
}

// src/rootfs/resolver.ts
import { lstat as lstat4, readFile as readFile2, readlink as readlink3, rm as rm6, symlink as symlink3, writeFile as writeFile3 } from "node:fs/promises";
import { join as join9 } from "node:path";
var RESOLVED_STUB = { kind: "link", target: "../run/systemd/resolve/stub-resolv.conf" };
var path = (root) => join9(root, "etc", "resolv.conf");
async function readResolvConf(root) {
  const st = await lstat4(path(root)).catch(() => void 0);
  if (!st) return { kind: "none" };
  if (st.isSymbolicLink()) return { kind: "link", target: await readlink3(path(root)) };
  return { kind: "file", data: await readFile2(path(root)), mode: st.mode & 4095 };
}
async function writeResolvConf(root, conf) {
  await rm6(path(root), { force: true });
  if (conf.kind === "link") await symlink3(conf.target, path(root));
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

// src/rootfs/user.ts
import { chown, mkdir as mkdir4, readFile as readFile3, writeFile as writeFile4 } from "node:fs/promises";
async function hashPassword(password) {
  const r = await exec("openssl", ["passwd", "-6", "-stdin"], { input: `${password}
` });
  const hash = r.stdout.trim();
  if (!/^\$6\$[^\s:]+$/.test(hash)) throw new Error("openssl did not return one SHA-512 crypt hash");
  return hash;
}
async function setShadowHash(root, user, hash) {
  const path2 = await inRoot(root, "etc/shadow");
  const lines = (await readFile3(path2, "utf8")).split("\n").map((l) => {
    const f = l.split(":");
    if (f[0] !== user) return l;
    f[1] = hash;
    return f.join(":");
  });
  await writeFile4(path2, lines.join("\n"), { mode: 416 });
}
async function userIds(root, user) {
  const line = (await readFile3(await inRoot(root, "etc/passwd"), "utf8")).split("\n").find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`user ${user} was not created`);
  const f = line.split(":");
  return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
}
async function existingGroups(root, wanted) {
  const groups = new Set(
    (await readFile3(await inRoot(root, "etc/group"), "utf8")).split("\n").map((l) => l.split(":")[0])
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
    await mkdir4(dir, { recursive: true, mode: 448 });
    const file = await inRoot(root, `${home}/.ssh/authorized_keys`);
    await writeFile4(file, `${config.sshAuthorizedKeys.join("\n")}
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
  inRoot,
  writeRootFile,
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
