import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  bootTest
} from "./chunk-CGXDZC6L.js";
import "./chunk-6EFLWPV5.js";
import {
  compressImage
} from "./chunk-OXEFEDSQ.js";
import {
  ensureImageTools
} from "./chunk-VONCPOZ5.js";
import {
  writeSha256Sums
} from "./chunk-KMC4NQDM.js";
import {
  commitPending,
  customizeRootfs,
  rootfsPackages,
  rootfsWithCache
} from "./chunk-K5XG7ZFU.js";
import {
  defaultWorkDir,
  freshDir,
  publishLocal,
  withDiskSpace
} from "./chunk-EQEZTI6V.js";
import {
  refuseMountsBelow,
  saveState,
  selectStore
} from "./chunk-LMUW2J3D.js";
import {
  installPackages,
  which
} from "./chunk-HNKHE42U.js";
import {
  exec
} from "./chunk-7IY5XED5.js";
import "./chunk-MWIMASZ6.js";
import {
  inActions,
  logger
} from "./chunk-JEISQDF3.js";

// src/builders/debian.ts
import { mkdir, readdir as readdir3, rename, rm, stat, writeFile as writeFile2 } from "node:fs/promises";
import { join as join4, resolve } from "node:path";

// src/image/assemble.ts
import { randomBytes, randomUUID } from "node:crypto";
import { open } from "node:fs/promises";

