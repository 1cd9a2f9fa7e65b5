// Builds the BuildConfig from its sources, later ones winning:
// embedded default < YAML file < action inputs or CLI flags.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from '../runtime/errors.js';
import { logger } from '../runtime/log.js';
import { DEFAULTS } from './defaults.js';
import { OPTIONS, OPTION_KEYS } from './options.js';
import { parseConfig, type BuildConfig, type RawConfig } from './schema.js';
import { didYouMean } from './suggest.js';

/** Rejects keys no option has, with a hint. `where` names the source in the message. */
export function checkKeys(raw: RawConfig, where: string): void {
  for (const key of Object.keys(raw)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new InputError(`${where}: ${key}`, 'is not a known option', didYouMean(key, OPTION_KEYS));
    }
  }
}

export async function readConfigFile(path: string): Promise<RawConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(
      'config',
      `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      'Give the path of a YAML build config.',
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const detail = err instanceof YAMLParseError ? err.message.split('\n')[0] : String(err);
    throw new InputError(
      'config',
      `${path} is not valid YAML: ${detail}`,
      'Fix the YAML syntax (see examples/ for working configs).',
    );
  }
  if (doc === null || doc === undefined) {
    throw new InputError(
      'config',
      `${path} is empty`,
      'Put at least one option in it, or drop the config input.',
    );
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InputError(
      'config',
      `${path} must hold a mapping of options`,
      'Write "key: value" lines such as "arch: arm64".',
    );
  }
  const raw = doc as RawConfig;
  checkKeys(raw, 'config');
  return raw;
}

export interface ConfigSources {
  /** Path of a YAML file (config input / --config). */
  file?: string;
  /** Action inputs or CLI flags, kebab-case keys, unset ones absent. */
  overrides: RawConfig;
}

export async function loadConfig(sources: ConfigSources): Promise<BuildConfig> {
  checkKeys(sources.overrides, 'input');
  const fromFile = sources.file ? await readConfigFile(sources.file) : {};
  const merged: RawConfig = { ...DEFAULTS, ...fromFile, ...sources.overrides };
  // Mask secrets before anything can print them, even a validation error.
  for (const o of OPTIONS) {
    const v = merged[o.key];
    if (o.secret && typeof v === 'string') logger().secret(v);
  }
  return parseConfig(merged);
}
