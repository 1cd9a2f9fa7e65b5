import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  LocalStore,
  restoreOrWarn,
  saveState
} from "./chunk-MBPLPZK6.js";
import {
  installPackages,
  which
} from "./chunk-ETIVXEBC.js";
import {
  ExecError,
  InputError,
  errorMessage,
  exec
} from "./chunk-U6F4K6BP.js";
import {
  formatBytes,
  inActions,
  logger
} from "./chunk-JEISQDF3.js";

// src/cache/rootfs-step.ts
import { mkdir as mkdir3 } from "node:fs/promises";
import { dirname } from "node:path";

// src/rootfs/chroot.ts
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
var CHROOT_ENV = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  LC_ALL: "C.UTF-8",
  LANG: "C.UTF-8",
  DEBIAN_FRONTEND: "noninteractive",
  HOME: "/root"
};
async function withChrootMounts(root, fn, logFile) {
  const mounted = [];
  const log = logFile ? { logFile } : {};
  const mount = async (args, target) => {
    await mkdir(target, { recursive: true });
    await exec("mount", [...args, target], { privileged: "mounting into the root filesystem", ...log });
    mounted.push(target);
  };
  const policy = join(root, "usr", "sbin", "policy-rc.d");
  const resolv = join(root, "etc", "resolv.conf");
  try {
    await mount(["-t", "proc", "proc"], join(root, "proc"));
    await mount(["-t", "sysfs", "sysfs"], join(root, "sys"));
    await mount(["--bind", "/dev"], join(root, "dev"));
    await mount(["--bind", "/dev/pts"], join(root, "dev", "pts"));
    await writeFile(policy, "#!/bin/sh\nexit 101\n", { mode: 493 });
    await rm(resolv, { force: true });
    await copyFile("/etc/resolv.conf", resolv).catch(() => void 0);
    return await fn();
  } finally {
    await rm(policy, { force: true });
    await rm(resolv, { force: true });
    for (const m of mounted.reverse()) {
      await exec("umount", [m], { privileged: "unmounting", allowFailure: true }).catch(
        async () => exec("umount", ["--lazy", m], { privileged: "unmounting", allowFailure: true })
      );
    }
  }
}
function inChroot(root, argv, opts = {}) {
  return exec("chroot", [root, ...argv], {
    ...opts,
    cleanEnv: true,
    env: { ...CHROOT_ENV, ...opts.env },
    privileged: "chroot"
  });
}

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

// src/rootfs/customize.ts
import {
  chmod as chmod2,
  chown,
  copyFile as copyFile2,
  lstat,
  mkdir as mkdir2,
  readFile,
  readdir,
  rm as rm2,
  stat,
  symlink,
  writeFile as writeFile3
} from "node:fs/promises";
import { basename, join as join3 } from "node:path";

