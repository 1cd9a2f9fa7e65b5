// BuildConfig: one validated configuration. Raw values (strings from inputs and flags,
// typed values from YAML) are coerced by option kind, then checked by zod; any failure
// becomes an InputError naming the kebab-case input and the fix.
import { z } from 'zod';
import { InputError } from '../runtime/errors.js';
import { hideUserinfo } from '../runtime/redact.js';
import {
  ARCHES,
  BOARD_NAMES,
  BUILDERS,
  COMPRESSIONS,
  DIAGNOSTICS,
  OPTIONS,
  SUITES,
  TARGETS,
  optionSpec,
} from './options.js';

export type Arch = (typeof ARCHES)[number];
export type RawConfig = Record<string, unknown>;

const hostname = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const username = /^[a-z_][a-z0-9_-]{0,31}$/;
const debPackage = /^[a-z0-9][a-z0-9+.-]+(?::[a-z0-9]+)?(?:=[A-Za-z0-9.+~:-]+)?$/;
const locale = /^[A-Za-z]{1,8}(?:_[A-Za-z]{2,3})?(?:\.[A-Za-z0-9-]+)?(?:@[A-Za-z0-9]+)?$/;
const timezone = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
const fileName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const sshKey =
  /^(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}(?: [^\n\r]*)?$/;

