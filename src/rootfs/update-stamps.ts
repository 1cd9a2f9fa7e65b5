// systemd runs its ConditionNeedsUpdate units (ldconfig, the journal catalog, sysusers, the
// hardware database) at boot while /etc/.updated and /var/.updated are missing or older than
// /usr. The build already did their work in dpkg's triggers, so the image carries the stamps
// systemd-update-done would write, and its first boot skips them: ldconfig alone took 1m44s of
// a boot on the emulated Pi 3, and a real Pi pays it too.
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec } from '../runtime/exec.js';

/** The stamps, with /usr's time as of now (call last, after anything that writes /usr). */
export async function writeUpdateStamps(root: string): Promise<void> {
  const usr = await stat(join(root, 'usr'), { bigint: true });
  const stamps = ['etc', 'var'].map((dir) => join(root, dir, '.updated'));
  for (const stamp of stamps)
    await writeFile(
      stamp,
      '# This file was created by rpi-build, as systemd-update-done would. Its only\n' +
        '# purpose is to hold a timestamp of the time this directory was updated.\n' +
        '# See man:systemd-update-done.service(8).\n' +
        `TIMESTAMP_NSEC=${usr.mtimeNs}\n`,
    );
  // touch copies the nanoseconds, which systemd compares.
  await exec('touch', ['--no-dereference', '--reference', join(root, 'usr'), ...stamps]);
}