// src/rootfs/mmdebstrap.ts
import { chmod, writeFile as writeFile2 } from "node:fs/promises";
import { join as join2 } from "node:path";
var DIVERT_INITRAMFS_HOOK = `#!/bin/sh
# rpi-build essential hook: no initramfs while packages install; one is made at the end.
set -e
chroot "$1" dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs
printf '#!/bin/sh\\nexit 0\\n' > "$1/usr/sbin/update-initramfs"
chmod 755 "$1/usr/sbin/update-initramfs"
`;
var UNDIVERT_INITRAMFS = [
  "dpkg-divert",
  "--quiet",
  "--local",
  "--rename",
  "--remove",
  "/usr/sbin/update-initramfs"
];
var DPKG_OPTS = [
  "force-unsafe-io",
  "path-exclude=/usr/share/man/*",
  "path-exclude=/usr/share/info/*",
  "path-exclude=/usr/share/doc/*",
  "path-include=/usr/share/doc/*/copyright",
  "path-exclude=/usr/share/locale/*",
  "path-include=/usr/share/locale/locale.alias"
];
var APT_RETRIES = 5;
var DOWNLOAD_FAILED = /^(?:E|W): (?:Failed to fetch .*|.*(?:Connection failed|Connection reset|Undetermined Error|Hash Sum mismatch|File has unexpected size|Could not connect|Connection timed out|Unable to fetch).*)$/m;
function explainDownloadFailure(err, mirror) {
  if (!(err instanceof ExecError)) return err;
  const line = DOWNLOAD_FAILED.exec(err.stderrTail)?.[0];
  if (!line) return err;
  const log = err.logFile ? ` (full log: ${err.logFile})` : "";
  return new Error(
    `The Debian mirror ${mirror} broke off downloads, and apt gave up after ${APT_RETRIES} retries with growing waits:
${line.trim()}
Check the runner's network, or set mirror (--mirror on the CLI) to another Debian mirror. Nothing was built or cached; a rerun starts over${log}.`,
    { cause: err }
  );
}
function progressLine(line) {
  const m = /^(?:I: (.+)|(Unpacking|Setting up|Processing triggers for) (\S+))/.exec(line);
  if (!m) return void 0;
  return m[1] ?? `${m[2]} ${m[3]}`;
}
async function buildRootfs(spec, target, hooksDir, logFile) {
  const divert = join2(hooksDir, "essential-divert-initramfs.sh");
  await writeFile2(divert, DIVERT_INITRAMFS_HOOK);
  await chmod(divert, 493);
  const onLine = (line) => {
    const p = progressLine(line);
    if (p) logger().progress(`rootfs: ${p}`);
  };
  if (!await which("mmdebstrap") && !await which("debootstrap")) {
    await installPackages(["mmdebstrap"], "building the root filesystem");
  }
  if (await which("mmdebstrap")) {
    await exec(
      "mmdebstrap",
      [
        "--mode=root",
        "--variant=apt",
        `--architectures=${spec.arch}`,
        `--components=${spec.components.join(",")}`,
        `--include=${spec.packages.join(",")}`,
        ...DPKG_OPTS.map((o) => `--dpkgopt=${o}`),
        `--aptopt=Acquire::Retries "${APT_RETRIES}"`,
        // A stalled connection counts as a failed try instead of waiting minutes on it.
        '--aptopt=Acquire::http::Timeout "60"',
        `--essential-hook=${divert}`,
        spec.suite,
        target,
        spec.mirror
      ],
      { privileged: "mmdebstrap", logFile, onLine, env: { LC_ALL: "C.UTF-8" } }
    ).catch((err) => {
      throw explainDownloadFailure(err, spec.mirror);
    });
    return;
  }
  await exec(
    "debootstrap",
    [
      `--arch=${spec.arch}`,
      "--variant=minbase",
      `--components=${spec.components.join(",")}`,
      `--include=${spec.packages.join(",")}`,
      spec.suite,
      target,
      spec.mirror
    ],
    { privileged: "debootstrap", logFile, onLine, env: { INITRD: "No", LC_ALL: "C.UTF-8" } }
  );
}

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

