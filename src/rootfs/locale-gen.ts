// Generating a locale in the root, below both the cacheable base (which makes the default
// one) and customize (which makes the configured one, or finds it made).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULTS } from '../config/defaults.js';
import { InputError } from '../runtime/errors.js';
import { exists } from '../runtime/files.js';
import { logger } from '../runtime/log.js';
import { inChroot } from './chroot.js';
import { APT_OPTS, authHooks, removeAuth } from './mmdebstrap.js';
import type { SourcesSpec } from './sources.js';
import { SuiteTools } from './suite-tools.js';
import { writeRootFile } from './write.js';

/** The default locale's: made once in the (cached) base, so a default build's customize skips localedef. */
export const BASE_LOCALE = DEFAULTS.locale as string;

/** Where localedef can come from for the host's CPU: the root's archive, and a folder for the fetch. */
export interface HostLocaledef {
  spec: SourcesSpec & { arch: string };
  /** A private folder outside the root (the archive's login file may pass through it). */
  hooksDir: string;
  /** Suite tools fetched already (the base's, from its mmdebstrap run): no second fetch. */
  from?: SuiteTools;
}

/**
 * locale.gen holding only `locale`, and locale-gen. Skipped when the root already holds exactly
 * that, as a base made here does. With `host`, the root's own release of localedef built for the
 * host's CPU does the work (rootfs/suite-tools.ts): localedef under emulation took 44 s for
 * en_US.UTF-8 in a trixie arm64 root here, 1.3 s so, for the same bytes. Where it cannot be had,
 * or the root's C library is another release, it runs under emulation as before.
 */
export async function generateLocale(
  root: string,
  locale: string,
  logFile: string,
  host?: HostLocaledef,
): Promise<void> {
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
  const only = ['localedef'] as const;
  const purpose = 'for locale-gen';
  const tools =
    host &&
    (host.from?.share(only, purpose) ??
      new SuiteTools(root, host.hooksDir, host.spec, logFile, { only, purpose }));
  try {
    // Without a fetch to share, its own (a failed one leaves nothing to put in).
    if (tools && !host.from) {
      try {
        await tools.fetch([...APT_OPTS, ...(await authHooks(host.spec, host.hooksDir))]);
      } finally {
        await removeAuth(host.hooksDir);
      }
    }
    await tools?.tryPutIn();
    logger().progress(`locale: generating ${locale} (localedef)`);
    await inChroot(root, ['locale-gen'], { logFile });
  } finally {
    await tools?.takeOut();
    await tools?.dispose(); // removes only a fetch of its own
  }
}
