// The embedded default: with no configuration at all, an arm64 trixie image. Each value is
// the `default` of its entry in the option table; options without one stay unset.
import { OPTIONS } from './options.js';
import type { RawConfig } from './schema.js';

export const DEFAULTS: RawConfig = Object.fromEntries(
  OPTIONS.flatMap((o) =>
    // A list is copied so no build can change the table's own.
    o.default === undefined ? [] : [[o.key, typeof o.default === 'object' ? [...o.default] : o.default]],
  ),
);
