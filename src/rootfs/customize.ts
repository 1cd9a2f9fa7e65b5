// Turns a Debian root filesystem into a Raspberry Pi system and applies the BuildConfig.
// Plain file edits are done natively (fast); only what must run Debian's own tools runs
// in the emulated chroot (useradd, locale-gen, systemctl, the single initramfs).
import { clampTimestamps, sourceDateEpoch } from './reproducible.js';
import {
  chmod,
  chown,
  copyFile,
  lstat,
  mkdir,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Arch, BuildConfig } from '../config/schema.js';
import { exec } from '../runtime/exec.js';
import { ExecError, InputError } from '../runtime/errors.js';
import { logger } from '../runtime/log.js';
import { inChroot } from './chroot.js';
import { RESOLVED_STUB, withChrootKeepingResolver } from './resolver.js';
import { withAptAuth } from './sources.js';
import { UNDIVERT_INITRAMFS } from './mmdebstrap.js';
import { PI_CONSOLE } from './packages.js';

export interface CustomizeResult {
  kernelVersion: string;
  /** The first user's account state, for the summary. */
  account: 'password' | 'ssh-key' | 'password+ssh-key' | 'locked';
}

const FIRSTBOOT_SCRIPT = `#!/bin/sh
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

const FIRSTBOOT_UNIT = `[Unit]
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

async function write(root: string, path: string, text: string, mode = 0o644): Promise<void> {
  const p = join(root, path);
  await mkdir(join(p, '..'), { recursive: true });
  await rm(p, { force: true });
  await writeFile(p, text, { mode });
}

export async function kernelVersion(root: string): Promise<string> {
  const kernels = (await readdir(join(root, 'boot')))
    .filter((f) => f.startsWith('vmlinuz-'))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const last = kernels.pop();
  if (!last)
    throw new Error(
      'No kernel in the root filesystem (/boot/vmlinuz-*): the kernel package did not install.',
    );
  return last.slice('vmlinuz-'.length);
}

/** SHA-512 crypt hash made natively by openssl; the password goes through stdin, never argv. */
export async function hashPassword(password: string): Promise<string> {
  const r = await exec('openssl', ['passwd', '-6', '-stdin'], { input: `${password}\n` });
  const hash = r.stdout.trim();
  // Exactly one hash: it becomes one field of one /etc/shadow line.
  if (!/^\$6\$[^\s:]+$/.test(hash)) throw new Error('openssl did not return one SHA-512 crypt hash');
  return hash;
}

async function setShadowHash(root: string, user: string, hash: string): Promise<void> {
  const path = join(root, 'etc', 'shadow');
  const lines = (await readFile(path, 'utf8')).split('\n').map((l) => {
    const f = l.split(':');
    if (f[0] !== user) return l;
    f[1] = hash;
    return f.join(':');
  });
  await writeFile(path, lines.join('\n'), { mode: 0o640 });
}

async function userIds(root: string, user: string): Promise<{ uid: number; gid: number; home: string }> {
  const line = (await readFile(join(root, 'etc', 'passwd'), 'utf8'))
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`user ${user} was not created`);
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]), home: f[5]! };
}

async function existingGroups(root: string, wanted: string[]): Promise<string[]> {
  const groups = new Set(
    (await readFile(join(root, 'etc', 'group'), 'utf8')).split('\n').map((l) => l.split(':')[0]),
  );
  return wanted.filter((g) => groups.has(g));
}

