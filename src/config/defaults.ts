// The embedded default: with no configuration at all, an arm64 trixie image. Each value is
// the `default` of its entry in the option table; options without one stay unset.
import { OPTIONS } from './options.js';
import type { BuildConfig, RawConfig } from './schema.js';

export const DEFAULTS: RawConfig = Object.fromEntries(
  OPTIONS.flatMap((o) =>
    // A list is copied so no build can change the table's own.
    o.default === undefined ? [] : [[o.key, typeof o.default === 'object' ? [...o.default] : o.default]],
  ),
);

/**
 * Whether a setting still holds its embedded default: base-image then leaves the base's own
 * setting alone (its host name, locale, time zone, first user).
 */
export const isDefault = (
  config: BuildConfig,
  key: 'hostname' | 'locale' | 'timezone' | 'username',
): boolean => config[key] === DEFAULTS[key];
