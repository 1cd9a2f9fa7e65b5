// Locale (generated in the chroot unless it is C) and time zone (a link into the image's zoneinfo).
import { rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildConfig } from '../config/schema.js';
import { InputError } from '../runtime/errors.js';
import { inRoot, writeRootFile } from './write.js';
import { generateLocale, type HostLocaledef } from './locale-gen.js';

export async function configureLocale(
  root: string,
  config: BuildConfig,
  logFile: string,
  host?: HostLocaledef,
): Promise<void> {
  await writeRootFile(root, 'etc/default/locale', `LANG=${config.locale}\n`);
  if (/^C(\.|$)/.test(config.locale)) return; // C.UTF-8 is built in
  await generateLocale(root, config.locale, logFile, host);
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
  const localtime = join(await inRoot(root, 'etc'), 'localtime');
  await rm(localtime, { force: true });
  await symlink(`/usr/share/zoneinfo/${config.timezone}`, localtime);
  await writeRootFile(root, 'etc/timezone', `${config.timezone}\n`);
}