async function configureUser(
  root: string,
  config: BuildConfig,
  logFile: string,
): Promise<CustomizeResult['account']> {
  const groups = await existingGroups(root, [
    'sudo',
    'adm',
    'dialout',
    'plugdev',
    'video',
    'audio',
    'input',
    'render',
    'netdev',
    'gpio',
    'i2c',
    'spi',
  ]);
  await inChroot(
    root,
    [
      'useradd',
      '--create-home',
      '--shell',
      '/bin/bash',
      '--user-group',
      '--groups',
      groups.join(','),
      config.username,
    ],
    { logFile },
  );
  // Like Raspberry Pi OS's first user: sudo without a password (the account itself may be key-only).
  await write(
    root,
    `etc/sudoers.d/010_${config.username}-nopasswd`,
    `${config.username} ALL=(ALL) NOPASSWD: ALL\n`,
    0o440,
  );
  if (config.password) await setShadowHash(root, config.username, await hashPassword(config.password));
  if (config.sshAuthorizedKeys.length > 0) {
    const { uid, gid, home } = await userIds(root, config.username);
    const dir = join(root, home, '.ssh');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(join(dir, 'authorized_keys'), `${config.sshAuthorizedKeys.join('\n')}\n`, {
      mode: 0o600,
    });
    await chown(dir, uid, gid);
    await chown(join(dir, 'authorized_keys'), uid, gid);
  }
  if (config.password && config.sshAuthorizedKeys.length) return 'password+ssh-key';
  if (config.password) return 'password';
  if (config.sshAuthorizedKeys.length) return 'ssh-key';
  return 'locked';
}

async function configureLocale(root: string, config: BuildConfig, logFile: string): Promise<void> {
  await write(root, 'etc/default/locale', `LANG=${config.locale}\n`);
  if (/^C(\.|$)/.test(config.locale)) return; // C.UTF-8 is built in
  const supported = await readFile(join(root, 'usr', 'share', 'i18n', 'SUPPORTED'), 'utf8');
  const line = supported.split('\n').find((l) => l.split(' ')[0] === config.locale);
  if (!line) {
    throw new InputError(
      'locale',
      `"${config.locale}" is not a locale Debian supports`,
      'Use a name from /usr/share/i18n/SUPPORTED such as en_GB.UTF-8.',
    );
  }
  await write(root, 'etc/locale.gen', `${line}\n`);
  await inChroot(root, ['locale-gen'], { logFile });
}

async function configureTimezone(root: string, config: BuildConfig): Promise<void> {
  const zone = join(root, 'usr', 'share', 'zoneinfo', config.timezone);
  const ok = await stat(zone).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!ok)
    throw new InputError(
      'timezone',
      `"${config.timezone}" is not in the image's zoneinfo`,
      'Use a name such as Europe/Berlin or Etc/UTC.',
    );
  await rm(join(root, 'etc', 'localtime'), { force: true });
  await symlink(`/usr/share/zoneinfo/${config.timezone}`, join(root, 'etc', 'localtime'));
  await write(root, 'etc/timezone', `${config.timezone}\n`);
}

/** The Pi's boot configuration: what raspi-firmware's hooks read when the initramfs is made. */
export async function configureBoot(root: string, arch: Arch): Promise<void> {
  await write(
    root,
    'etc/default/raspi-firmware',
    [
      '# Written by rpi-build; read by raspi-firmware when a kernel or initramfs is installed.',
      'ROOTPART=LABEL=RASPIROOT',
      `CONSOLES="tty0 ${PI_CONSOLE[arch]}"`,
      '',
    ].join('\n'),
  );
  await write(
    root,
    'etc/fstab',
    [
      '# <device>       <mount point>   <type> <options>                  <dump> <pass>',
      'LABEL=RASPIROOT  /               ext4   rw,noatime                 0      1',
      'LABEL=RASPIFIRM  /boot/firmware  vfat   rw,noatime,umask=0077      0      2',
      '',
    ].join('\n'),
  );
  await mkdir(join(root, 'boot', 'firmware'), { recursive: true });
}

