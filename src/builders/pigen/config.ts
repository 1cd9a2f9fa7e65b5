// pi-gen's `config` file, written from the BuildConfig. build.sh runs `source` on it, so
// every value is single-quoted (a ' inside becomes '\''): nothing in it can run as code.
// The file holds the first user's password in clear (pi-gen passes FIRST_USER_PASS to
// chpasswd and accepts no hash), so it is private (0600), lives outside anything collected
// as diagnostics, and is removed when the build ends.
import { rm, writeFile } from 'node:fs/promises';
import type { BuildConfig } from '../../config/schema.js';
import { keyboardOf } from '../../config/pigen.js';
import { compressionLevel } from '../../config/options.js';

/** Our compression names as pi-gen's DEPLOY_COMPRESSION; zstd is done by rpi-build afterwards. */
export const DEPLOY_COMPRESSION = { xz: 'xz', gzip: 'gz', none: 'none', zstd: 'none' } as const;

/** The level pi-gen compresses at (its xz or gz), as text; unset when rpi-build compresses (zstd) or nothing is. */
function piGenCompressionLevel(config: BuildConfig): string | undefined {
  const how = config.compression;
  if (how !== 'xz' && how !== 'gzip') return undefined;
  return String(compressionLevel(how, config.compressionLevel));
}

/** One bash word holding `value` literally. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface PiGenPaths {
  /** pi-gen's WORK_DIR: stage root filesystems and build.log. */
  work: string;
  /** pi-gen's DEPLOY_DIR: the finished image and its .info. */
  deploy: string;
  /** Absolute stage folders, in order (pi-gen's STAGE_LIST). */
  stages: string[];
}

/** The variables, in the order written. Unset ones (no password, no Wi-Fi country) are left out. */
export function piGenVariables(config: BuildConfig, paths: PiGenPaths): [string, string][] {
  const { keymap, layout } = keyboardOf(config.keyboard);
  const keys = config.sshAuthorizedKeys;
  const vars: [string, string | undefined][] = [
    ['IMG_NAME', config.imageName],
    ['RELEASE', config.suite],
    ['DEPLOY_COMPRESSION', DEPLOY_COMPRESSION[config.compression]],
    // pi-gen compresses xz and gz itself, at its COMPRESSION_LEVEL: ours, so both builders agree.
    ['COMPRESSION_LEVEL', piGenCompressionLevel(config)],
    ['LOCALE_DEFAULT', config.locale],
    ['TIMEZONE_DEFAULT', config.timezone],
    ['KEYBOARD_KEYMAP', keymap],
    ['KEYBOARD_LAYOUT', layout],
    ['TARGET_HOSTNAME', config.hostname],
    ['FIRST_USER_NAME', config.username],
    ['FIRST_USER_PASS', config.password],
    // The user named here keeps its name; pi-gen allows that only with a password.
    ['DISABLE_FIRST_BOOT_USER_RENAME', config.password !== undefined ? '1' : '0'],
    ['ENABLE_SSH', keys.length > 0 ? '1' : '0'],
    ['PUBKEY_SSH_FIRST_USER', keys.length > 0 ? keys.join('\n') : undefined],
    ['PUBKEY_ONLY_SSH', keys.length > 0 ? '1' : '0'],
    // pi-gen tests WPA_COUNTRY with `[ -v ]`: only a set value may be written.
    ['WPA_COUNTRY', config.wifiCountry],
    ['STAGE_LIST', paths.stages.join(' ')],
    ['WORK_DIR', paths.work],
    ['DEPLOY_DIR', paths.deploy],
  ];
  return vars.filter((v): v is [string, string] => v[1] !== undefined);
}

export function renderConfig(vars: [string, string][]): string {
  const lines = vars.map(([k, v]) => `${k}=${shellQuote(v)}`);
  return `# Written by rpi-build for this build only; removed when it ends.\n${lines.join('\n')}\n`;
}

/** Writes the file (0600) and returns a function that removes it. */
export async function writePiGenConfig(
  file: string,
  config: BuildConfig,
  paths: PiGenPaths,
): Promise<() => Promise<void>> {
  await rm(file, { force: true });
  await writeFile(file, renderConfig(piGenVariables(config, paths)), { mode: 0o600, flag: 'wx' });
  return () => rm(file, { force: true });
}
