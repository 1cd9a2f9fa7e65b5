import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  cleanupWorkDir
} from "./chunk-RANCJ2BA.js";
import {
  saveState
} from "./chunk-C5PXELOG.js";
import {
  bootTest
} from "./chunk-PSDOBPOJ.js";
import {
  installPackages,
  which
} from "./chunk-F4W3TPLN.js";
import {
  ExecError,
  InputError,
  exec,
  inActions,
  invokingUser,
  logger
} from "./chunk-CUEJ34R6.js";

// src/builders/debian.ts
import { chown as chown2, copyFile as copyFile3, mkdir as mkdir3, readdir as readdir4, rename, rm as rm3, stat as stat3, writeFile as writeFile6 } from "node:fs/promises";
import { join as join8, resolve } from "node:path";

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

// src/image/checksums.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, join as join3 } from "node:path";
async function sha256File(path) {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 }))
    h.update(chunk);
  return h.digest("hex");
}
async function writeSha256Sums(dir, files) {
  const sums = {};
  for (const f of files) sums[basename(f)] = await sha256File(f);
  const text = Object.entries(sums).map(([name, sum]) => `${sum}  ${name}
`).join("");
  await writeFile(join3(dir, "SHA256SUMS"), text);
  return sums;
}

// src/image/compress.ts
import { stat } from "node:fs/promises";
var EXTENSIONS = { xz: ".xz", zstd: ".zst", gzip: ".gz", none: "" };
var COMMANDS = {
  // -1: measured 2.4x faster than -3 on a default image for 8% more bytes.
  xz: ["xz", ["-T0", "-1", "--keep", "--force", "--verbose"]],
  zstd: ["zstd", ["-T0", "-10", "--long=27", "--keep", "--force", "--sparse"]],
  gzip: ["gzip", ["-6", "--keep", "--force"]]
};
async function compressImage(image, how, logFile) {
  if (how === "none") return image;
  const [cmd, args] = COMMANDS[how];
  const out = `${image}${EXTENSIONS[how]}`;
  await exec(cmd, [...args, image], {
    ...logFile ? { logFile } : {},
    onLine: (line) => {
      if (/%|MiB/.test(line)) logger().progress(`${how}: ${line.trim()}`);
    }
  });
  await stat(out);
  return out;
}

// src/image/manifest.ts
import { readFile, writeFile as writeFile2 } from "node:fs/promises";
import { join as join4 } from "node:path";
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
  return parseDpkgStatus(await readFile(join4(rootDir, "var", "lib", "dpkg", "status"), "utf8"));
}
async function writeManifest(path, pkgs) {
  await writeFile2(path, pkgs.map((p) => `${p.name}	${p.version}	${p.arch}
`).join(""));
}

// src/rootfs/customize.ts
import {
  chmod as chmod2,
  chown,
  copyFile as copyFile2,
  lstat as lstat2,
  mkdir as mkdir2,
  readFile as readFile2,
  readdir as readdir3,
  rm as rm2,
  stat as stat2,
  symlink,
  writeFile as writeFile5
} from "node:fs/promises";
import { basename as basename2, join as join7 } from "node:path";