async function configureSystem(root: string, config: BuildConfig, logFile: string): Promise<void> {
  await write(root, 'etc/hostname', `${config.hostname}\n`);
  await write(
    root,
    'etc/hosts',
    `127.0.0.1\tlocalhost\n127.0.1.1\t${config.hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n`,
  );
  await write(
    root,
    'etc/systemd/network/10-wired.network',
    '[Match]\nName=eth* en*\n\n[Network]\nDHCP=yes\n',
  );
  await write(root, 'usr/local/sbin/rpi-build-firstboot', FIRSTBOOT_SCRIPT, 0o755);
  await write(root, 'etc/systemd/system/rpi-build-firstboot.service', FIRSTBOOT_UNIT);
  const units = ['systemd-networkd.service', 'rpi-build-firstboot.service'];
  if (await hasResolved(root)) units.push('systemd-resolved.service');
  await inChroot(root, ['systemctl', 'enable', ...units], { logFile });
}

/** systemd-resolved's unit is in the root: the image resolves names through its stub. */
function hasResolved(root: string): Promise<boolean> {
  return lstat(join(root, 'lib', 'systemd', 'system', 'systemd-resolved.service')).then(
    () => true,
    () => false,
  );
}

export async function applyOverlay(root: string, overlay: string, logFile: string): Promise<void> {
  const st = await stat(overlay).catch(() => undefined);
  if (!st?.isDirectory())
    throw new InputError(
      'overlay',
      `"${overlay}" is not a folder`,
      'Give a folder whose contents are copied over the root filesystem.',
    );
  // "dir/." copies the contents, keeping modes; ownership becomes root's, as for packaged files.
  await exec('cp', ['-a', '--no-preserve=ownership', `${overlay}/.`, root], {
    privileged: 'copying the overlay',
    logFile,
  });
}