const schema = z
  .object({
    target: z.enum(TARGETS),
    builder: z.enum(BUILDERS),
    arch: z.array(z.enum(ARCHES)).min(1, 'give at least one arch'),
    suite: z.enum(SUITES),
    mirror: z
      .string()
      .regex(/^(?:https?|file):\/\/[^\s'"`$;|&<>\\]+$/, 'must be an http(s):// or file:// URL'),
    securityMirror: z
      .string()
      .regex(
        /^(?:none|(?:https?|file):\/\/[^\s'"`$;|&<>\\]+)$/,
        'must be an http(s):// or file:// URL, or none',
      ),
    hostname: z
      .string()
      .regex(hostname, 'must be 1-63 letters, digits or hyphens, not starting or ending with a hyphen'),
    username: z
      .string()
      .regex(
        username,
        'must start with a lowercase letter or underscore, then lowercase letters, digits, _ or - (at most 32)',
      )
      .refine((u) => u !== 'root', 'must not be root (root stays locked)'),
    password: z
      .string()
      .min(1)
      .max(256)
      // openssl reads one password per line and /etc/shadow holds one entry per line.
      .regex(/^[^\r\n]*$/, 'must be one line (no line breaks)')
      .optional(),
    // Read into password by loadConfig; never kept in the validated config.
    passwordFile: z.string().min(1).optional(),
    sshAuthorizedKeys: z.array(
      z.string().regex(sshKey, 'is not an OpenSSH public key line ("ssh-ed25519 AAAA… comment")'),
    ),
    packages: z.array(z.string().regex(debPackage, 'is not a Debian package name')),
    locale: z.string().regex(locale, 'must look like en_US.UTF-8 or C.UTF-8'),
    timezone: z.string().regex(timezone, 'must be a zoneinfo name such as Europe/Berlin or Etc/UTC'),
    overlay: z.string().min(1).optional(),
    customize: z.array(z.string().min(1)),
    imageName: z
      .string()
      .regex(fileName, 'must be letters, digits, ".", "_" or "-", starting with a letter or digit'),
    compression: z.enum(COMPRESSIONS),
    rootMargin: z
      .number()
      .int()
      .min(0)
      .max(1024 * 1024),
    bootSize: z.number().int().min(32).max(4096),
    bootTest: z.boolean(),
    bootTimeout: z.number().int().min(30).max(7200),
    piGenRepository: z
      .string()
      .regex(
        /^(?:(?:https?|git|ssh|file):\/\/[^\s'"`$;|&<>\\]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s'"`$;|&<>\\]+)$/,
        'must be a git URL (https://, ssh://, git@host:path or file://)',
      ),
    piGenRef: z
      .string()
      .regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/+-]+$/, 'must be a branch or tag name such as arm64 or master')
      .optional(),
    piGenPath: z.string().min(1).optional(),
    // pi-gen splits STAGE_LIST on spaces and expands globs: names only, no spaces or wildcards.
    stages: z
      .array(
        z
          .string()
          .regex(
            /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
            'is not a stage folder name (letters, digits, ".", "_" or "-", such as stage2)',
          ),
      )
      .min(1, 'give at least one stage'),
    piGenStagesDir: z.string().min(1).optional(),
    keyboard: z
      .string()
      .regex(
        /^[a-z]{2,8}(?::[A-Za-z][A-Za-z0-9 ()._-]{0,63})?$/,
        'must be a keymap such as gb or us, or keymap:layout such as "ch:German (Switzerland)"',
      ),
    wifiCountry: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code in capitals, such as GB or DE')
      .optional(),
    freeDiskSpace: z.boolean(),
    board: z.enum(BOARD_NAMES).optional(),
    defconfig: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*config$/, 'must be a make *config target such as bcm2711_defconfig')
      .optional(),
    kernelConfig: z.array(
      z
        .string()
        .regex(
          /^(?:CONFIG_[A-Za-z0-9_]+=[^\n\r]*|[^\n\r=]+)$/,
          'must be a fragment file or a CONFIG_NAME=value line',
        ),
    ),
    kernelSource: z
      .string()
      .regex(
        /^(?:(?:https?|git|ssh|file):\/\/[^\s'"`$;|&<>\\]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s'"`$;|&<>\\]+)$/,
        'must be a git URL (https://, ssh://, git@host:path or file://)',
      ),
    kernelRef: z
      .string()
      .regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/+-]+$/, 'must be a branch or tag name such as rpi-6.12.y')
      .optional(),
    kernelPath: z.string().min(1).optional(),
    localversion: z
      .string()
      .regex(/^[A-Za-z0-9._+~-]{1,64}$/, 'must be up to 64 letters, digits, ".", "_", "+", "~" or "-"')
      .optional(),
    kernelDebs: z.boolean(),
    toolchain: z
      .string()
      .regex(
        /^(?:packages|https?:\/\/[^\s'"`$;|&<>\\]+)$/,
        'must be "packages" or the http(s) URL of a toolchain tarball',
      ),
    ccache: z.boolean(),
    ccacheSize: z
      .number()
      .int()
      .min(64)
      .max(1024 * 1024),
    upload: z.boolean(),
    diagnostics: z.enum(DIAGNOSTICS),
    artifactName: z
      .string()
      .regex(
        /^[^"\\:<>|*?\r\n/]+$/,
        'must not contain " : < > | * ? \\ / or line breaks (GitHub forbids them)',
      )
      .optional(),
    retentionDays: z.number().int().min(1).max(90).optional(),
    cache: z.boolean(),
    cacheReadOnly: z.boolean(),
    cacheDir: z.string().min(1).optional(),
    workDir: z.string().min(1).optional(),
    outDir: z.string().min(1),
    minFreeDisk: z.number().int().min(0).max(100_000).optional(),
  })
  .strict();

export type BuildConfig = z.infer<typeof schema>;

export function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Splits list inputs: newlines always; commas and spaces too unless the items may hold spaces. */
function splitList(key: string, v: string): string[] {
  const byLine = key === 'ssh-authorized-keys' || key === 'customize';
  return v
    .split(byLine ? /\r?\n/ : /[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Units of the whole-number options, named in the fix so "1G" or "512M" become "1" or "512". */
const UNITS: Record<string, string> = {
  'root-margin': 'MiB',
  'boot-size': 'MiB',
  'boot-timeout': 'seconds',
  'retention-days': 'days',
  'min-free-disk': 'GiB',
};

function notWholeNumber(key: string, value: unknown): InputError {
  const spec = optionSpec(key);
  return new InputError(
    key,
    `"${String(value)}" is not a whole number`,
    `Give a whole number${UNITS[key] ? ` of ${UNITS[key]}, without a unit` : ''}${spec?.default ? ` (default ${spec.default})` : ''}.`,
  );
}

/** The bounds a whole-number option accepts, read from the schema. */
function numberRange(key: string): { min?: number; max?: number } {
  let field = (schema.shape as Record<string, z.ZodType>)[camel(key)];
  if (field instanceof z.ZodOptional) field = field.unwrap() as z.ZodType;
  if (!(field instanceof z.ZodNumber)) return {};
  return {
    ...(field.minValue !== null ? { min: field.minValue } : {}),
    ...(field.maxValue !== null ? { max: field.maxValue } : {}),
  };
}

/** How to give a value of each kind, for type errors (a number where a list belongs, …). */
const KIND_HINT: Record<string, string> = {
  list: 'Give a YAML list such as [a, b], or one text value with the items on separate lines',
  string: 'Give one text value (quote it in YAML if it looks like a number or a list)',
  bool: 'Use true or false',
  int: 'Give a whole number',
};

function coerce(key: string, value: unknown): unknown {
  const spec = optionSpec(key);
  if (!spec || value === undefined || value === null) return value;
  switch (spec.kind) {
    case 'list':
      if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v.trim() : v));
      return typeof value === 'string' ? splitList(key, value) : value;
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
        return value.trim().toLowerCase() === 'true';
      throw new InputError(key, `"${String(value)}" is not a boolean`, 'Use true or false.');
    case 'int':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
      throw notWholeNumber(key, value);
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  }
}

/** Validates merged raw values (kebab-case keys) into a BuildConfig. */
export function parseConfig(raw: RawConfig): BuildConfig {
  const obj: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    obj[camel(k)] = coerce(k, v);
  }
  const result = schema.safeParse(obj);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = kebab(String(issue.path[0] ?? 'config'));
    const spec = optionSpec(key);
    const index = issue.path.length > 1 ? Number(issue.path[1]) : undefined;
    const list = obj[camel(key)];
    const badValue =
      index !== undefined && Array.isArray(list)
        ? list[index]
        : index === undefined
          ? obj[camel(key)]
          : undefined;
    const shown = spec?.secret
      ? '(hidden)'
      : JSON.stringify(spec?.url && typeof badValue === 'string' ? hideUserinfo(badValue) : badValue);
    if (issue.code === 'invalid_value' && spec?.values) {
      throw new InputError(key, `${shown} is not accepted`, `Accepted values: ${spec.values.join(', ')}.`);
    }
    if (issue.code === 'invalid_type') {
      if (spec?.kind === 'int' && typeof badValue === 'number') throw notWholeNumber(key, badValue);
      const got =
        badValue === null || badValue === undefined
          ? 'nothing'
          : Array.isArray(badValue)
            ? 'list'
            : typeof badValue === 'object'
              ? 'mapping'
              : typeof badValue;
      const what = index !== undefined ? 'text for each item' : (spec?.kind ?? 'a value');
      throw new InputError(
        key,
        `expected ${what} but got ${got}`,
        `${spec ? KIND_HINT[index !== undefined ? 'string' : spec.kind] : 'Fix the value'}. See the inputs table in the README.`,
      );
    }
    if ((issue.code === 'too_small' || issue.code === 'too_big') && typeof badValue === 'number') {
      const { min, max } = numberRange(key);
      const unit = UNITS[key] ? ` ${UNITS[key]}` : '';
      throw new InputError(
        key,
        `${shown} is out of range`,
        `Give a whole number ${max !== undefined ? `from ${min ?? 0} to ${max}` : `of at least ${min ?? 0}`}${unit}${spec?.default ? ` (default ${spec.default})` : ''}.`,
      );
    }
    throw new InputError(key, `${shown} ${issue.message}`, spec ? `(${spec.description})` : '');
  }
  const config = result.data;
  if (config.target !== 'qemu' && config.arch.length !== 1) {
    throw new InputError(
      'arch',
      `target ${config.target} builds one arch, got ${config.arch.join(', ')}`,
      'Use a matrix with one arch per job.',
    );
  }
  return config;
}

export const SECRET_KEYS = OPTIONS.filter((o) => o.secret).map((o) => camel(o.key));

/** A copy safe for logs, diagnostics and summaries. */
export function redactConfig(config: BuildConfig): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...config };
  for (const k of SECRET_KEYS) if (copy[k] !== undefined) copy[k] = '***';
  return copy;
}
