// BuildConfig: one validated configuration. Raw values (strings from inputs and flags,
// typed values from YAML) are coerced by option kind, then checked by zod; any failure
// becomes an InputError naming the kebab-case input and the fix.
import { z } from 'zod';
import { InputError } from '../runtime/errors.js';
import { hideUserinfo } from '../runtime/redact.js';
import { ARCHES, OPTIONS, defaultText, optionSpec, type OptionSpec, type OptionTable } from './options.js';

export type Arch = (typeof ARCHES)[number];
export type RawConfig = Record<string, unknown>;

// The schema is built from the option table: each option's check (or the one its kind and
// values imply), optional when the option has no default. The types below mirror checkOf, so
// BuildConfig keeps camelCase keys and literal unions (__tests__/unit/options.test.ts pins them).
type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
type Implied<O> = O extends { check: infer C extends z.ZodType }
  ? C
  : O extends { kind: 'bool' }
    ? z.ZodBoolean
    : O extends { kind: 'string'; values: infer V extends readonly string[] }
      ? z.ZodEnum<{ [K in V[number]]: K }>
      : O extends { kind: 'string' }
        ? z.ZodString
        : O extends { kind: 'list' }
          ? z.ZodArray<z.ZodString>
          : never; // an int needs its own check (its range)
type Shape = {
  [O in OptionTable[number] as Camel<O['key']>]: O extends { default: unknown }
    ? Implied<O>
    : z.ZodOptional<Implied<O>>;
};

/** An option's value check: its own, or the one its kind and values imply (mirrored by Implied). */
function checkOf(o: OptionSpec): z.ZodType {
  if (o.check) return o.check;
  switch (o.kind) {
    case 'bool':
      return z.boolean();
    case 'string':
      return o.values ? z.enum(o.values) : z.string().min(1);
    case 'list':
      return z.array(z.string().min(1));
    case 'int':
      throw new Error(`option ${o.key}: a whole number needs a check with its range`);
  }
}

const schema = z
  .object(
    Object.fromEntries(
      OPTIONS.map((o) => [camel(o.key), o.default === undefined ? checkOf(o).optional() : checkOf(o)]),
    ) as Shape,
  )
  .strict();

export type BuildConfig = z.infer<typeof schema>;

/** The camelCase fields of BuildConfig, for tests that compare them with the table. */
export const SCHEMA_FIELDS: readonly string[] = Object.keys(schema.shape);

export function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Splits list inputs: newlines always; commas and spaces too unless the items may hold spaces. */
function splitList(spec: OptionSpec, v: string): string[] {
  return v
    .split(spec.perLine ? /\r?\n/ : /[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** " (default 512)" for a fix's text, or nothing. */
function shownDefault(spec: OptionSpec | undefined): string {
  const text = spec && defaultText(spec);
  return text ? ` (default ${text})` : '';
}

function notWholeNumber(key: string, value: unknown): InputError {
  const spec = optionSpec(key);
  const unit = spec?.unit;
  return new InputError(
    key,
    `"${String(value)}" is not a whole number`,
    `Give a whole number${unit ? ` of ${unit}, without a unit` : ''}${shownDefault(spec)}.`,
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
      return typeof value === 'string' ? splitList(spec, value) : value;
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
      const unit = spec?.unit ? ` ${spec.unit}` : '';
      throw new InputError(
        key,
        `${shown} is out of range`,
        `Give a whole number ${max !== undefined ? `from ${min ?? 0} to ${max}` : `of at least ${min ?? 0}`}${unit}${shownDefault(spec)}.`,
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