export async function runCustomizeScripts(root: string, scripts: string[], logFile: string): Promise<void> {
  const dir = join(root, 'tmp', 'rpi-build-customize');
  await mkdir(dir, { recursive: true });
  try {
    for (const [i, script] of scripts.entries()) {
      const st = await stat(script).catch(() => undefined);
      if (!st?.isFile())
        throw new InputError(
          'customize',
          `"${script}" is not a file`,
          'Give paths of scripts to run inside the image, one per line.',
        );
      const name = `${String(i + 1).padStart(2, '0')}-${basename(script)}`;
      await copyFile(script, join(dir, name));
      await chmod(join(dir, name), 0o755);
      const tail: string[] = [];
      await logger().group(`customize: ${basename(script)}`, async () => {
        const r = await inChroot(root, [`/tmp/rpi-build-customize/${name}`], {
          logFile,
          allowFailure: true,
          onLine: (line) => {
            logger().info(line);
            tail.push(line);
            if (tail.length > 40) tail.shift();
          },
        });
        if (r.exitCode !== 0) {
          throw new ExecError(`customize script ${script}`, r.exitCode, r.signal, tail.join('\n'), logFile);
        }
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Storage and filesystem drivers the initramfs needs to find the root: SD cards on every Pi
 * (sdhci-iproc, bcm2835), USB disks (Pi 4 xhci behind PCIe, dwc2 on older boards), and
 * virtio for QEMU's virt machine (the boot test). Names a flavour lacks are skipped.
 */
export const INITRAMFS_MODULES = [
  'ext4',
  'crc32c_generic', // ext4's checksums; a soft dependency modprobe does not follow
  'gpio_regulator', // SD card power regulators on the Pi
  'fixed',
  'vfat',
  'nls_cp437',
  'nls_ascii',
  'mmc_block',
  'sdhci-iproc',
  'sdhci-pltfm',
  'bcm2835',
  'bcm2835-sdhost',
  'bcm2835-mmc',
  'usb-storage',
  'uas',
  'sd_mod',
  'xhci-pci',
  'xhci-plat-hcd',
  'dwc2',
  'reset-raspberrypi',
  'virtio_blk',
  'virtio_pci',
  'virtio_mmio',
];

/**
 * Makes the initramfs once, with only the drivers listed above (MODULES=list): under
 * emulation MODULES=most forks a process per module and takes minutes; this takes seconds.
 * The list lives in a private config folder, so on the device later kernel updates use
 * Debian's defaults (natively, where they are cheap). raspi-firmware's hook then copies
 * kernel, initramfs and device trees into /boot/firmware and writes config.txt and cmdline.txt.
 */
export async function makeInitramfs(root: string, logFile: string): Promise<void> {
  const version = await kernelVersion(root);
  const conf = join(root, 'tmp', 'rpi-build-initramfs');
  await exec('cp', ['-a', join(root, 'etc', 'initramfs-tools'), conf], {
    privileged: 'copying the initramfs config',
  });
  const confFile = join(conf, 'initramfs.conf');
  const settings = (await readFile(confFile, 'utf8'))
    .replace(/^MODULES=.*$/m, 'MODULES=list')
    .replace(/^FSTYPE=.*$/m, 'FSTYPE=ext4') // the root's LABEL cannot be resolved inside the chroot
    .replace(/^COMPRESS=.*$/m, 'COMPRESS=zstd');
  await writeFile(confFile, settings);
  await writeFile(join(conf, 'modules'), `${INITRAMFS_MODULES.join('\n')}\n`);
  await inChroot(
    root,
    ['mkinitramfs', '-d', '/tmp/rpi-build-initramfs', '-o', `/boot/initrd.img-${version}`, version],
    {
      logFile,
      onLine: (l) => logger().progress(`initramfs: ${l}`),
    },
  );
  await rm(conf, { recursive: true, force: true });
  await inChroot(root, ['/etc/kernel/postinst.d/z50-raspi-firmware', version, `/boot/vmlinuz-${version}`], {
    logFile,
    env: { DEB_MAINT_PARAMS: 'configure' },
  });
}

/** Puts Debian's update-initramfs back, so kernel updates on the device make their own. */
async function restoreUpdateInitramfs(root: string, logFile: string): Promise<void> {
  await rm(join(root, 'usr', 'sbin', 'update-initramfs'), { force: true });
  await inChroot(root, UNDIVERT_INITRAMFS, { logFile });
}

/** Files that must differ per device or must not ship: made again on first boot. */
async function scrub(root: string): Promise<void> {
  for (const f of await readdir(join(root, 'etc', 'ssh')).catch(() => [] as string[])) {
    if (/^ssh_host_.*_key(\.pub)?$/.test(f)) await rm(join(root, 'etc', 'ssh', f), { force: true });
  }
  await writeFile(join(root, 'etc', 'machine-id'), '');
  await rm(join(root, 'var', 'lib', 'dbus', 'machine-id'), { force: true });
  for (const d of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
    for (const f of await readdir(join(root, d)).catch(() => [] as string[])) {
      if (f !== 'partial' && f !== 'lock') await rm(join(root, d, f), { recursive: true, force: true });
    }
  }
  await rm(join(root, 'tmp'), { recursive: true, force: true });
  await mkdir(join(root, 'tmp'), { mode: 0o1777 });
  await chmod(join(root, 'tmp'), 0o1777);
}

/**
 * The configuration-specific part, on top of the (possibly cached) base. update-initramfs
 * stays diverted until the end, so packages a customize script installs do not each run
 * mkinitramfs; when scripts ran, the initramfs is made once more.
 */
export async function customizeRootfs(
  root: string,
  config: BuildConfig,
  logFile: string,
): Promise<CustomizeResult> {
  const version = await kernelVersion(root);
  let account: CustomizeResult['account'] = 'locked';
  // Scripts keep the host's resolver during the session; the image gets resolved's stub
  // (or what an overlay or a script put there) afterwards, and apt the archives' logins.
  const sources = {
    suite: config.suite,
    mirror: config.mirror,
    securityMirror: config.securityMirror,
    components: [],
  };
  await withChrootKeepingResolver(
    root,
    () =>
      withAptAuth(root, sources, async () => {
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
    (await hasResolved(root)) ? RESOLVED_STUB : undefined,
  );
  await scrub(root);
  const epoch = sourceDateEpoch();
  if (epoch !== undefined) await clampTimestamps(root, epoch, logFile);
  return { kernelVersion: version, account };
}