// src/rootfs/chroot.ts
import { copyFile, mkdir, rm, writeFile as writeFile3 } from "node:fs/promises";
import { join as join5 } from "node:path";
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
  const policy = join5(root, "usr", "sbin", "policy-rc.d");
  const resolv = join5(root, "etc", "resolv.conf");
  try {
    await mount(["-t", "proc", "proc"], join5(root, "proc"));
    await mount(["-t", "sysfs", "sysfs"], join5(root, "sys"));
    await mount(["--bind", "/dev"], join5(root, "dev"));
    await mount(["--bind", "/dev/pts"], join5(root, "dev", "pts"));
    await writeFile3(policy, "#!/bin/sh\nexit 101\n", { mode: 493 });
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

// src/rootfs/mmdebstrap.ts
import { chmod, writeFile as writeFile4 } from "node:fs/promises";
import { join as join6 } from "node:path";
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
function progressLine(line) {
  const m = /^(?:I: (.+)|(Unpacking|Setting up|Processing triggers for) (\S+))/.exec(line);
  if (!m) return void 0;
  return m[1] ?? `${m[2]} ${m[3]}`;
}
async function buildRootfs(spec, target, hooksDir, logFile) {
  const divert = join6(hooksDir, "essential-divert-initramfs.sh");
  await writeFile4(divert, DIVERT_INITRAMFS_HOOK);
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
        '--aptopt=Acquire::Retries "5"',
        `--essential-hook=${divert}`,
        spec.suite,
        target,
        spec.mirror
      ],
      { privileged: "mmdebstrap", logFile, onLine, env: { LC_ALL: "C.UTF-8" } }
    );
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
  const p = join7(root, path);
  await mkdir2(join7(p, ".."), { recursive: true });
  await rm2(p, { force: true });
  await writeFile5(p, text, { mode });
}
async function kernelVersion(root) {
  const kernels = (await readdir3(join7(root, "boot"))).filter((f) => f.startsWith("vmlinuz-")).sort();
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
  if (!hash.startsWith("$6$")) throw new Error("openssl did not return a SHA-512 crypt hash");
  return hash;
}
async function setShadowHash(root, user, hash) {
  const path = join7(root, "etc", "shadow");
  const lines = (await readFile2(path, "utf8")).split("\n").map((l) => {
    const f = l.split(":");
    if (f[0] !== user) return l;
    f[1] = hash;
    return f.join(":");
  });
  await writeFile5(path, lines.join("\n"), { mode: 416 });
}
async function userIds(root, user) {
  const line = (await readFile2(join7(root, "etc", "passwd"), "utf8")).split("\n").find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`user ${user} was not created`);
  const f = line.split(":");
  return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
}
async function existingGroups(root, wanted) {
  const groups = new Set(
    (await readFile2(join7(root, "etc", "group"), "utf8")).split("\n").map((l) => l.split(":")[0])
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
    const dir = join7(root, home, ".ssh");
    await mkdir2(dir, { recursive: true, mode: 448 });
    await writeFile5(join7(dir, "authorized_keys"), `${config.sshAuthorizedKeys.join("\n")}
`, {
      mode: 384
    });
    await chown(dir, uid, gid);
    await chown(join7(dir, "authorized_keys"), uid, gid);
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
  const supported = await readFile2(join7(root, "usr", "share", "i18n", "SUPPORTED"), "utf8");
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
  const zone = join7(root, "usr", "share", "zoneinfo", config.timezone);
  const ok = await stat2(zone).then(
    (s) => s.isFile(),
    () => false
  );
  if (!ok)
    throw new InputError(
      "timezone",
      `"${config.timezone}" is not in the image's zoneinfo`,
      "Use a name such as Europe/Berlin or Etc/UTC."
    );
  await rm2(join7(root, "etc", "localtime"), { force: true });
  await symlink(`/usr/share/zoneinfo/${config.timezone}`, join7(root, "etc", "localtime"));
  await write(root, "etc/timezone", `${config.timezone}
`);
}
async function configureBoot(root, config) {
  const arch = config.arch[0];
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
  await mkdir2(join7(root, "boot", "firmware"), { recursive: true });
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
  if (await lstat2(join7(root, "lib", "systemd", "system", "systemd-resolved.service")).then(
    () => true,
    () => false
  ))
    units.push("systemd-resolved.service");
  await inChroot(root, ["systemctl", "enable", ...units], { logFile });
  if (units.includes("systemd-resolved.service")) {
    await rm2(join7(root, "etc", "resolv.conf"), { force: true });
    await symlink("../run/systemd/resolve/stub-resolv.conf", join7(root, "etc", "resolv.conf"));
  }
}
async function applyOverlay(root, overlay, logFile) {
  const st = await stat2(overlay).catch(() => void 0);
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
  const dir = join7(root, "tmp", "rpi-build-customize");
  await mkdir2(dir, { recursive: true });
  try {
    for (const [i, script] of scripts.entries()) {
      const st = await stat2(script).catch(() => void 0);
      if (!st?.isFile())
        throw new InputError(
          "customize",
          `"${script}" is not a file`,
          "Give paths of scripts to run inside the image, one per line."
        );
      const name = `${String(i + 1).padStart(2, "0")}-${basename2(script)}`;
      await copyFile2(script, join7(dir, name));
      await chmod2(join7(dir, name), 493);
      const tail = [];
      await logger().group(`customize: ${basename2(script)}`, async () => {
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
async function makeInitramfs(root, version, logFile) {
  await rm2(join7(root, "usr", "sbin", "update-initramfs"), { force: true });
  await inChroot(root, UNDIVERT_INITRAMFS, { logFile });
  const conf = join7(root, "tmp", "rpi-build-initramfs");
  await exec("cp", ["-a", join7(root, "etc", "initramfs-tools"), conf], {
    privileged: "copying the initramfs config"
  });
  const confFile = join7(conf, "initramfs.conf");
  const settings = (await readFile2(confFile, "utf8")).replace(/^MODULES=.*$/m, "MODULES=list").replace(/^FSTYPE=.*$/m, "FSTYPE=ext4").replace(/^COMPRESS=.*$/m, "COMPRESS=zstd");
  await writeFile5(confFile, settings);
  await writeFile5(join7(conf, "modules"), `${INITRAMFS_MODULES.join("\n")}
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
async function scrub(root) {
  for (const f of await readdir3(join7(root, "etc", "ssh")).catch(() => [])) {
    if (/^ssh_host_.*_key(\.pub)?$/.test(f)) await rm2(join7(root, "etc", "ssh", f), { force: true });
  }
  await writeFile5(join7(root, "etc", "machine-id"), "");
  await rm2(join7(root, "var", "lib", "dbus", "machine-id"), { force: true });
  for (const d of ["var/cache/apt/archives", "var/lib/apt/lists"]) {
    for (const f of await readdir3(join7(root, d)).catch(() => [])) {
      if (f !== "partial" && f !== "lock") await rm2(join7(root, d, f), { recursive: true, force: true });
    }
  }
  await rm2(join7(root, "tmp"), { recursive: true, force: true });
  await mkdir2(join7(root, "tmp"), { mode: 1023 });
  await chmod2(join7(root, "tmp"), 1023);
}
async function customizeRootfs(root, config, logFile) {
  const version = await kernelVersion(root);
  let account = "locked";
  await withChrootMounts(
    root,
    async () => {
      await configureSystem(root, config, logFile);
      await configureBoot(root, config);
      await configureLocale(root, config, logFile);
      await configureTimezone(root, config);
      account = await configureUser(root, config, logFile);
      if (config.overlay) await applyOverlay(root, config.overlay, logFile);
      if (config.customize.length) await runCustomizeScripts(root, config.customize, logFile);
      await makeInitramfs(root, version, logFile);
    },
    logFile
  );
  await scrub(root);
  return { kernelVersion: version, account };
}

// src/runtime/phases.ts
var Phases = class {
  timings = [];
  async run(name, title, fn) {
    const started = Date.now();
    const tty = !inActions() && process.stderr.isTTY;
    const heartbeat = setInterval(
      () => {
        const s = Math.round((Date.now() - started) / 1e3);
        logger().progress(`${name}: ${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`);
      },
      tty ? 1e3 : 3e4
    );
    heartbeat.unref();
    try {
      const r = await logger().group(title, fn);
      this.timings.push({ name, seconds: (Date.now() - started) / 1e3, ok: true });
      return r;
    } catch (err) {
      this.timings.push({ name, seconds: (Date.now() - started) / 1e3, ok: false });
      if (inActions()) saveState("failedPhase", name);
      throw err;
    } finally {
      clearInterval(heartbeat);
    }
  }
  table() {
    return this.timings.map((t) => `${t.name.padEnd(10)} ${t.seconds.toFixed(1).padStart(7)} s${t.ok ? "" : "  FAILED"}`).join("\n");
  }
};

// src/builders/debian.ts
function defaultWorkDir(env = process.env) {
  return env.RUNNER_TEMP ? join8(env.RUNNER_TEMP, "rpi-build") : resolve(".work");
}
async function freshDir(workDir) {
  await mkdir3(workDir, { recursive: true });
  const report = await cleanupWorkDir(workDir);
  if (report.unmounted.length) logger().info(`cleaned up after an earlier build: ${report.summary}`);
  if (report.remaining.length)
    throw new Error(`cannot start clean: still mounted under ${workDir}: ${report.remaining.join(", ")}`);
  for (const entry of await readdir4(workDir)) {
    await exec("rm", ["-rf", "--one-file-system", join8(workDir, entry)], {
      privileged: "removing an earlier build"
    });
  }
}
async function publishLocal(files, outDir) {
  await mkdir3(outDir, { recursive: true });
  const owner = invokingUser();
  const placed = [];
  for (const f of files) {
    const dest = join8(outDir, f.split("/").pop());
    await rename(f, dest).catch(async (err) => {
      if (err.code !== "EXDEV") throw err;
      await copyFile3(f, dest);
      await rm3(f);
    });
    if (owner) await chown2(dest, owner.uid, owner.gid).catch(() => void 0);
    placed.push(dest);
  }
  return placed;
}
async function buildDebianImage(config) {
  const arch = config.arch[0];
  const workDir = resolve(config.workDir ?? defaultWorkDir());
  if (inActions()) saveState("workDir", workDir);
  await freshDir(workDir);
  const dirs = {
    rootfs: join8(workDir, "rootfs"),
    boot: join8(workDir, "boot"),
    stage: join8(workDir, "stage"),
    logs: join8(workDir, "logs"),
    hooks: join8(workDir, "hooks")
  };
  for (const d of [dirs.stage, dirs.logs, dirs.hooks, dirs.boot]) await mkdir3(d, { recursive: true });
  const base = `${config.imageName}-${config.suite}-${arch}`;
  const image = join8(dirs.stage, `${base}.img`);
  const phases = new Phases();
  const log = (name) => join8(dirs.logs, `${name}.log`);
  await phases.run(
    "rootfs",
    `Root filesystem: Debian ${config.suite} ${arch} (mmdebstrap)`,
    () => buildRootfs(
      {
        arch,
        suite: config.suite,
        mirror: config.mirror,
        components: ["main", "non-free-firmware"],
        packages: rootfsPackages(arch, config.packages)
      },
      dirs.rootfs,
      dirs.hooks,
      log("rootfs")
    )
  );
  const custom = await phases.run(
    "customize",
    "Customize: Raspberry Pi boot, user, locale, scripts, initramfs",
    () => customizeRootfs(dirs.rootfs, config, log("customize"))
  );
  if (custom.account === "locked") {
    logger().warn(`The account ${config.username} is locked: no password and no SSH key were given.`);
  }
  const manifest = await readManifest(dirs.rootfs);
  const manifestPath = join8(dirs.stage, `${base}.manifest`);
  await writeManifest(manifestPath, manifest);
  const assembled = await phases.run("assemble", "Assemble the image (no loop devices)", async () => {
    const fw = join8(dirs.rootfs, "boot", "firmware");
    for (const e of await readdir4(fw)) await rename(join8(fw, e), join8(dirs.boot, e));
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
  });
  const bootLog = join8(dirs.stage, `${base}.boot.log`);
  const booting = config.bootTest ? phases.run("boot-test", `Boot test under ${arch === "arm64" ? "qemu-system-aarch64" : "qemu-system-arm"}`, async () => {
    const r = await bootTest(image, arch, workDir, bootLog, config.bootTimeout);
    if (!r.passed) throw new Error(`Boot test failed after ${r.seconds.toFixed(0)} s: ${r.detail}. Console log: ${bootLog}`);
    logger().info(`Boot test passed in ${r.seconds.toFixed(0)} s: "${r.detail}"${r.firstboot ? `; ${r.firstboot}` : ""}`);
    return r;
  }) : Promise.resolve(void 0);
  const compressing = phases.run("compress", `Compress (${config.compression})`, () => compressImage(image, config.compression, log("compress")));
  const [boot, compressed] = await Promise.all([booting, compressing]);
  if (compressed !== image) await rm3(image);
  const files = [compressed, `${image}.bmap`, manifestPath, ...config.bootTest ? [bootLog] : []];
  const sums = await writeSha256Sums(dirs.stage, files);
  const placed = await publishLocal([...files, join8(dirs.stage, "SHA256SUMS")], resolve(config.outDir));
  const imagePath = placed[0];
  const size = (await stat3(imagePath)).size;
  await writeFile6(join8(dirs.logs, "phases.txt"), `${phases.table()}
`);
  logger().info(`Phases:
${phases.table()}`);
  return {
    outputs: {
      "image-path": imagePath,
      "image-sha256": sums[imagePath.split("/").pop()],
      "image-size": String(size),
      "kernel-release": custom.kernelVersion,
      "root-size": String(assembled.layout.rootSize),
      "package-count": String(manifest.length),
      account: custom.account,
      "boot-test": boot ? `passed in ${boot.seconds.toFixed(0)} s` : "skipped"
    },
    phases,
    files: placed
  };
}

// src/builders/image.ts
async function buildImage(config) {
  if (config.builder === "pi-gen") {
    throw new Error("builder pi-gen is not available in this version of rpi-build yet; use builder debian.");
  }
  return (await buildDebianImage(config)).outputs;
}
export {
  buildImage
};
