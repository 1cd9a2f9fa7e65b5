import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  LocalStore,
  basicAuth,
  refuseMountsBelow,
  restoreArchive,
  saveState,
  splitUrlCredentials,
  unmount,
  withoutCredentials
} from "./chunk-LMUW2J3D.js";
import {
  installPackages,
  which
} from "./chunk-HNKHE42U.js";
import {
  ExecError,
  InputError,
  errorMessage,
  exec
} from "./chunk-7IY5XED5.js";
import {
  formatBytes,
  inActions,
  logger
} from "./chunk-JEISQDF3.js";

// src/cache/rootfs-step.ts
import { mkdir as mkdir4 } from "node:fs/promises";
import { dirname as dirname2 } from "node:path";

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
  let failure;
  let result;
  try {
    await mount(["-t", "proc", "proc"], join(root, "proc"));
    await mount(["-t", "sysfs", "sysfs"], join(root, "sys"));
    await mount(["--bind", "/dev"], join(root, "dev"));
    await mount(["--bind", "/dev/pts"], join(root, "dev", "pts"));
    await writeFile(policy, "#!/bin/sh\nexit 101\n", { mode: 493 });
    await rm(resolv, { force: true });
    await copyFile("/etc/resolv.conf", resolv).catch(() => void 0);
    result = await fn();
  } catch (err) {
    failure = { err };
  }
  await rm(policy, { force: true });
  await rm(resolv, { force: true });
  const stuck = [];
  for (const m of mounted.reverse()) {
    await unmount(m, log).catch((err) => stuck.push(errorMessage(err)));
  }
  if (stuck.length) {
    const after = failure ? ` (after the chroot step failed: ${errorMessage(failure.err)})` : "";
    throw new Error(`${stuck.join("; ")}${after}`, failure ? { cause: failure.err } : {});
  }
  if (failure) throw failure.err;
  return result;
}
function inChroot(root, argv, opts = {}) {
  return exec("chroot", [root, ...argv], {
    ...opts,
    cleanEnv: true,
    env: { ...CHROOT_ENV, ...opts.env },
    privileged: "chroot"
  });
}

// src/rootfs/resolver.ts
import { lstat, readFile, readlink, rm as rm2, symlink, writeFile as writeFile2 } from "node:fs/promises";
import { join as join2 } from "node:path";
var RESOLVED_STUB = { kind: "link", target: "../run/systemd/resolve/stub-resolv.conf" };
var path = (root) => join2(root, "etc", "resolv.conf");
async function readResolvConf(root) {
  const st = await lstat(path(root)).catch(() => void 0);
  if (!st) return { kind: "none" };
  if (st.isSymbolicLink()) return { kind: "link", target: await readlink(path(root)) };
  return { kind: "file", data: await readFile(path(root)), mode: st.mode & 4095 };
}
async function writeResolvConf(root, conf) {
  await rm2(path(root), { force: true });
  if (conf.kind === "link") await symlink(conf.target, path(root));
  if (conf.kind === "file") await writeFile2(path(root), conf.data, { mode: conf.mode });
}
function isSessionCopy(conf, host) {
  return conf.kind === "none" || conf.kind === "file" && host !== void 0 && conf.data.equals(host);
}
async function withChrootKeepingResolver(root, fn, logFile, preferred) {
  const before = await readResolvConf(root);
  const host = await readFile("/etc/resolv.conf").catch(() => void 0);
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
  lstat as lstat2,
  mkdir as mkdir3,
  readFile as readFile2,
  readdir as readdir2,
  rm as rm5,
  stat,
  symlink as symlink2,
  writeFile as writeFile5
} from "node:fs/promises";
import { basename, join as join5 } from "node:path";