// src/image/filesystems.ts
import { readdir } from "node:fs/promises";
import { join } from "node:path";
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
      "--offset",
      String(offset / 512),
      image,
      String(Math.floor(sizeBytes / 1024))
    ],
    log
  );
  const entries = (await readdir(contentDir)).sort();
  if (entries.length === 0) return;
  await exec(
    "mcopy",
    ["-s", "-p", "-m", "-i", `${image}@@${offset}`, ...entries.map((e) => join(contentDir, e)), "::"],
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

// src/image/layout.ts
import { lstat, readdir as readdir2 } from "node:fs/promises";
import { join as join2 } from "node:path";
var MiB = 1024 * 1024;
var FIRST_PARTITION_OFFSET = 4 * MiB;
var BLOCK = 4096;
var INODE_SIZE = 256;
async function treeUsage(root) {
  let blockBytes = 0;
  let inodes = 0;
  const seen = /* @__PURE__ */ new Set();
  const walk = async (dir) => {
    for (const e of await readdir2(dir, { withFileTypes: true })) {
      const p = join2(dir, e.name);
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
var BOOT_LABEL = "RASPIFIRM";
var ROOT_LABEL = "RASPIROOT";
async function assembleImage(input) {
  await refuseMountsBelow(input.rootDir, "assemble an image from");
  await refuseMountsBelow(input.bootDir, "assemble an image from");
  const usage = await treeUsage(input.rootDir);
  const layout = computeLayout(input.bootSizeMiB, rootSizeBytes(usage, input.rootMarginMiB));
  const diskId = randomBytes(4).toString("hex");
  const rootUuid = randomUUID();
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
  await writeFat(input.image, layout.bootOffset, layout.bootSize, BOOT_LABEL, input.bootDir, fsOpts);
  await writeExt4(
    input.image,
    layout.rootOffset,
    layout.rootSize,
    ROOT_LABEL,
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

// src/image/manifest.ts
import { readFile, writeFile } from "node:fs/promises";
import { join as join3 } from "node:path";
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
  return parseDpkgStatus(await readFile(join3(rootDir, "var", "lib", "dpkg", "status"), "utf8"));
}
async function writeManifest(path, pkgs) {
  await writeFile(path, pkgs.map((p) => `${p.name}	${p.version}	${p.arch}
`).join(""));
}

// src/builders/debian.ts
async function buildDebianImage(config, report) {
  const arch = config.arch[0];
  const workDir = resolve(config.workDir ?? defaultWorkDir());
  const phases = report.phases;
  if (inActions()) saveState("workDir", workDir);
  await phases.run("host-tools", "Host tools", () => ensureImageTools(config));
  await freshDir(workDir);
  const dirs = {
    rootfs: join4(workDir, "rootfs"),
    boot: join4(workDir, "boot"),
    stage: join4(workDir, "stage"),
    logs: join4(workDir, "logs"),
    hooks: join4(workDir, "hooks")
  };
  for (const d of [dirs.stage, dirs.logs, dirs.hooks, dirs.boot]) await mkdir(d, { recursive: true });
  const base = `${config.imageName}-${config.suite}-${arch}`;
  const image = join4(dirs.stage, `${base}.img`);
  const log = (name) => join4(dirs.logs, `${name}.log`);
  const spec = {
    arch,
    suite: config.suite,
    mirror: config.mirror,
    securityMirror: config.securityMirror,
    components: ["main", "non-free-firmware"],
    packages: rootfsPackages(arch, config.packages)
  };
  const store = config.cache ? selectStore(config) : void 0;
  const pending = [];
  const rootfsCache = await phases.run(
    "rootfs",
    `Root filesystem: Debian ${config.suite} ${arch}`,
    () => rootfsWithCache(
      spec,
      config,
      store,
      {
        root: dirs.rootfs,
        hooks: dirs.hooks,
        tarball: join4(workDir, "cache", "rootfs.tar.zst"),
        log: log("rootfs")
      },
      pending
    )
  );
  report.caches.push(rootfsCache);
  const custom = await phases.run(
    "customize",
    "Customize: Raspberry Pi boot, user, locale, scripts, initramfs",
    () => customizeRootfs(dirs.rootfs, config, log("customize"))
  );
  if (custom.account === "locked") {
    logger().warn(`The account ${config.username} is locked: no password and no SSH key were given.`);
  }
  const manifest = await readManifest(dirs.rootfs);
  const manifestPath = join4(dirs.stage, `${base}.manifest`);
  await writeManifest(manifestPath, manifest);
  const assembled = await phases.run(
    "assemble",
    "Assemble the image (no loop devices)",
    () => withDiskSpace(workDir, "assembly", async () => {
      const fw = join4(dirs.rootfs, "boot", "firmware");
      for (const e of await readdir3(fw)) await rename(join4(fw, e), join4(dirs.boot, e));
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
  const bootLog = join4(dirs.stage, `${base}.boot.log`);
  const booting = config.bootTest ? phases.run(
    "boot-test",
    `Boot test under ${arch === "arm64" ? "qemu-system-aarch64" : arch === "armel" ? "qemu-system-arm (Pi Zero)" : "qemu-system-arm"}`,
    async () => {
      const r = await bootTest(image, arch, workDir, bootLog, config.bootTimeout);
      if (!r.passed)
        throw new Error(
          `Boot test failed after ${r.seconds.toFixed(0)} s: ${r.detail}. Console log: ${bootLog}`
        );
      logger().info(
        `Boot test passed in ${r.seconds.toFixed(0)} s: "${r.detail}"${r.firstboot ? `; ${r.firstboot}` : ""}`
      );
      return r;
    }
  ) : Promise.resolve(void 0);
  const compressing = phases.run(
    "compress",
    `Compress (${config.compression})`,
    () => withDiskSpace(workDir, "compression", () => compressImage(image, config.compression, log("compress")))
  );
  const [boot, compressed] = await Promise.all([booting, compressing]);
  if (compressed !== image) await rm(image);
  const files = [compressed, `${image}.bmap`, manifestPath, ...boot ? [bootLog] : []];
  const sums = await writeSha256Sums(dirs.stage, files);
  const placed = await publishLocal([...files, join4(dirs.stage, "SHA256SUMS")], resolve(config.outDir));
  await commitPending(store, pending);
  const imagePath = placed[0];
  const size = (await stat(imagePath)).size;
  await writeFile2(join4(dirs.logs, "phases.txt"), `${phases.table()}
`);
  const outputs = {
    "image-path": imagePath,
    "image-sha256": sums[imagePath.split("/").pop()],
    "image-size": String(size),
    "kernel-release": custom.kernelVersion,
    "root-size": String(assembled.layout.rootSize),
    "package-count": String(manifest.length),
    account: custom.account,
    "boot-test": boot ? `passed in ${boot.seconds.toFixed(0)} s` : "skipped",
    "cache-hit": String(rootfsCache.status === "hit")
  };
  Object.assign(report.facts, outputs);
  report.facts.files = JSON.stringify(placed);
  return outputs;
}

// src/builders/image.ts
async function buildImage(config, report) {
  if (config.freeDiskSpace) {
    const { freeDiskSpace } = await import("./free-disk-3MUOJNLZ.js");
    const gained = await report.phases.run(
      "free-disk",
      "Free disk space (hosted runner)",
      () => freeDiskSpace(config)
    );
    report.facts["disk-space-freed"] = String(gained);
  }
  if (config.builder === "pi-gen") {
    const { buildPiGenImage } = await import("./build-YBJVYRYS.js");
    return buildPiGenImage(config, report);
  }
  return buildDebianImage(config, report);
}
export {
  buildImage
};
