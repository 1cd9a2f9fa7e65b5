// Locale (generated in the chroot unless it is C) and time zone (a link into the image's zoneinfo).
import { readFile, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildConfig } from '../config/schema.js';
import { InputError } from '../runtime/errors.js';
import { inChroot } from './chroot.js';
import { writeRootFile } from './write.js';

export async function configureLocale(root: string, config: BuildConfig, logFile: string): Promise<void> {
  await writeRootFile(root, 'etc/default/locale', `LANG=${config.locale}\n`);
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
  await writeRootFile(root, 'etc/locale.gen', `${line}\n`);
  await inChroot(root, ['locale-gen'], { logFile });
}

export async function configureTimezone(root: string, config: BuildConfig): Promise<void> {
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
  await writeRootFile(root, 'etc/timezone', `${config.timezone}\n`);
}