// src/rootfs/sources.ts
import { mkdir as mkdir2, readdir, rm as rm3, writeFile as writeFile3 } from "node:fs/promises";
import { dirname, join as join3 } from "node:path";
function archives(spec) {
  const at = (url, suite, input) => ({
    url: url.replace(/\/+$/, ""),
    uri: splitUrlCredentials(url).url.replace(/\/+$/, ""),
    suite,
    input
  });
  const list = [at(spec.mirror, spec.suite, "mirror"), at(spec.mirror, `${spec.suite}-updates`, "mirror")];
  if (spec.securityMirror && spec.securityMirror !== "none")
    list.push(at(spec.securityMirror, `${spec.suite}-security`, "security-mirror"));
  return list;
}
function usesDeb822(suite) {
  return suite !== "bookworm";
}
function sourcesFile(spec) {
  const list = archives(spec);
  const comps = spec.components.join(" ");
  if (!usesDeb822(spec.suite)) {
    return {
      path: "etc/apt/sources.list",
      text: list.map((a) => `deb ${a.uri} ${a.suite} ${comps}
`).join("")
    };
  }
  const byUri = /* @__PURE__ */ new Map();
  for (const a of list) byUri.set(a.uri, [...byUri.get(a.uri) ?? [], a.suite]);
  const stanzas = [...byUri].map(
    ([uri, suites]) => [
      "Types: deb",
      `URIs: ${uri}`,
      `Suites: ${suites.join(" ")}`,
      `Components: ${comps}`,
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
    ].join("\n")
  );
  return { path: "etc/apt/sources.list.d/debian.sources", text: `${stanzas.join("\n\n")}
` };
}
function mmdebstrapMirrors(spec) {
  return archives(spec).map((a) => `deb ${a.uri} ${a.suite} ${spec.components.join(" ")}`);
}
async function writeImageSources(root, spec) {
  await rm3(join3(root, "etc", "apt", "sources.list"), { force: true });
  const dir = join3(root, "etc", "apt", "sources.list.d");
  await mkdir2(dir, { recursive: true });
  for (const f of await readdir(dir)) if (/^\d{4}/.test(f)) await rm3(join3(dir, f), { force: true });
  const { path: path2, text } = sourcesFile(spec);
  await mkdir2(dirname(join3(root, path2)), { recursive: true });
  await writeFile3(join3(root, path2), text, { mode: 420 });
}
function authConf(spec) {
  const lines = [];
  for (const a of archives(spec)) {
    const c = splitUrlCredentials(a.url);
    if (c.username === void 0) continue;
    if (/\s/.test(c.username + (c.password ?? "")))
      throw new InputError(
        a.input,
        "has credentials with a space or line break, which apt cannot read",
        "Use a token without spaces (percent-encoded spaces are decoded, so they count)."
      );
    const line = `machine ${a.uri} login ${c.username} password ${c.password ?? ""}`;
    if (!lines.includes(line)) lines.push(line);
  }
  return lines.length ? `${lines.join("\n")}
` : void 0;
}
var IN_ROOT_AUTH = join3("etc", "apt", "auth.conf.d", "90rpi-build.conf");
async function withAptAuth(root, spec, fn) {
  const text = authConf(spec);
  if (!text) return fn();
  const file = join3(root, IN_ROOT_AUTH);
  await mkdir2(dirname(file), { recursive: true });
  await writeFile3(file, text, { mode: 384 });
  try {
    return await fn();
  } finally {
    await rm3(file, { force: true });
  }
}

