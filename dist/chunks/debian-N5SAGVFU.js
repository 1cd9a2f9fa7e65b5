import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  BASE_LOCALE,
  RESOLVED_STUB,
  applyOverlay,
  assembleImage,
  bootAndCompress,
  configureLocale,
  configureTimezone,
  configureUser,
  generateLocale,
  runCustomizeScripts,
  scrub,
  withChrootKeepingResolver,
  writeBmap,
  writeRootFile
} from "./chunk-AGGAGEWU.js";
import "./chunk-JDGLN3NC.js";
import "./chunk-MJZLRWWY.js";
import "./chunk-XIKB56UF.js";
import "./chunk-3GK75JHN.js";
import {
  ensureImageTools
} from "./chunk-I2QPKFXT.js";
import {
  readKernelBuild
} from "./chunk-MTW55NNC.js";
import "./chunk-WKCL3XOP.js";
import "./chunk-FCYPM6WI.js";
import {
  INITRAMFS_TOOLS,
  NativeTools,
  UNDIVERT_INITRAMFS,
  WRAPPER,
  archiveStates,
  buildRootfs,
  elfMachine,
  inChroot,
  installSuiteTools,
  profileText,
  readManifest,
  rootfsEntry,
  withAptAuth,
  writeImageSources,
  writeManifest
} from "./chunk-63IDB3YK.js";
import {
  withDiskSpace
} from "./chunk-XEISMBYS.js";
import "./chunk-M7MSI67S.js";
import "./chunk-KM5ZZME6.js";
import "./chunk-ZA2QISKQ.js";
import "./chunk-G4YZ52AF.js";
import "./chunk-MQB7SEVM.js";
import {
  exec
} from "./chunk-ICWOZ6BD.js";
import {
  logger
} from "./chunk-HN3MK2TO.js";

// src/builders/debian.ts
import { mkdir as mkdir4, readdir as readdir4, rename } from "node:fs/promises";
import { join as join7 } from "node:path";

// src/rootfs/base.ts
import { writeFile as writeFile3 } from "node:fs/promises";
import { dirname, join as join3 } from "node:path";

