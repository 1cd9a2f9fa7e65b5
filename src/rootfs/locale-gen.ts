// Generating a locale in the root, below both the cacheable base (which makes the default
// one) and customize (which makes the configured one, or finds it made).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULTS } from '../config/defaults.js';
import { InputError } from '../runtime/errors.js';
import { exists } from '../runtime/files.js';
import { logger } from '../runtime/log.js';
import { inChroot } from './chroot.js';
import { writeRootFile } from './write.js';

/** The default locale's: made once in the (cached) base, so a default build's customize skips localedef. */
export const BASE_LOCALE = DEFAULTS.locale as string;

/**
 * locale.gen holding only `locale`, and locale-gen (localedef under emulation: 53 s for
 * en_US.UTF-8 in a trixie arm64 root here). Skipped when the root already holds exactly that,
 * as a base made here does.
 */
export async function generateLocale(root: string, locale: string, logFile: string): Promise<void> {
  const supported = await readFile(join(root, 'usr', 'share', 'i18n', 'SUPPORTED'), 'utf8');
  const line = supported.split('\n').find((l) => l.split(' ')[0] === locale);
  if (!line) {
    throw new InputError(
      'locale',
      `"${locale}" is not a locale Debian supports`,
      'Use a name from /usr/share/i18n/SUPPORTED such as en_GB.UTF-8.',
    );
  }
  const gen = join(root, 'etc', 'locale.gen');
  const archive = join(root, 'usr', 'lib', 'locale', 'locale-archive');
  const done = (await readFile(gen, 'utf8').catch(() => '')) === `${line}\n` && (await exists(archive));
  if (done) return;
  await writeRootFile(root, 'etc/locale.gen', `${line}\n`);
  logger().progress(`locale: generating ${locale} (localedef)`);
  await inChroot(root, ['locale-gen'], { logFile });
}
