// Checks for builder pi-gen that need more than one value or the host: what pi-gen itself
// accepts (armhf/arm64 only, its user-name rule, a password its scripts can pass on safely),
// the paths it is given, and free-disk-space only where it is safe (host/free-disk.ts).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkFreeDiskSpace } from '../host/free-disk.js';
import { InputError } from '../runtime/errors.js';
import type { BuildConfig } from './schema.js';

/** Keymaps whose layout name (debconf keyboard-configuration/variant) is known; others need keymap:layout. */
export const KEYBOARD_LAYOUTS: Record<string, string> = {
  gb: 'English (UK)',
  us: 'English (US)',
  de: 'German',
  fr: 'French',
  es: 'Spanish',
  it: 'Italian',
  pt: 'Portuguese',
  nl: 'Dutch',
  be: 'Belgian',
  se: 'Swedish',
  no: 'Norwegian',
  dk: 'Danish',
  fi: 'Finnish',
  pl: 'Polish',
  cz: 'Czech',
  hu: 'Hungarian',
  jp: 'Japanese',
  ru: 'Russian',
};

/** The keyboard option as pi-gen's KEYBOARD_KEYMAP and KEYBOARD_LAYOUT. */
export function keyboardOf(value: string): { keymap: string; layout: string } {
  const [keymap, layout] = value.split(/:(.*)/s) as [string, string | undefined];
  const known = KEYBOARD_LAYOUTS[keymap];
  if (layout) return { keymap, layout };
  if (!known)
    throw new InputError(
      'keyboard',
      `the layout name of keymap "${keymap}" is not known to rpi-build`,
      `Give it as keymap:layout, e.g. "${keymap}:<layout name as in debconf-show keyboard-configuration>", or use one of ${Object.keys(KEYBOARD_LAYOUTS).join(', ')}.`,
    );
  return { keymap, layout: known };
}

export async function checkPiGen(config: BuildConfig, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  checkFreeDiskSpace(config, env);
  if (config.target !== 'image' || config.builder !== 'pi-gen') return;
  const arch = config.arch[0]!;
  if (arch !== 'arm64' && arch !== 'armhf')
    throw new InputError(
      'arch',
      `pi-gen builds armhf or arm64 images, not ${arch}`,
      'Use arch armhf (its images also run on a Pi Zero/1) or arm64 with builder pi-gen, or builder debian for armel.',
    );
  keyboardOf(config.keyboard);
  // build.sh refuses other names ("Invalid FIRST_USER_NAME").
  if (!/^[a-z][-a-z0-9_]*$/.test(config.username))
    throw new InputError(
      'username',
      `pi-gen accepts only names starting with a lowercase letter, got "${config.username}"`,
      'Start the name with a lowercase letter.',
    );
  // pi-gen pastes FIRST_USER_PASS into a script run by bash in the chroot (stage1 sys-tweaks),
  // inside double quotes: these characters would be run as shell code there.
  if (config.password !== undefined && /["$`\\]/.test(config.password))
    throw new InputError(
      'password',
      'contains " $ ` or \\, which pi-gen would run as shell code inside the image',
      'Use a password without those four characters with builder pi-gen (builder debian takes any).',
    );
  if (config.piGenPath !== undefined) {
    const ok = await stat(join(config.piGenPath, 'build.sh')).catch(() => undefined);
    if (!ok?.isFile())
      throw new InputError(
        'pi-gen-path',
        `"${config.piGenPath}" holds no build.sh`,
        'Give the folder of a pi-gen checkout, or drop pi-gen-path to clone pi-gen-repository.',
      );
  }
  if (
    config.piGenStagesDir !== undefined &&
    !(await stat(config.piGenStagesDir).catch(() => undefined))?.isDirectory()
  )
    throw new InputError(
      'pi-gen-stages-dir',
      `"${config.piGenStagesDir}" is not a folder`,
      'Give a folder holding your stage folders (each with prerun.sh and numbered sub-stages).',
    );
}