// src/rootfs/customize.ts
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
async function write(root, path, text, mode = 420) {
  const p = join3(root, path);
  await mkdir2(join3(p, ".."), { recursive: true });
  await rm2(p, { force: true });
  await writeFile3(p, text, { mode });
}
async function kernelVersion(root) {
  const kernels = (await readdir(join3(root, "boot"))).filter((f) => f.startsWith("vmlinuz-")).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const last = kernels.pop();
  if (!last)
    throw new Error(
      "No kernel in the root filesystem (/boot/vmlinuz-*): the kernel package did not install."
    );
  return last.slice("vmlinuz-".length);
}
async function hashPassword(password) {
  const r = await exec("openssl", ["passwd", "-6", "-stdin"], { input: `${password}
` });
  const hash = r.stdout.trim();
  if (!/^\$6\$[^\s:]+$/.test(hash)) throw new Error("openssl did not return one SHA-512 crypt hash");
  return hash;
}
async function setShadowHash(root, user, hash) {
  const path = join3(root, "etc", "shadow");
  const lines = (await readFile(path, "utf8")).split("\n").map((l) => {
    const f = l.split(":");
    if (f[0] !== user) return l;
    f[1] = hash;
    return f.join(":");
  });
  await writeFile3(path, lines.join("\n"), { mode: 416 });
}
async function userIds(root, user) {
  const line = (await readFile(join3(root, "etc", "passwd"), "utf8")).split("\n").find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`user ${user} was not created`);
  const f = line.split(":");
  return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
}
async function existingGroups(root, wanted) {
  const groups = new Set(
    (await readFile(join3(root, "etc", "group"), "utf8")).split("\n").map((l) => l.split(":")[0])
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
  await write(
    root,
    `etc/sudoers.d/010_${config.username}-nopasswd`,
    `${config.username} ALL=(ALL) NOPASSWD: ALL
`,
    288
  );
  if (config.password) await setShadowHash(root, config.username, await hashPassword(config.password));
  if (config.sshAuthorizedKeys.length > 0) {
    const { uid, gid, home } = await userIds(root, config.username);
    const dir = join3(root, home, ".ssh");
    await mkdir2(dir, { recursive: true, mode: 448 });
    await writeFile3(join3(dir, "authorized_keys"), `${config.sshAuthorizedKeys.join("\n")}
`, {
      mode: 384
    });
    await chown(dir, uid, gid);
    await chown(join3(dir, "authorized_keys"), uid, gid);
  }
  if (config.password && config.sshAuthorizedKeys.length) return "password+ssh-key";
  if (config.password) return "password";
  if (config.sshAuthorizedKeys.length) return "ssh-key";
  return "locked";
}
async function configureLocale(root, config, logFile) {
  await write(root, "etc/default/locale", `LANG=${config.locale}
`);
  if (/^C(\.|$)/.test(config.locale)) return;
  const supported = await readFile(join3(root, "usr", "share", "i18n", "SUPPORTED"), "utf8");
  const line = supported.split("\n").find((l) => l.split(" ")[0] === config.locale);
  if (!line) {
    throw new InputError(
      "locale",
      `"${config.locale}" is not a locale Debian supports`,
      "Use a name from /usr/share/i18n/SUPPORTED such as en_GB.UTF-8."
    );
  }
  await write(root, "etc/locale.gen", `${line}
`);
  await inChroot(root, ["locale-gen"], { logFile });
}
async function configureTimezone(root, config) {
  const zone = join3(root, "usr", "share", "zoneinfo", config.timezone);
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
  await rm2(join3(root, "etc", "localtime"), { force: true });
  await symlink(`/usr/share/zoneinfo/${config.timezone}`, join3(root, "etc", "localtime"));
  await write(root, "etc/timezone", `${config.timezone}
`);
}
async function configureBoot(root, arch) {
  await write(
    root,
    "etc/default/raspi-firmware",
    [
      "# Written by rpi-build; read by raspi-firmware when a kernel or initramfs is installed.",
      "ROOTPART=LABEL=RASPIROOT",
      `CONSOLES="tty0 ${PI_CONSOLE[arch]}"`,
      ""
    ].join("\n")
  );
  await write(
    root,
    "etc/fstab",
    [
      "# <device>       <mount point>   <type> <options>                  <dump> <pass>",
      "LABEL=RASPIROOT  /               ext4   rw,noatime                 0      1",
      "LABEL=RASPIFIRM  /boot/firmware  vfat   rw,noatime,umask=0077      0      2",
      ""
    ].join("\n")
  );
  await mkdir2(join3(root, "boot", "firmware"), { recursive: true });
}
async function configureSystem(root, config, logFile) {
  await write(root, "etc/hostname", `${config.hostname}
`);
  await write(
    root,
    "etc/hosts",
    `127.0.0.1	localhost
127.0.1.1	${config.hostname}
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
`
  );
  await write(
    root,
    "etc/systemd/network/10-wired.network",
    "[Match]\nName=eth* en*\n\n[Network]\nDHCP=yes\n"
  );
  await write(root, "usr/local/sbin/rpi-build-firstboot", FIRSTBOOT_SCRIPT, 493);
  await write(root, "etc/systemd/system/rpi-build-firstboot.service", FIRSTBOOT_UNIT);
  const units = ["systemd-networkd.service", "rpi-build-firstboot.service"];
  if (await lstat(join3(root, "lib", "systemd", "system", "systemd-resolved.service")).then(
    () => true,
    () => false
  ))
    units.push("systemd-resolved.service");
  await inChroot(root, ["systemctl", "enable", ...units], { logFile });
  if (units.includes("systemd-resolved.service")) {
    await rm2(join3(root, "etc", "resolv.conf"), { force: true });
    await symlink("../run/systemd/resolve/stub-resolv.conf", join3(root, "etc", "resolv.conf"));
  }
}
async function applyOverlay(root, overlay, logFile) {
  const st = await stat(overlay).catch(() => void 0);
  if (!st?.isDirectory())
    throw new InputError(
      "overlay",
      `"${overlay}" is not a folder`,
      "Give a folder whose contents are copied over the root filesystem."
    );
  await exec("cp", ["-a", "--no-preserve=ownership", `${overlay}/.`, root], {
    privileged: "copying the overlay",
    logFile
  });
}
async function runCustomizeScripts(root, scripts, logFile) {
  const dir = join3(root, "tmp", "rpi-build-customize");
  await mkdir2(dir, { recursive: true });
  try {
    for (const [i, script] of scripts.entries()) {
      const st = await stat(script).catch(() => void 0);
      if (!st?.isFile())
        throw new InputError(
          "customize",
          `"${script}" is not a file`,
          "Give paths of scripts to run inside the image, one per line."
        );
      const name = `${String(i + 1).padStart(2, "0")}-${basename(script)}`;
      await copyFile2(script, join3(dir, name));
      await chmod2(join3(dir, name), 493);
      const tail = [];
      await logger().group(`customize: ${basename(script)}`, async () => {
        const r = await inChroot(root, [`/tmp/rpi-build-customize/${name}`], {
          logFile,
          allowFailure: true,
          onLine: (line) => {
            logger().info(line);
            tail.push(line);
            if (tail.length > 40) tail.shift();
          }
        });
        if (r.exitCode !== 0) {
          throw new ExecError(`customize script ${script}`, r.exitCode, r.signal, tail.join("\n"), logFile);
        }
      });
    }
  } finally {
    await rm2(dir, { recursive: true, force: true });
  }
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
async function makeInitramfs(root, logFile) {
  const version = await kernelVersion(root);
  const conf = join3(root, "tmp", "rpi-build-initramfs");
  await exec("cp", ["-a", join3(root, "etc", "initramfs-tools"), conf], {
    privileged: "copying the initramfs config"
  });
  const confFile = join3(conf, "initramfs.conf");
  const settings = (await readFile(confFile, "utf8")).replace(/^MODULES=.*$/m, "MODULES=list").replace(/^FSTYPE=.*$/m, "FSTYPE=ext4").replace(/^COMPRESS=.*$/m, "COMPRESS=zstd");
  await writeFile3(confFile, settings);
  await writeFile3(join3(conf, "modules"), `${INITRAMFS_MODULES.join("\n")}
`);
  await inChroot(
    root,
    ["mkinitramfs", "-d", "/tmp/rpi-build-initramfs", "-o", `/boot/initrd.img-${version}`, version],
    {
      logFile,
      onLine: (l) => logger().progress(`initramfs: ${l}`)
    }
  );
  await rm2(conf, { recursive: true, force: true });
  await inChroot(root, ["/etc/kernel/postinst.d/z50-raspi-firmware", version, `/boot/vmlinuz-${version}`], {
    logFile,
    env: { DEB_MAINT_PARAMS: "configure" }
  });
}
async function restoreUpdateInitramfs(root, logFile) {
  await rm2(join3(root, "usr", "sbin", "update-initramfs"), { force: true });
  await inChroot(root, UNDIVERT_INITRAMFS, { logFile });
}
async function scrub(root) {
  for (const f of await readdir(join3(root, "etc", "ssh")).catch(() => [])) {
    if (/^ssh_host_.*_key(\.pub)?$/.test(f)) await rm2(join3(root, "etc", "ssh", f), { force: true });
  }
  await writeFile3(join3(root, "etc", "machine-id"), "");
  await rm2(join3(root, "var", "lib", "dbus", "machine-id"), { force: true });
  for (const d of ["var/cache/apt/archives", "var/lib/apt/lists"]) {
    for (const f of await readdir(join3(root, d)).catch(() => [])) {
      if (f !== "partial" && f !== "lock") await rm2(join3(root, d, f), { recursive: true, force: true });
    }
  }
  await rm2(join3(root, "tmp"), { recursive: true, force: true });
  await mkdir2(join3(root, "tmp"), { mode: 1023 });
  await chmod2(join3(root, "tmp"), 1023);
}
async function customizeRootfs(root, config, logFile) {
  const version = await kernelVersion(root);
  let account = "locked";
  await withChrootMounts(
    root,
    async () => {
      await configureSystem(root, config, logFile);
      await configureLocale(root, config, logFile);
      await configureTimezone(root, config);
      account = await configureUser(root, config, logFile);
      if (config.overlay) await applyOverlay(root, config.overlay, logFile);
      if (config.customize.length) {
        await runCustomizeScripts(root, config.customize, logFile);
        await makeInitramfs(root, logFile);
      }
      await restoreUpdateInitramfs(root, logFile);
    },
    logFile
  );
  await scrub(root);
  const epoch = sourceDateEpoch();
  if (epoch !== void 0) await clampTimestamps(root, epoch, logFile);
  return { kernelVersion: version, account };
}

// src/rootfs/base.ts
async function buildBase(spec, root, hooksDir, logFile) {
  await buildRootfs(spec, root, hooksDir, logFile);
  await finishBase(root, spec.arch, logFile);
}
async function finishBase(root, arch, logFile) {
  await configureBoot(root, arch);
  await withChrootMounts(root, () => makeInitramfs(root, logFile), logFile);
}
async function refreshBase(root, arch, logFile) {
  const before = await kernelVersion(root);
  let upgraded = 0;
  await withChrootMounts(
    root,
    async () => {
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
    },
    logFile
  );
  await exec("find", [`${root}/var/lib/apt/lists`, "-maxdepth", "1", "-type", "f", "-delete"], {
    privileged: "cleaning apt lists",
    logFile
  });
  if (await kernelVersion(root) !== before || upgraded > 0) await finishBase(root, arch, logFile);
  return { upgraded };
}

// src/cache/rootfs-cache.ts
import { createHash } from "node:crypto";
import { readFile as readFile2 } from "node:fs/promises";
import { fileURLToPath } from "node:url";
var ROOTFS_RECIPE = "v1";
var sha = (s) => createHash("sha256").update(s).digest("hex");
function rootfsKeys(spec, archiveState2) {
  const config = sha(
    JSON.stringify({
      recipe: ROOTFS_RECIPE,
      arch: spec.arch,
      suite: spec.suite,
      mirror: spec.mirror.replace(/\/+$/, ""),
      components: [...spec.components].sort(),
      packages: [...spec.packages].sort()
    })
  ).slice(0, 16);
  const restorePrefix = `rpi-build-rootfs-${ROOTFS_RECIPE}-${spec.arch}-${spec.suite}-${config}-`;
  return { key: `${restorePrefix}${archiveState2}`, restorePrefix };
}
function fetchFailure(err) {
  const e = err;
  return e.cause ? `${e.message}: ${e.cause.message || e.cause.code}` : e.message;
}
async function archiveState(mirror, suite, tries = 4) {
  const base = mirror.replace(/\/+$/, "");
  for (const name of ["InRelease", "Release"]) {
    const url = `${base}/dists/${suite}/${name}`;
    if (url.startsWith("file://")) {
      const text = await readFile2(fileURLToPath(url)).catch(() => void 0);
      if (text) return sha(text).slice(0, 16);
      continue;
    }
    for (let i = 0; i < tries; i++) {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(3e4) });
        if (res.status === 404) break;
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return sha(Buffer.from(await res.arrayBuffer())).slice(0, 16);
      } catch (err) {
        if (i === tries - 1)
          throw new Error(
            `The Debian mirror ${base} cannot be reached: reading ${url} failed ${tries} times (${fetchFailure(err)}). Set mirror (--mirror on the CLI) to a reachable Debian mirror such as http://deb.debian.org/debian, or check the network and any proxy.`
          );
        const wait = 1e3 * 2 ** i;
        logger().warn(`reading ${url} failed (${fetchFailure(err)}); retrying in ${wait / 1e3} s`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
  throw new Error(`${base}/dists/${suite}/ has no InRelease or Release file: is "${suite}" on this mirror?`);
}
async function packRootfs(root, tarball, logFile) {
  await exec(
    "tar",
    [
      "--create",
      "--file",
      tarball,
      "--use-compress-program=zstd -T0 -3",
      "--numeric-owner",
      "--xattrs",
      "--xattrs-include=*",
      "--acls",
      "--one-file-system",
      "-C",
      root,
      "."
    ],
    {
      privileged: "packing the root filesystem",
      logFile
    }
  );
}
async function unpackRootfs(tarball, root, logFile) {
  await exec("mkdir", ["-p", root], { privileged: "unpacking the root filesystem" });
  await exec(
    "tar",
    [
      "--extract",
      "--file",
      tarball,
      "--use-compress-program=zstd -d -T0",
      "--numeric-owner",
      "--xattrs",
      "--xattrs-include=*",
      "--acls",
      "-C",
      root
    ],
    {
      privileged: "unpacking the root filesystem",
      logFile
    }
  );
}

// src/cache/rootfs-step.ts
async function rootfsWithCache(spec, config, store, paths, pending) {
  const log = logger();
  const state = await archiveState(spec.mirror, spec.suite);
  if (!config.cache || !store) {
    await buildBase(spec, paths.root, paths.hooks, paths.log);
    return { name: "rootfs", status: "disabled" };
  }
  const keys = rootfsKeys(spec, state);
  await mkdir3(dirname(paths.tarball), { recursive: true });
  const { hit } = await restoreOrWarn(
    store,
    keys.key,
    [keys.restorePrefix],
    paths.tarball,
    "rootfs cache",
    "building without it"
  );
  const report = { name: "rootfs", status: "miss", key: keys.key };
  if (hit) {
    log.info(
      `rootfs cache ${hit.exact ? "hit" : "hit on an older archive state"}: ${hit.key} (${formatBytes(hit.size)}, ${store.kind})`
    );
    await unpackRootfs(hit.path, paths.root, paths.log);
    report.size = hit.size;
    if (hit.exact) return { ...report, status: "hit" };
    const { upgraded } = await refreshBase(paths.root, spec.arch, paths.log);
    log.info(`brought the cached root up to date: ${upgraded} package(s) upgraded`);
    report.status = "partial";
  } else {
    log.info(`rootfs cache miss: ${keys.key}`);
    await buildBase(spec, paths.root, paths.hooks, paths.log);
  }
  if (!config.cacheReadOnly) {
    await packRootfs(paths.root, paths.tarball, paths.log);
    pending.push({ what: "rootfs", key: keys.key, file: paths.tarball, restorePrefix: keys.restorePrefix });
  }
  return report;
}
async function savePending(store, pending) {
  const out = [];
  for (const p of pending) {
    try {
      const saved = await store.save(p.key, p.file, p.restorePrefix);
      logger().info(
        saved ? `saved ${p.what} cache ${p.key} (${store.kind})` : `${p.what} cache ${p.key} exists; not saved again`
      );
      if (saved) out.push({ name: p.what, status: "miss", key: p.key });
    } catch (err) {
      logger().warn(`could not save the ${p.what} cache (${errorMessage(err)}); the build itself succeeded`);
    }
  }
  return out;
}
async function commitPending(store, pending) {
  if (!store || pending.length === 0) return;
  if (inActions()) {
    saveState("pendingSaves", pending);
    if (store instanceof LocalStore) saveState("cacheDir", store.dir);
  } else await savePending(store, pending);
}

export {
  rootfsPackages,
  customizeRootfs,
  packRootfs,
  unpackRootfs,
  rootfsWithCache,
  savePending,
  commitPending
};