// src/rootfs/mmdebstrap.ts
import { chmod, rm as rm4, writeFile as writeFile4 } from "node:fs/promises";
import { join as join4 } from "node:path";
var AUTH_SETUP_HOOK = `#!/bin/sh
# rpi-build setup hook: apt reads the archives' logins from a private file outside the root.
set -e
cp "$(dirname "$0")/apt-auth.apt.conf" "$1/etc/apt/apt.conf.d/00rpi-build-auth"
`;
var AUTH_CUSTOMIZE_HOOK = `#!/bin/sh
# rpi-build customize hook: the image keeps no pointer to the build's login file.
rm -f "$1/etc/apt/apt.conf.d/00rpi-build-auth"
`;
async function authHooks(spec, hooksDir) {
  const auth = authConf(spec);
  if (!auth) return [];
  const file = join4(hooksDir, "apt-auth.conf");
  if (/["\\{};\n]/.test(file))
    throw new Error(
      `The work folder's path ${hooksDir} holds a character apt's configuration cannot quote (" \\ { } ;); use another work-dir.`
    );
  await writeFile4(file, auth, { mode: 384 });
  await chmod(file, 384);
  await writeFile4(join4(hooksDir, "apt-auth.apt.conf"), `Dir::Etc::netrc ${JSON.stringify(file)};
`);
  const setup = join4(hooksDir, "setup-apt-auth.sh");
  const customize = join4(hooksDir, "customize-apt-auth.sh");
  await writeFile4(setup, AUTH_SETUP_HOOK, { mode: 493 });
  await writeFile4(customize, AUTH_CUSTOMIZE_HOOK, { mode: 493 });
  return [`--setup-hook=${setup}`, `--customize-hook=${customize}`];
}
async function removeAuth(hooksDir) {
  for (const f of ["apt-auth.conf", "apt-auth.apt.conf"]) await rm4(join4(hooksDir, f), { force: true });
}
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
  const divert = join4(hooksDir, "essential-divert-initramfs.sh");
  await writeFile4(divert, DIVERT_INITRAMFS_HOOK);
  await chmod(divert, 493);
  const onLine = (line) => {
    const p = progressLine(line);
    if (p) logger().progress(`rootfs: ${p}`);
  };
  if (!await which("mmdebstrap") && !await which("debootstrap")) {
    await installPackages(["mmdebstrap"], "building the root filesystem");
  }
  const mirror = withoutCredentials(spec.mirror);
  if (await which("mmdebstrap")) {
    const hooks = await authHooks(spec, hooksDir);
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
        ...hooks,
        spec.suite,
        target,
        // Full one-line entries without credentials: the suite, -updates and -security.
        ...mmdebstrapMirrors(spec)
      ],
      { privileged: "mmdebstrap", logFile, onLine, env: { LC_ALL: "C.UTF-8" } }
    ).catch((err) => {
      throw explainDownloadFailure(err, mirror);
    }).finally(() => removeAuth(hooksDir));
    return;
  }
  if (authConf(spec))
    throw new Error(
      `A mirror with credentials needs mmdebstrap (debootstrap would put them on its command line). Install mmdebstrap (apt-get install mmdebstrap) and run again.`
    );
  await exec(
    "debootstrap",
    [
      `--arch=${spec.arch}`,
      "--variant=minbase",
      `--components=${spec.components.join(",")}`,
      `--include=${spec.packages.join(",")}`,
      spec.suite,
      target,
      mirror
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
async function write(root, path2, text, mode = 420) {
  const p = join5(root, path2);
  await mkdir3(join5(p, ".."), { recursive: true });
  await rm5(p, { force: true });
  await writeFile5(p, text, { mode });
}
async function kernelVersion(root) {
  const kernels = (await readdir2(join5(root, "boot"))).filter((f) => f.startsWith("vmlinuz-")).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
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
  const path2 = join5(root, "etc", "shadow");
  const lines = (await readFile2(path2, "utf8")).split("\n").map((l) => {
    const f = l.split(":");
    if (f[0] !== user) return l;
    f[1] = hash;
    return f.join(":");
  });
  await writeFile5(path2, lines.join("\n"), { mode: 416 });
}
async function userIds(root, user) {
  const line = (await readFile2(join5(root, "etc", "passwd"), "utf8")).split("\n").find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`user ${user} was not created`);
  const f = line.split(":");
  return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
}
async function existingGroups(root, wanted) {
  const groups = new Set(
    (await readFile2(join5(root, "etc", "group"), "utf8")).split("\n").map((l) => l.split(":")[0])
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
    const dir = join5(root, home, ".ssh");
    await mkdir3(dir, { recursive: true, mode: 448 });
    await writeFile5(join5(dir, "authorized_keys"), `${config.sshAuthorizedKeys.join("\n")}
`, {
      mode: 384
    });
    await chown(dir, uid, gid);
    await chown(join5(dir, "authorized_keys"), uid, gid);
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
  const supported = await readFile2(join5(root, "usr", "share", "i18n", "SUPPORTED"), "utf8");
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
  const zone = join5(root, "usr", "share", "zoneinfo", config.timezone);
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
  await rm5(join5(root, "etc", "localtime"), { force: true });
  await symlink2(`/usr/share/zoneinfo/${config.timezone}`, join5(root, "etc", "localtime"));
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
  await mkdir3(join5(root, "boot", "firmware"), { recursive: true });
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
  if (await hasResolved(root)) units.push("systemd-resolved.service");
  await inChroot(root, ["systemctl", "enable", ...units], { logFile });
}
function hasResolved(root) {
  return lstat2(join5(root, "lib", "systemd", "system", "systemd-resolved.service")).then(
    () => true,
    () => false
  );
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
  const dir = join5(root, "tmp", "rpi-build-customize");
  await mkdir3(dir, { recursive: true });
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
      await copyFile2(script, join5(dir, name));
      await chmod2(join5(dir, name), 493);
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
    await rm5(dir, { recursive: true, force: true });
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
  const conf = join5(root, "tmp", "rpi-build-initramfs");
  await exec("cp", ["-a", join5(root, "etc", "initramfs-tools"), conf], {
    privileged: "copying the initramfs config"
  });
  const confFile = join5(conf, "initramfs.conf");
  const settings = (await readFile2(confFile, "utf8")).replace(/^MODULES=.*$/m, "MODULES=list").replace(/^FSTYPE=.*$/m, "FSTYPE=ext4").replace(/^COMPRESS=.*$/m, "COMPRESS=zstd");
  await writeFile5(confFile, settings);
  await writeFile5(join5(conf, "modules"), `${INITRAMFS_MODULES.join("\n")}
`);
  await inChroot(
    root,
    ["mkinitramfs", "-d", "/tmp/rpi-build-initramfs", "-o", `/boot/initrd.img-${version}`, version],
    {
      logFile,
      onLine: (l) => logger().progress(`initramfs: ${l}`)
    }
  );
  await rm5(conf, { recursive: true, force: true });
  await inChroot(root, ["/etc/kernel/postinst.d/z50-raspi-firmware", version, `/boot/vmlinuz-${version}`], {
    logFile,
    env: { DEB_MAINT_PARAMS: "configure" }
  });
}
async function restoreUpdateInitramfs(root, logFile) {
  await rm5(join5(root, "usr", "sbin", "update-initramfs"), { force: true });
  await inChroot(root, UNDIVERT_INITRAMFS, { logFile });
}
async function scrub(root) {
  for (const f of await readdir2(join5(root, "etc", "ssh")).catch(() => [])) {
    if (/^ssh_host_.*_key(\.pub)?$/.test(f)) await rm5(join5(root, "etc", "ssh", f), { force: true });
  }
  await writeFile5(join5(root, "etc", "machine-id"), "");
  await rm5(join5(root, "var", "lib", "dbus", "machine-id"), { force: true });
  for (const d of ["var/cache/apt/archives", "var/lib/apt/lists"]) {
    for (const f of await readdir2(join5(root, d)).catch(() => [])) {
      if (f !== "partial" && f !== "lock") await rm5(join5(root, d, f), { recursive: true, force: true });
    }
  }
  await rm5(join5(root, "tmp"), { recursive: true, force: true });
  await mkdir3(join5(root, "tmp"), { mode: 1023 });
  await chmod2(join5(root, "tmp"), 1023);
}
async function customizeRootfs(root, config, logFile) {
  const version = await kernelVersion(root);
  let account = "locked";
  const sources = {
    suite: config.suite,
    mirror: config.mirror,
    securityMirror: config.securityMirror,
    components: []
  };
  await withChrootKeepingResolver(
    root,
    () => withAptAuth(root, sources, async () => {
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
    }),
    logFile,
    await hasResolved(root) ? RESOLVED_STUB : void 0
  );
  await scrub(root);
  const epoch = sourceDateEpoch();
  if (epoch !== void 0) await clampTimestamps(root, epoch, logFile);
  return { kernelVersion: version, account };
}

// src/rootfs/base.ts
var NO_SOURCES = { suite: "", mirror: "", components: [] };
async function buildBase(spec, root, hooksDir, logFile) {
  await buildRootfs(spec, root, hooksDir, logFile);
  await writeImageSources(root, spec);
  await finishBase(root, spec.arch, logFile);
}
async function finishBase(root, arch, logFile) {
  await configureBoot(root, arch);
  await withChrootKeepingResolver(root, () => makeInitramfs(root, logFile), logFile);
}
async function refreshBase(root, arch, logFile, sources) {
  const before = await kernelVersion(root);
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
  await exec("find", [`${root}/var/lib/apt/lists`, "-maxdepth", "1", "-type", "f", "-delete"], {
    privileged: "cleaning apt lists",
    logFile
  });
  if (await kernelVersion(root) !== before || upgraded > 0) await finishBase(root, arch, logFile);
  return { upgraded };
}

// src/cache/rootfs-cache.ts
import { createHash } from "node:crypto";
import { readFile as readFile3 } from "node:fs/promises";
import { fileURLToPath } from "node:url";
var ROOTFS_RECIPE = "v2";
var sha = (s) => createHash("sha256").update(s).digest("hex");
function rootfsKeys(spec, archiveState2) {
  const config = sha(
    JSON.stringify({
      recipe: ROOTFS_RECIPE,
      arch: spec.arch,
      suite: spec.suite,
      // Credential-free: a new token is the same archive.
      archives: archives(spec).map((a) => `${a.uri} ${a.suite}`),
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
async function archiveStates(spec, tries = 4) {
  const states = [];
  for (const a of archives(spec)) states.push(await archiveState(a.url, a.suite, tries, a.input));
  return states.length === 1 ? states[0] : sha(states.join("\n")).slice(0, 16);
}
async function archiveState(mirror, suite, tries = 4, input = "mirror") {
  const auth = basicAuth(mirror);
  const base = withoutCredentials(mirror).replace(/\/+$/, "");
  const flag = `--${input}`;
  for (const name of ["InRelease", "Release"]) {
    const url = `${base}/dists/${suite}/${name}`;
    if (url.startsWith("file://")) {
      const text = await readFile3(fileURLToPath(url)).catch(() => void 0);
      if (text) return sha(text).slice(0, 16);
      continue;
    }
    for (let i = 0; i < tries; i++) {
      try {
        const res = await fetch(url, {
          signal: AbortSignal.timeout(3e4),
          ...auth ? { headers: { authorization: auth } } : {}
        });
        if (res.status === 404) break;
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return sha(Buffer.from(await res.arrayBuffer())).slice(0, 16);
      } catch (err) {
        if (i === tries - 1)
          throw new Error(
            `The Debian ${input === "mirror" ? "mirror" : "security archive"} ${base} cannot be reached: reading ${url} failed ${tries} times (${fetchFailure(err)}). Set ${input} (${flag} on the CLI) to a reachable ${input === "mirror" ? "Debian mirror such as http://deb.debian.org/debian" : "security archive such as http://deb.debian.org/debian-security"}, or check the network and any proxy.`
          );
        const wait = 1e3 * 2 ** i;
        logger().warn(`reading ${url} failed (${fetchFailure(err)}); retrying in ${wait / 1e3} s`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
  throw new Error(
    `${base}/dists/${suite}/ has no InRelease or Release file: is "${suite}" on this mirror? (${input}, ${flag} on the CLI)`
  );
}
async function packRootfs(root, tarball, logFile) {
  await refuseMountsBelow(root, "pack");
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
var ROOTFS_ARCHIVE = { devicesUnder: "dev", privileged: "checking the cached root filesystem" };
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
  const state = await archiveStates(spec);
  if (!config.cache || !store) {
    await buildBase(spec, paths.root, paths.hooks, paths.log);
    return { name: "rootfs", status: "disabled" };
  }
  const keys = rootfsKeys(spec, state);
  await mkdir4(dirname2(paths.tarball), { recursive: true });
  const { hit } = await restoreArchive(store, keys.key, [keys.restorePrefix], paths.tarball, {
    ...ROOTFS_ARCHIVE,
    what: "rootfs cache",
    instead: "building without it",
    unpack: (file) => unpackRootfs(file, paths.root, paths.log)
  });
  const report = { name: "rootfs", status: "miss", key: keys.key };
  if (hit) {
    log.info(
      `rootfs cache ${hit.exact ? "hit" : "hit on an older archive state"}: ${hit.key} (${formatBytes(hit.size)}, ${store.kind})`
    );
    report.size = hit.size;
    if (hit.exact) return { ...report, status: "hit" };
    const { upgraded } = await refreshBase(paths.root, spec.arch, paths.log, spec);
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
  ROOTFS_ARCHIVE,
  unpackRootfs,
  rootfsWithCache,
  savePending,
  commitPending
};
