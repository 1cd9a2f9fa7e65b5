import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  MiB,
  accountState,
  applyOverlayInside,
  assembleImage,
  bootAndCompress,
  configureLocale,
  configureTimezone,
  configureUser,
  hashPassword,
  inRoot,
  runCustomizeScripts,
  scrub,
  setShadowHash,
  withChrootKeepingResolver,
  writeBmap,
  writeRootFile
} from "./chunk-AGGAGEWU.js";
import "./chunk-JDGLN3NC.js";
import {
  download,
  isDefault,
  isUrl,
  sha256File,
  shownName,
  unpackBaseImage
} from "./chunk-MJZLRWWY.js";
import "./chunk-XIKB56UF.js";
import "./chunk-3GK75JHN.js";
import {
  ensureHostPackages,
  imageParts
} from "./chunk-I2QPKFXT.js";
import "./chunk-MTW55NNC.js";
import "./chunk-WKCL3XOP.js";
import "./chunk-FCYPM6WI.js";
import {
  inChroot,
  inChrootShown,
  packRootfs,
  readManifest,
  unpackRootfs,
  writeManifest
} from "./chunk-63IDB3YK.js";
import {
  withDiskSpace
} from "./chunk-XEISMBYS.js";
import {
  unmount
} from "./chunk-M7MSI67S.js";
import "./chunk-KM5ZZME6.js";
import "./chunk-ZA2QISKQ.js";
import {
  exists
} from "./chunk-G4YZ52AF.js";
import "./chunk-MQB7SEVM.js";
import {
  InputError,
  exec
} from "./chunk-ICWOZ6BD.js";
import {
  logger
} from "./chunk-HN3MK2TO.js";

