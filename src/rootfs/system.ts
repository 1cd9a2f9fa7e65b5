// The system: hostname, wired network by DHCP, the first-boot service (grow the root, make
// SSH host keys) and the units enabled at boot.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildConfig } from '../config/schema.js';
import { inChroot } from './chroot.js';
import { writeRootFile } from './write.js';

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

export async function configureSystem(root: string, config: BuildConfig, logFile: string): Promise<void> {
  await writeRootFile(root, 'etc/hostname', `${config.hostname}\n`);
  await writeRootFile(
    root,
    'etc/hosts',
    `127.0.0.1\tlocalhost\n127.0.1.1\t${config.hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n`,
  );
  await writeRootFile(
    root,
    'etc/systemd/network/10-wired.network',
    '[Match]\nName=eth* en*\n\n[Network]\nDHCP=yes\n',
  );
  await writeRootFile(root, 'usr/local/sbin/rpi-build-firstboot', FIRSTBOOT_SCRIPT, 0o755);
  await writeRootFile(root, 'etc/systemd/system/rpi-build-firstboot.service', FIRSTBOOT_UNIT);
  const units = ['systemd-networkd.service', 'rpi-build-firstboot.service'];
  if (await hasResolved(root)) units.push('systemd-resolved.service');
  await inChroot(root, ['systemctl', 'enable', ...units], { logFile });
}

/** systemd-resolved's unit is in the root: the image resolves names through its stub. */
export function hasResolved(root: string): Promise<boolean> {
  return lstat(join(root, 'lib', 'systemd', 'system', 'systemd-resolved.service')).then(
    () => true,
    () => false,
  );
}