// src/rootfs/boot-files.ts
import { mkdir as mkdir2, readFile as readFile2, readdir as readdir2, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";
import { join as join2 } from "node:path";

// src/rootfs/mkinitramfs.ts
import { mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

// src/rootfs/reproducible.ts
function sourceDateEpoch(env = process.env) {
  const v = env.SOURCE_DATE_EPOCH;
  if (v === void 0 || v === "") return void 0;
  if (!/^\d{1,12}$/.test(v)) {
    throw new Error(
      `SOURCE_DATE_EPOCH must be whole seconds since 1970 (got "${v}"). Unset it or fix its value.`
    );
  }
  return Number(v);
}
async function clampTimestamps(root, epoch, logFile) {
  await exec(
    "find",
    [
      root,
      "-xdev",
      "-newermt",
      `@${epoch}`,
      "-exec",
      "touch",
      "--no-dereference",
      "--date",
      `@${epoch}`,
      "{}",
      "+"
    ],
    { privileged: "setting timestamps to SOURCE_DATE_EPOCH", ...logFile ? { logFile } : {} }
  );
}

// src/rootfs/mkinitramfs.ts
var WORK = "/tmp/rpi-build-mkinitramfs";
async function mkinitramfs(root, version, confDir, opts, output = `/boot/initrd.img-${version}`) {
  const native = opts.nativeTools ? new NativeTools(root, "", opts.arch, "for mkinitramfs") : void 0;
  const suite = opts.nativeTools ? opts.suite?.share(INITRAMFS_TOOLS, "for mkinitramfs") : void 0;
  const hook = join(root, confDir, "hooks", "zz-rpi-build-native-links");
  const list = join(root, confDir, "rpi-build-native-links");
  let hostFiles = [];
  try {
    await native?.tryPutIn();
    await suite?.tryPutIn();
    const links = native?.count ? native.topLinks() : [];
    if (links.length) {
      await mkdir(join(root, confDir, "hooks"), { recursive: true });
      await writeFile(list, `${links.join("\n")}
`);
      await writeFile(hook, LINKS_HOOK, { mode: 493 });
    }
    hostFiles = await run(root, version, confDir, output, opts.logFile, !!native?.count);
  } finally {
    for (const f of [hook, list]) await rm(f, { force: true });
    await suite?.takeOut();
    await native?.takeOut();
  }
  if (!hostFiles.length) return;
  logger().warn(
    `The initramfs held the host's own ${hostFiles.join(", ")} (a hook copied a program that stood in for the root's); it is made again under emulation.`
  );
  await run(root, version, confDir, output, opts.logFile, false);
}
async function run(root, version, confDir, output, logFile, check) {
  const work = join(root, WORK);
  const epoch = sourceDateEpoch();
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { mode: 448 });
  try {
    await inChroot(root, ["mkinitramfs", "-k", "-d", confDir, "-o", output, version], {
      logFile,
      // The initramfs's entries get SOURCE_DATE_EPOCH's time, as the root's files do.
      env: { TMPDIR: WORK, ...epoch === void 0 ? {} : { SOURCE_DATE_EPOCH: String(epoch) } },
      onLine: (l) => {
        if (!/^Working files in /.test(l)) logger().progress(`initramfs: ${l}`);
      }
    });
    if (!check) return [];
    const tree = (await readdir(work)).find((n) => n.startsWith("mkinitramfs_"));
    if (!tree) throw new Error(`mkinitramfs left no working tree in ${WORK}`);
    return await hostPrograms(join(work, tree));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
async function hostPrograms(dir) {
  const host = await elfMachine(process.execPath);
  const found = [];
  const standIn = async (path) => (await stat(path)).size === WRAPPER.length && await readFile(path, "utf8") === WRAPPER;
  const walk = async (rel) => {
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      const path = join(dir, p);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && (await elfMachine(path) === host || await standIn(path))) found.push(p);
    }
  };
  await walk("");
  return found;
}
var LINKS_HOOK = `#!/bin/sh
# rpi-build: links made for the host's loader are not part of the root (rootfs/mkinitramfs.ts).
[ "$1" = prereqs ] && exit 0
while read -r l; do
  [ -L "$DESTDIR/$l" ] && rmdir "$DESTDIR/usr/$l" 2>/dev/null && rm "$DESTDIR/$l"
done < "$CONFDIR/rpi-build-native-links"
exit 0
`;

// src/rootfs/packages.ts
var KERNEL_PACKAGE = {
  arm64: "linux-image-arm64",
  // Pi 3, 4, 400, 5 (64-bit)
  armhf: "linux-image-armmp",
  // Pi 2, 3 (32-bit)
  armel: "linux-image-rpi"
  // Pi Zero, 1
};
var PI_CONSOLE = {
  arm64: "ttyS1,115200",
  armhf: "ttyAMA0,115200",
  armel: "ttyAMA0,115200"
};
var BASE_PACKAGES = [
  "raspi-firmware",
  "firmware-brcm80211",
  "systemd-sysv",
  "udev",
  "kmod",
  "initramfs-tools",
  "zstd",
  "openssh-server",
  "sudo",
  "locales",
  "tzdata",
  "ca-certificates",
  "iproute2",
  "iputils-ping",
  "systemd-timesyncd",
  "systemd-resolved",
  "wpasupplicant",
  "fdisk",
  // sfdisk grows the root partition on first boot (growpart would pull in python3)
  "e2fsprogs",
  "dosfstools"
];
function rootfsPackages(arch, extra) {
  return [.../* @__PURE__ */ new Set([KERNEL_PACKAGE[arch], ...BASE_PACKAGES, ...extra])].sort();
}

// src/rootfs/boot-files.ts
async function kernelVersion(root) {
  const kernels = (await readdir2(join2(root, "boot"))).filter((f) => f.startsWith("vmlinuz-")).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const last = kernels.pop();
  if (!last)
    throw new Error(
      "No kernel in the root filesystem (/boot/vmlinuz-*): the kernel package did not install."
    );
  return last.slice("vmlinuz-".length);
}
async function configureBoot(root, arch) {
  await writeRootFile(
    root,
    "etc/default/raspi-firmware",
    [
      "# Written by rpi-build; read by raspi-firmware when a kernel or initramfs is installed.",
      "ROOTPART=LABEL=RASPIROOT",
      `CONSOLES="tty0 ${PI_CONSOLE[arch]}"`,
      ""
    ].join("\n")
  );
  await writeRootFile(
    root,
    "etc/fstab",
    [
      "# <device>       <mount point>   <type> <options>                  <dump> <pass>",
      "LABEL=RASPIROOT  /               ext4   rw,noatime                 0      1",
      "LABEL=RASPIFIRM  /boot/firmware  vfat   rw,noatime,umask=0077      0      2",
      ""
    ].join("\n")
  );
  await mkdir2(join2(root, "boot", "firmware"), { recursive: true });
}
var INITRAMFS_MODULES = [
  "ext4",
  "crc32c_generic",
  // ext4's checksums; a soft dependency modprobe does not follow
  "gpio_regulator",
  // SD card power regulators on the Pi
  "fixed",
  "vfat",
  "nls_cp437",
  "nls_ascii",
  "mmc_block",
  "sdhci-iproc",
  "sdhci-pltfm",
  "bcm2835",
  "bcm2835-sdhost",
  "bcm2835-mmc",
  "usb-storage",
  "uas",
  "sd_mod",
  "xhci-pci",
  "xhci-plat-hcd",
  "dwc2",
  "reset-raspberrypi",
  "virtio_blk",
  "virtio_pci",
  "virtio_mmio"
];
async function makeInitramfs(root, logFile, opts) {
  const version = await kernelVersion(root);
  const conf = join2(root, "tmp", "rpi-build-initramfs");
  await exec("cp", ["-a", join2(root, "etc", "initramfs-tools"), conf], {
    privileged: "copying the initramfs config"
  });
  const confFile = join2(conf, "initramfs.conf");
  const settings = (await readFile2(confFile, "utf8")).replace(/^MODULES=.*$/m, "MODULES=list").replace(/^FSTYPE=.*$/m, "FSTYPE=ext4").replace(/^COMPRESS=.*$/m, "COMPRESS=zstd");
  await writeFile2(confFile, settings);
  await writeFile2(join2(conf, "modules"), `${INITRAMFS_MODULES.join("\n")}
`);
  logger().progress(`initramfs: making initrd.img-${version} (mkinitramfs)`);
  try {
    await mkinitramfs(root, version, "/tmp/rpi-build-initramfs", { ...opts, logFile });
  } finally {
    await rm2(conf, { recursive: true, force: true });
  }
  logger().progress(
    `initramfs: copying ${version}'s kernel, initramfs and device trees to the boot partition`
  );
  await inChroot(root, ["/etc/kernel/postinst.d/z50-raspi-firmware", version, `/boot/vmlinuz-${version}`], {
    logFile,
    env: { DEB_MAINT_PARAMS: "configure" }
  });
}
async function restoreUpdateInitramfs(root, logFile) {
  await rm2(join2(root, "usr", "sbin", "update-initramfs"), { force: true });
  await inChroot(root, UNDIVERT_INITRAMFS, { logFile });
}

// src/rootfs/base.ts
var NO_SOURCES = { suite: "", mirror: "", components: [] };
async function buildBase(spec, root, hooksDir, logFile) {
  const native = spec.nativeTools !== false;
  const suite = native ? installSuiteTools(spec, root, hooksDir, logFile) : void 0;
  try {
    const profile = await buildRootfs(spec, root, hooksDir, logFile, suite);
    if (profile) {
      logger().info(profileText(profile));
      await writeFile3(join3(dirname(logFile), "rootfs-profile.json"), `${JSON.stringify(profile)}
`);
    }
    await writeImageSources(root, spec);
    await finishBase(root, spec.arch, native, logFile, suite && { spec, hooksDir, from: suite });
  } finally {
    await suite?.dispose();
  }
}
async function finishBase(root, arch, nativeTools, logFile, host) {
  await configureBoot(root, arch);
  await withChrootKeepingResolver(
    root,
    async () => {
      await makeInitramfs(root, logFile, { arch, nativeTools, suite: host?.from });
      await generateLocale(root, BASE_LOCALE, logFile, host);
    },
    logFile
  );
}
async function refreshBase(root, arch, logFile, sources) {
  const before = await kernelVersion(root);
  let upgraded = 0;
  const native = sources?.nativeTools === false ? void 0 : new NativeTools(root, "", arch);
  await native?.tryPutIn();
  try {
    upgraded = await upgradeInRoot(root, logFile, sources);
  } finally {
    await native?.takeOut();
  }
  await exec("find", [`${root}/var/lib/apt/lists`, "-maxdepth", "1", "-type", "f", "-delete"], {
    privileged: "cleaning apt lists",
    logFile
  });
  if (await kernelVersion(root) !== before || upgraded > 0)
    await finishBase(root, arch, sources?.nativeTools !== false, logFile);
  return { upgraded };
}
async function upgradeInRoot(root, logFile, sources) {
  let upgraded = 0;
  await withChrootKeepingResolver(
    root,
    // apt in the chroot gets the archives' logins only for the duration.
    () => withAptAuth(root, sources ?? NO_SOURCES, async () => {
      await inChroot(root, ["apt-get", "update", "-q", "-o", "Acquire::Retries=5"], {
        logFile,
        onLine: (l) => logger().progress(`apt: ${l}`)
      });
      await inChroot(
        root,
        [
          "apt-get",
          "dist-upgrade",
          "-y",
          "-q",
          "-o",
          "Dpkg::Options::=--force-unsafe-io",
          "-o",
          "Dpkg::Options::=--force-confdef",
          "-o",
          "Dpkg::Options::=--force-confold"
        ],
        {
          logFile,
          onLine: (l) => {
            if (/^Unpacking /.test(l)) upgraded++;
            logger().progress(`apt: ${l}`);
          }
        }
      );
      await inChroot(root, ["apt-get", "clean"], { logFile });
    }),
    logFile
  );
  return upgraded;
}

// src/rootfs/cached-base.ts
async function baseWithCache(spec, caches, paths) {
  const state = await archiveStates(spec);
  const entry = rootfsEntry(spec, state, paths);
  const restored = await caches.restore(entry);
  if (restored.report.status === "partial") {
    const { upgraded } = await refreshBase(paths.root, spec.arch, paths.log, spec);
    logger().info(`brought the cached root up to date: ${upgraded} package(s) upgraded`);
  } else if (restored.report.status !== "hit") {
    await buildBase(spec, paths.root, paths.hooks, paths.log);
  }
  await caches.save(entry, restored);
  return restored.report;
}

// src/rootfs/custom-kernel.ts
import { existsSync } from "node:fs";
import { copyFile, mkdir as mkdir3, readdir as readdir3, rm as rm3 } from "node:fs/promises";
import { join as join4 } from "node:path";
async function debianKernelPackages(root) {
  return (await readManifest(root)).map((p) => p.name).filter((n) => /^linux-image-/.test(n));
}
async function installKernelBuild(root, build, logFile) {
  const log = logger();
  const debian = await debianKernelPackages(root);
  if (debian.length) {
    log.info(`kernel-dir: removing Debian's kernel (${debian.join(", ")})`);
    await inChroot(root, ["dpkg", "--purge", ...debian], {
      logFile,
      onLine: (l) => log.progress(`kernel-dir: ${l}`)
    });
  }
  const boot = join4(root, "boot");
  for (const f of await readdir3(boot))
    if (f.startsWith("initrd.img-") && !existsSync(join4(boot, `vmlinuz-${f.slice("initrd.img-".length)}`)))
      await rm3(join4(boot, f));
  const firmware = join4(boot, "firmware");
  for (const f of await readdir3(firmware))
    if (/^(vmlinuz-|initrd\.img-)/.test(f) || /^bcm.*\.dtb$/.test(f)) await rm3(join4(firmware, f));
  const { release } = build;
  log.info(`kernel-dir: installing ${release} (${build.firmwareName}, ${build.dtbs.length} device trees)`);
  await copyFile(build.kernel, join4(boot, `vmlinuz-${release}`));
  await copyFile(build.config, join4(boot, `config-${release}`));
  if (build.systemMap) await copyFile(build.systemMap, join4(boot, `System.map-${release}`));
  const dtbDir = join4(
    root,
    "usr",
    "lib",
    `linux-image-${release}`,
    ...build.arch === "arm64" ? ["broadcom"] : []
  );
  await mkdir3(dtbDir, { recursive: true });
  for (const dtb of build.dtbs) await copyFile(dtb, join4(dtbDir, dtb.split("/").pop()));
  if (build.overlays.length) {
    await mkdir3(join4(firmware, "overlays"), { recursive: true });
    for (const o of build.overlays) await copyFile(o, join4(firmware, "overlays", o.split("/").pop()));
  }
  if (build.modules) {
    log.progress(`kernel-dir: unpacking the modules of ${release}`);
    await exec(
      "tar",
      ["--extract", "--gzip", "--keep-directory-symlink", "--file", build.modules, "--directory", root],
      { logFile, privileged: "unpacking the kernel modules into the root" }
    );
    log.progress(`kernel-dir: depmod ${release}`);
    await inChroot(root, ["depmod", release], { logFile });
  }
}

// src/rootfs/system.ts
import { lstat } from "node:fs/promises";
import { join as join5 } from "node:path";
var FIRSTBOOT_SCRIPT = `#!/bin/sh
# rpi-build first boot: grow the root partition and filesystem to fill the card,
# and make this device's own SSH host keys (the image ships none).
set -u
root=$(findmnt -n -o SOURCE /)
disk=/dev/$(lsblk -no PKNAME "$root")
part=$(cat "/sys/class/block/$(basename "$root")/partition")
before=$(df -m --output=size / | tail -n 1 | tr -d ' ')
# Move the partition's end to the end of the disk; the kernel learns the new size via partx.
echo ', +' | sfdisk --quiet --force --no-reread --no-tell-kernel -N "$part" "$disk" >/dev/null 2>&1
partx -u --nr "$part" "$disk"
resize2fs "$root" >/dev/null 2>&1
after=$(df -m --output=size / | tail -n 1 | tr -d ' ')
echo "rpi-build-firstboot: root filesystem $before MiB -> $after MiB"
ssh-keygen -A
mkdir -p /var/lib/rpi-build
touch /var/lib/rpi-build/firstboot-done
echo "rpi-build-firstboot: done"
`;
var FIRSTBOOT_UNIT = `[Unit]
Description=rpi-build first boot: grow the root filesystem, make SSH host keys
ConditionPathExists=!/var/lib/rpi-build/firstboot-done
After=local-fs.target
Before=ssh.service getty-pre.target
Wants=getty-pre.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/rpi-build-firstboot
RemainAfterExit=yes
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
`;
async function configureSystem(root, config, logFile) {
  await writeRootFile(root, "etc/hostname", `${config.hostname}
`);
  await writeRootFile(
    root,
    "etc/hosts",
    `127.0.0.1	localhost
127.0.1.1	${config.hostname}
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
`
  );
  await writeRootFile(
    root,
    "etc/systemd/network/10-wired.network",
    "[Match]\nName=eth* en*\n\n[Network]\nDHCP=yes\n"
  );
  await writeRootFile(root, "usr/local/sbin/rpi-build-firstboot", FIRSTBOOT_SCRIPT, 493);
  await writeRootFile(root, "etc/systemd/system/rpi-build-firstboot.service", FIRSTBOOT_UNIT);
  const units = ["systemd-networkd.service", "rpi-build-firstboot.service"];
  if (await hasResolved(root)) units.push("systemd-resolved.service");
  await inChroot(root, ["systemctl", "enable", ...units], { logFile });
}
function hasResolved(root) {
  return lstat(join5(root, "lib", "systemd", "system", "systemd-resolved.service")).then(
    () => true,
    () => false
  );
}

// src/rootfs/update-stamps.ts
import { stat as stat2, writeFile as writeFile4 } from "node:fs/promises";
import { join as join6 } from "node:path";
async function writeUpdateStamps(root) {
  const usr = await stat2(join6(root, "usr"), { bigint: true });
  const stamps = ["etc", "var"].map((dir) => join6(root, dir, ".updated"));
  for (const stamp of stamps)
    await writeFile4(
      stamp,
      `# This file was created by rpi-build, as systemd-update-done would. Its only
# purpose is to hold a timestamp of the time this directory was updated.
# See man:systemd-update-done.service(8).
TIMESTAMP_NSEC=${usr.mtimeNs}
`
    );
  await exec("touch", ["--no-dereference", "--reference", join6(root, "usr"), ...stamps]);
}

// src/rootfs/customize.ts
async function customizeRootfs(root, config, logFile, hooksDir) {
  const kernel = config.kernelDir !== void 0 ? await readKernelBuild(config.kernelDir, config.arch[0]) : void 0;
  let account = "locked";
  const sources = {
    suite: config.suite,
    mirror: config.mirror,
    securityMirror: config.securityMirror,
    components: []
  };
  const host = config.nativeTools && hooksDir ? { spec: { ...sources, components: ["main"], arch: config.arch[0] }, hooksDir } : void 0;
  await withChrootKeepingResolver(
    root,
    () => withAptAuth(root, sources, async () => {
      await configureSystem(root, config, logFile);
      await configureLocale(root, config, logFile, host);
      await configureTimezone(root, config);
      account = await configureUser(root, config, logFile);
      if (config.overlay) await applyOverlay(root, config.overlay, logFile);
      if (kernel) await installKernelBuild(root, kernel, logFile);
      if (config.customize.length) await runCustomizeScripts(root, config.customize, logFile);
      if (config.customize.length || config.overlay) await inChroot(root, ["ldconfig"], { logFile });
      if (config.customize.length || kernel)
        await makeInitramfs(root, logFile, { arch: config.arch[0], nativeTools: config.nativeTools });
      await restoreUpdateInitramfs(root, logFile);
    }),
    logFile,
    await hasResolved(root) ? RESOLVED_STUB : void 0
  );
  await scrub(root);
  const epoch = sourceDateEpoch();
  if (epoch !== void 0) await clampTimestamps(root, epoch, logFile);
  await writeUpdateStamps(root);
  return { kernelVersion: await kernelVersion(root), account };
}

// src/builders/debian.ts
var debianBuilder = {
  hostTools: ({ config }) => ensureImageTools(config).then(() => void 0),
  build: buildDebianImage
};
async function buildDebianImage(ctx) {
  const { config, workDir, phases, caches, facts } = ctx;
  const arch = config.arch[0];
  const dirs = {
    rootfs: join7(workDir, "rootfs"),
    boot: join7(workDir, "boot"),
    stage: join7(workDir, "stage"),
    logs: join7(workDir, "logs"),
    hooks: join7(workDir, "hooks")
  };
  for (const d of [dirs.stage, dirs.logs, dirs.hooks, dirs.boot]) await mkdir4(d, { recursive: true });
  const base = `${config.imageName}-${config.suite}-${arch}`;
  const image = join7(dirs.stage, `${base}.img`);
  const log = (name) => join7(dirs.logs, `${name}.log`);
  const spec = {
    arch,
    suite: config.suite,
    mirror: config.mirror,
    securityMirror: config.securityMirror,
    components: ["main", "non-free-firmware"],
    packages: rootfsPackages(arch, config.packages),
    nativeTools: config.nativeTools
  };
  const rootfsCache = await phases.run(
    "rootfs",
    `Root filesystem: Debian ${config.suite} ${arch}`,
    () => baseWithCache(spec, caches, {
      root: dirs.rootfs,
      hooks: dirs.hooks,
      tarball: join7(workDir, "cache", "rootfs.tar.zst"),
      log: log("rootfs")
    })
  );
  const custom = await phases.run(
    "customize",
    "Customize: Raspberry Pi boot, user, locale, scripts, initramfs",
    () => customizeRootfs(dirs.rootfs, config, log("customize"), dirs.hooks)
  );
  if (custom.account === "locked") {
    logger().warn(`The account ${config.username} is locked: no password and no SSH key were given.`);
  }
  const manifest = await readManifest(dirs.rootfs);
  const packageCount = manifest.length;
  if (config.kernelDir !== void 0) {
    manifest.push({ name: "kernel-dir", version: custom.kernelVersion, arch });
    manifest.sort((a, b) => a.name.localeCompare(b.name));
    facts.kernel = `${custom.kernelVersion} (kernel-dir)`;
  }
  const manifestPath = join7(dirs.stage, `${base}.manifest`);
  await writeManifest(manifestPath, manifest);
  const assembled = await phases.run(
    "assemble",
    "Assemble the image (no loop devices)",
    () => withDiskSpace(workDir, "assembly", async () => {
      const fw = join7(dirs.rootfs, "boot", "firmware");
      for (const e of await readdir4(fw)) await rename(join7(fw, e), join7(dirs.boot, e));
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
  const finished = await bootAndCompress(ctx, image, {
    bootLog: join7(dirs.stage, `${base}.boot.log`),
    compressLog: log("compress"),
    account: custom.account
  });
  return {
    files: [
      finished.compressed,
      `${image}.bmap`,
      manifestPath,
      ...finished.bootLog ? [finished.bootLog] : []
    ],
    dir: dirs.stage,
    outputs: {
      "kernel-release": custom.kernelVersion,
      "root-size": String(assembled.layout.rootSize),
      "package-count": String(packageCount),
      account: custom.account,
      "boot-test": finished.bootTest,
      "cache-hit": String(rootfsCache.status === "hit")
    }
  };
}
export {
  debianBuilder
};