// src/builders/base-image.ts
import { mkdir as mkdir3, readFile as readFile3, readdir as readdir2, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";

// src/base/cache.ts
import { createHash } from "node:crypto";
import { lstat, readFile, readdir, readlink } from "node:fs/promises";
import { join, relative } from "node:path";
var BASE_RECIPE = "v1";
var sha = (s) => createHash("sha256").update(s).digest("hex");
async function treeDigest(dir) {
  const h = createHash("sha256");
  const walk = async (d) => {
    for (const name of (await readdir(d)).sort()) {
      const p = join(d, name);
      const st = await lstat(p);
      h.update(`${relative(dir, p)}\0${st.mode}\0`);
      if (st.isSymbolicLink()) h.update(`->${await readlink(p)}\0`);
      else if (st.isFile()) h.update(sha(await readFile(p)));
      else if (st.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return h.digest("hex");
}
async function baseKey(config, baseSha256) {
  const changed = (k) => isDefault(config, k) ? null : config[k];
  const parts = {
    recipe: BASE_RECIPE,
    base: baseSha256,
    arch: config.arch[0],
    hostname: changed("hostname"),
    locale: changed("locale"),
    timezone: changed("timezone"),
    username: config.username,
    // Whether a way in was given (it turns SSH on), not what it is.
    access: config.password !== void 0 || config.sshAuthorizedKeys.length > 0,
    packages: [...config.packages].sort(),
    overlay: config.overlay !== void 0 ? await treeDigest(config.overlay) : null,
    customize: await Promise.all(config.customize.map(async (s) => sha(await readFile(s)))),
    commands: config.commands ?? null
  };
  return `rpi-build-base-${BASE_RECIPE}-${config.arch[0]}-${sha(JSON.stringify(parts)).slice(0, 24)}`;
}
var BASE_FACTS = "base.json";
function baseEntry(key, paths) {
  return {
    name: "base",
    what: "customised base cache",
    instead: "customising the base again",
    key,
    restoreKeys: [],
    tarball: paths.tarball,
    policy: { devicesUnder: "rootfs/dev", privileged: "checking the cached base" },
    unpack: (file) => unpackRootfs(file, paths.workDir, paths.log),
    pack: (file) => packRootfs(paths.workDir, file, paths.log, ["./rootfs", "./boot", `./${BASE_FACTS}`])
  };
}
var DOWNLOAD = "download";
function downloadEntry(sha256, paths) {
  return {
    name: "base-download",
    what: "base image download cache",
    instead: "downloading it",
    key: `rpi-build-base-download-${sha256}`,
    restoreKeys: [],
    tarball: paths.tarball,
    unpack: (file) => unpackRootfs(file, paths.dir, paths.log),
    pack: (file) => packRootfs(paths.dir, file, paths.log, [`./${DOWNLOAD}`])
  };
}

// src/builders/base-image.ts
import { basename as basename2, dirname, join as join3 } from "node:path";

// src/base/extract.ts
import { mkdir, rmdir } from "node:fs/promises";
async function extractBoot(image, part, dir, logFile) {
  await mkdir(dir, { recursive: true });
  const r = await exec("mcopy", ["-s", "-p", "-m", "-n", "-i", `${image}@@${part.start}`, "::*", dir], {
    env: { MTOOLS_SKIP_CHECK: "1" },
    logFile,
    allowFailure: true
  });
  if (r.exitCode !== 0)
    throw new InputError(
      "base-image",
      `its boot partition (${part.number}) is not a readable FAT file system (${r.stderr.trim().split("\n").pop() ?? ""})`,
      "Give an image whose first FAT partition is the Pi's boot partition."
    );
}
async function extractRoot(image, part, dir, mountPoint, logFile) {
  await mkdir(dir, { recursive: true });
  await mkdir(mountPoint, { recursive: true });
  await exec(
    "mount",
    ["-t", "ext4", "-o", `ro,noload,loop,offset=${part.start},sizelimit=${part.size}`, image, mountPoint],
    { privileged: "mounting the base image's root read-only", logFile }
  ).catch((err) => {
    throw new Error(
      `cannot mount the base image's root partition (${part.number}) read-only through a loop device: ${err.message.split("\n")[0]}. A container runner needs /dev/loop-control and loop devices passed in.`
    );
  });
  try {
    await exec("cp", ["-a", "--preserve=all", `${mountPoint}/.`, dir], {
      privileged: "copying the base image's root",
      logFile
    });
  } finally {
    await unmount(mountPoint, { logFile });
    await rmdir(mountPoint).catch(() => void 0);
  }
}

// src/base/partitions.ts
var FAT_TYPES = /* @__PURE__ */ new Set(["b", "c", "e", "6", "ef"]);
var LINUX_TYPE = "83";
function pickPartitions(json, name) {
  let t;
  try {
    t = JSON.parse(json).partitiontable;
  } catch {
    t = void 0;
  }
  const fix = "Give an SD-card image with a FAT boot partition and a Linux root partition (as Raspberry Pi OS and rpi-build images have).";
  if (!t) throw new InputError("base-image", `${name} has no partition table`, fix);
  if (t.label !== "dos")
    throw new InputError(
      "base-image",
      `${name} has a ${t.label ?? "unknown"} partition table; only DOS (MBR) tables are supported yet`,
      fix
    );
  const sector = t.sectorsize ?? 512;
  const parts = (t.partitions ?? []).map((p) => ({
    number: Number(/(\d+)$/.exec(p.node)?.[1] ?? 0),
    start: p.start * sector,
    size: p.size * sector,
    type: p.type.toLowerCase()
  }));
  const boot = parts.find((p) => FAT_TYPES.has(p.type));
  const root = parts.find((p) => p.type === LINUX_TYPE);
  if (!boot || !root) {
    const seen = parts.length ? parts.map((p) => `${p.number}: type ${p.type}`).join(", ") : "no partitions";
    throw new InputError("base-image", `${name} has no FAT + Linux partition pair (${seen})`, fix);
  }
  const diskId = (t.id ?? "").replace(/^0x/i, "").toLowerCase().padStart(8, "0");
  if (!/^[0-9a-f]{8}$/.test(diskId))
    throw new InputError("base-image", `${name} has no DOS disk identifier`, fix);
  return { diskId, boot, root };
}
async function readPartitions(image, name) {
  const r = await exec("sfdisk", ["--json", image], { allowFailure: true });
  if (r.exitCode !== 0)
    throw new InputError(
      "base-image",
      `${name} is not a disk image (sfdisk: ${r.stderr.trim().split("\n").pop() ?? "no table"})`,
      "Give an SD-card image (.img), or an archive holding one."
    );
  return pickPartitions(r.stdout, name);
}
async function fsIdentity(image, offset) {
  const r = await exec("blkid", ["--probe", "--offset", String(offset), "--output", "export", image], {
    allowFailure: true
  });
  const fields = Object.fromEntries(
    r.stdout.split("\n").map((l) => /^([A-Z_]+)=(.*)$/.exec(l)).filter((m) => m !== null).map((m) => [m[1], m[2]])
  );
  return {
    type: fields.TYPE ?? "unknown",
    ...fields.LABEL ? { label: fields.LABEL } : {},
    ...fields.UUID ? { uuid: fields.UUID } : {}
  };
}

// src/rootfs/customize-base.ts
import { appendFile, chown, mkdir as mkdir2, readFile as readFile2, rm, writeFile } from "node:fs/promises";
import { basename, join as join2 } from "node:path";
var USERCONF = "usr/lib/userconf-pi/userconf";
var SSHSWITCH = "lib/systemd/system/sshswitch.service";
async function setHostname(root, name) {
  await writeRootFile(root, "etc/hostname", `${name}
`);
  const hosts = await inRoot(root, "etc/hosts");
  const text = await readFile2(hosts, "utf8").catch(() => "127.0.0.1	localhost\n");
  const lines = text.split("\n").filter((l) => !/^127\.0\.1\.1\s/.test(l));
  const at = lines.findIndex((l) => /^127\.0\.0\.1\s/.test(l));
  lines.splice(at + 1, 0, `127.0.1.1	${name}`);
  await writeFile(hosts, lines.join("\n"));
}
async function passwdEntry(root, match) {
  const text = await readFile2(await inRoot(root, "etc/passwd"), "utf8");
  return text.split("\n").map((l) => l.split(":")).find(match);
}
async function addKeys(root, entry, keys) {
  const [uid, gid, home] = [Number(entry[2]), Number(entry[3]), entry[5]];
  const dir = await inRoot(root, `${home}/.ssh`);
  await mkdir2(dir, { recursive: true, mode: 448 });
  const file = await inRoot(root, `${home}/.ssh/authorized_keys`);
  await appendFile(file, `${keys.join("\n")}
`, { mode: 384 });
  await chown(dir, uid, gid);
  await chown(file, uid, gid);
}
function accountOf(config) {
  const { password, sshAuthorizedKeys: keys } = config;
  if (!password && keys.length === 0 && isDefault(config, "username")) return void 0;
  return accountState(password !== void 0, keys.length > 0);
}
var isPiOs = (root) => exists(join2(root, USERCONF));
async function prepareUser(root, config, logFile) {
  if (accountOf(config) === void 0 || await isPiOs(root)) return;
  if (await passwdEntry(root, (f) => f[0] === config.username)) return;
  await configureUser(root, { ...config, password: void 0, sshAuthorizedKeys: [] }, logFile);
}
async function applyAccess(root, bootDir, config) {
  const account = accountOf(config);
  if (account === void 0) return void 0;
  const { password, sshAuthorizedKeys: keys, username } = config;
  const hash = password ? await hashPassword(password) : void 0;
  if (await isPiOs(root)) {
    await writeFile(join2(bootDir, "userconf.txt"), `${username}:${hash ?? "!"}
`, { mode: 384 });
    const first = await passwdEntry(root, (f) => f[2] === "1000");
    if (keys.length && first) await addKeys(root, first, keys);
    return account;
  }
  const entry = await passwdEntry(root, (f) => f[0] === username);
  if (!entry) throw new Error(`the first user ${username} is missing from the customised base`);
  if (hash) await setShadowHash(root, username, hash);
  if (keys.length) await addKeys(root, entry, keys);
  return account;
}
async function enableSsh(root, bootDir, logFile) {
  if (await exists(join2(root, SSHSWITCH))) {
    await writeFile(join2(bootDir, "ssh"), "");
    return "ssh file";
  }
  if (await exists(join2(root, "lib", "systemd", "system", "ssh.service"))) {
    await inChroot(root, ["systemctl", "enable", "ssh.service"], { logFile });
    return "ssh.service";
  }
  return void 0;
}
async function installPackages(root, packages, logFile) {
  let total = 0;
  let done = 0;
  const say = (l) => {
    const n = /(\d+) newly installed/.exec(l);
    if (n) total = Number(n[1]);
    const m = /^(Get:\d+|Unpacking|Setting up) (\S+)/.exec(l);
    if (m?.[1] === "Setting up") done++;
    if (!m) return;
    const f = l.split(" ");
    const what = m[1].startsWith("Get") ? `downloading ${f.length >= 8 ? f[4] : f[3]}` : `${m[1].toLowerCase()} ${m[2]}`;
    logger().progress(`packages: ${what}${total ? ` (${done} of ${total} set up)` : ""}`);
  };
  await logger().group(`packages: ${packages.join(" ")}`, async () => {
    await inChroot(root, ["apt-get", "update"], { logFile, onLine: say });
    await inChroot(root, ["apt-get", "install", "-y", "--no-install-recommends", ...packages], {
      logFile,
      onLine: say
    });
    await inChroot(root, ["apt-get", "clean"], { logFile });
  });
}
async function runCommands(root, commands, logFile) {
  const rel = "tmp/rpi-build-commands.sh";
  await writeRootFile(root, rel, `${commands}
`, 448);
  const bash = await exists(await inRoot(root, "bin/bash"));
  try {
    await inChrootShown(
      root,
      [bash ? "/bin/bash" : "/bin/sh", "-e", `/${rel}`],
      "commands",
      "commands",
      logFile
    );
  } finally {
    await rm(join2(await inRoot(root, "tmp"), basename(rel)), { force: true });
  }
}
async function customizeBase(root, bootDir, config, logFile) {
  const result = {};
  await withChrootKeepingResolver(
    root,
    async () => {
      if (!isDefault(config, "hostname")) await setHostname(root, config.hostname);
      if (!isDefault(config, "locale")) await configureLocale(root, config, logFile);
      if (!isDefault(config, "timezone")) await configureTimezone(root, config);
      await prepareUser(root, config, logFile);
      const account = accountOf(config);
      if (account !== void 0 && account !== "locked") {
        const ssh = await enableSsh(root, bootDir, logFile);
        if (ssh) result.ssh = ssh;
      }
      if (config.packages.length) await installPackages(root, config.packages, logFile);
      if (config.overlay) await applyOverlayInside(root, config.overlay, logFile);
      if (config.customize.length) await runCustomizeScripts(root, config.customize, logFile);
      if (config.commands !== void 0) await runCommands(root, config.commands, logFile);
    },
    logFile
  );
  return result;
}

// src/builders/base-image.ts
var baseImageBuilder = {
  hostTools: ({ config }) => ensureHostPackages([...imageParts(config), "base"]).then(() => void 0),
  build: buildFromBase
};
async function kernelRelease(root) {
  const all = await readdir2(join3(root, "lib", "modules")).catch(() => []);
  return all.sort((a, b) => a.localeCompare(b, "en", { numeric: true })).pop() ?? "unknown";
}
async function dpkgArch(root) {
  const status = await readFile3(join3(root, "var", "lib", "dpkg", "status"), "utf8").catch(() => "");
  const stanza = status.split("\n\n").find((s) => /^Package: dpkg$/m.test(s));
  return stanza ? /^Architecture: (\S+)$/m.exec(stanza)?.[1] : void 0;
}
async function copyOut(root, paths, stage) {
  const names = /* @__PURE__ */ new Set();
  const out = [];
  for (const p of paths) {
    const name = basename2(p);
    if (names.has(name))
      throw new InputError(
        "copy-out",
        `two paths end in "${name}"`,
        "Give paths whose last parts differ (each lands in out-dir under it)."
      );
    names.add(name);
    const from = join3(await inRoot(root, dirname(p)), name);
    if (!await exists(from))
      throw new InputError(
        "copy-out",
        `"${p}" is not in the image after commands ran`,
        "Give a path the commands (or the base) made, absolute inside the image."
      );
    const to = join3(stage, name);
    await exec("cp", ["-a", "--no-preserve=ownership", from, to], { privileged: "copying out of the image" });
    out.push(to);
  }
  return out;
}
async function buildFromBase(ctx) {
  const { config, workDir, phases, facts, caches } = ctx;
  const source = config.baseImage;
  const arch = config.arch[0];
  const dirs = {
    base: join3(workDir, "base"),
    rootfs: join3(workDir, "rootfs"),
    boot: join3(workDir, "boot"),
    stage: join3(workDir, "stage"),
    logs: join3(workDir, "logs")
  };
  for (const d of [dirs.stage, dirs.logs, dirs.boot, dirs.base]) await mkdir3(d, { recursive: true });
  const log = (name2) => join3(dirs.logs, `${name2}.log`);
  const name = shownName(source);
  const raw = join3(dirs.base, "base.img");
  const factsFile = join3(workDir, BASE_FACTS);
  const base = await phases.run("base", `Base image: ${basename2(name)}`, async () => {
    const baseSha = config.baseImageSha256?.toLowerCase() ?? await sha256File(source);
    const entry = baseEntry(await baseKey(config, baseSha), {
      workDir,
      tarball: join3(workDir, "cache", "base.tar.zst"),
      log: log("base")
    });
    const restored = await caches.restore(entry);
    if (restored.report.status === "hit") {
      const read = JSON.parse(await readFile3(factsFile, "utf8"));
      return { ...read, entry, restored };
    }
    let file = source;
    if (isUrl(source)) {
      file = join3(dirs.base, DOWNLOAD);
      const dl = downloadEntry(baseSha, {
        dir: dirs.base,
        tarball: join3(workDir, "cache", "base-download.tar.zst"),
        log: log("base")
      });
      const got = await caches.restore(dl);
      if (got.report.status !== "hit") {
        await withDiskSpace(workDir, "downloading the base image", () => download(source, file, baseSha));
        await caches.save(dl, got);
      }
    }
    await withDiskSpace(
      workDir,
      "unpacking the base image",
      () => unpackBaseImage(file, source, raw, log("base"))
    );
    if (file !== source) await rm2(file, { force: true });
    const table2 = await readPartitions(raw, basename2(name));
    const bootId2 = await fsIdentity(raw, table2.boot.start);
    const rootId2 = await fsIdentity(raw, table2.root.start);
    if (rootId2.type !== "ext4")
      throw new InputError(
        "base-image",
        `its root partition (${table2.root.number}) holds ${rootId2.type}, not ext4`,
        "Give an image whose Linux partition is ext4, as Raspberry Pi OS and Debian images have."
      );
    await extractBoot(raw, table2.boot, dirs.boot, log("base"));
    await withDiskSpace(
      workDir,
      "copying the base root",
      () => extractRoot(raw, table2.root, dirs.rootfs, join3(dirs.base, "mnt"), log("base"))
    );
    await rm2(raw);
    const found = await dpkgArch(dirs.rootfs);
    if (found !== arch)
      throw new InputError(
        "arch",
        `is ${arch}, but ${basename2(name)} is an ${found ?? "unknown-architecture"} image`,
        `Set arch: ${found ?? "to the image's architecture"} for this base image.`
      );
    const kept = { table: table2, bootId: bootId2, rootId: rootId2 };
    await writeFile2(factsFile, `${JSON.stringify(kept)}
`);
    return { ...kept, entry, restored };
  });
  facts["base image"] = `${basename2(name)}: disk ${base.table.diskId}, boot ${base.bootId.label ?? "(no label)"}, root ${base.rootId.label ?? "(no label)"}`;
  logger().info(`base image: ${facts["base image"]}`);
  const hit = base.restored.report.status === "hit";
  if (!hit) {
    await phases.run(
      "customize",
      "Customize the base: user, packages, overlay, scripts, commands",
      async () => {
        await customizeBase(dirs.rootfs, dirs.boot, config, log("customize"));
        await scrub(dirs.rootfs);
        await caches.save(base.entry, base.restored);
      }
    );
  }
  const account = await applyAccess(dirs.rootfs, dirs.boot, config);
  const files = await copyOut(dirs.rootfs, config.copyOut, dirs.stage);
  const kernelVersion = await kernelRelease(dirs.rootfs);
  const outputs = {
    "kernel-release": kernelVersion,
    account: account ?? "unchanged",
    "boot-test": "skipped",
    "cache-hit": String(hit)
  };
  if (!config.imageOut) return { files, dir: dirs.stage, outputs };
  const stem = `${config.imageName}-${arch}`;
  const image = join3(dirs.stage, `${stem}.img`);
  const manifest = await readManifest(dirs.rootfs);
  const manifestPath = join3(dirs.stage, `${stem}.manifest`);
  await writeManifest(manifestPath, manifest);
  const { table, bootId, rootId } = base;
  const assembled = await phases.run(
    "assemble",
    "Re-assemble the image (same labels and UUIDs)",
    () => withDiskSpace(workDir, "assembly", async () => {
      const r = await assembleImage({
        image,
        bootDir: dirs.boot,
        rootDir: dirs.rootfs,
        bootSizeMiB: Math.ceil(table.boot.size / MiB),
        rootMarginMiB: config.rootMargin,
        minRootBytes: table.root.size,
        identity: {
          diskId: table.diskId,
          rootUuid: rootId.uuid ?? "",
          bootLabel: bootId.label ?? "",
          rootLabel: rootId.label ?? "",
          ...bootId.uuid ? { bootVolumeId: bootId.uuid } : {}
        },
        logFile: log("assemble")
      });
      await writeBmap(image, `${image}.bmap`, log("assemble"));
      return r;
    })
  );
  const finished = await bootAndCompress(ctx, image, {
    bootLog: join3(dirs.stage, `${stem}.boot.log`),
    compressLog: log("compress"),
    ...account ? { account } : {}
  });
  return {
    files: [
      finished.compressed,
      `${image}.bmap`,
      manifestPath,
      ...finished.bootLog ? [finished.bootLog] : [],
      ...files
    ],
    dir: dirs.stage,
    outputs: {
      ...outputs,
      "root-size": String(assembled.layout.rootSize),
      "package-count": String(manifest.length),
      "boot-test": finished.bootTest
    }
  };
}
export {
  baseImageBuilder
};
