// The option table (src/config/options.ts) is the one list of options: the schema's fields,
// DEFAULTS, action.yml, the README's inputs table and the CLI's --help all come from it. These
// tests fail when one of them is added to or changed without the others (or without
// regenerating the docs: node scripts/gen-action.mjs && npx prettier --write action.yml README.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parse } from 'yaml';
import { USAGE } from '../../src/cli-args.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { OPTIONS, defaultText, type OptionTable } from '../../src/config/options.js';
import { SCHEMA_FIELDS, camel, parseConfig, type BuildConfig } from '../../src/config/schema.js';
import { InputError } from '../../src/runtime/errors.js';
import { ROOT } from '../support/runner.js';

const read = (name: string) => readFileSync(join(ROOT, name), 'utf8');

describe('option table', () => {
  it('every option has a schema field, and every schema field an option', () => {
    expect([...SCHEMA_FIELDS].sort()).toEqual(OPTIONS.map((o) => camel(o.key)).sort());
    expect(new Set(OPTIONS.map((o) => o.key)).size).toBe(OPTIONS.length);
  });

  it('DEFAULTS holds exactly the options with a default, with that value', () => {
    const withDefault = OPTIONS.filter((o) => o.default !== undefined);
    expect(Object.keys(DEFAULTS).sort()).toEqual(withDefault.map((o) => o.key).sort());
    for (const o of withDefault) expect(DEFAULTS[o.key], o.key).toEqual(o.default);
  });

  it("each default is of its option's kind and passes its check", () => {
    const typeOf = { string: 'string', int: 'number', bool: 'boolean', list: 'object' } as const;
    for (const o of OPTIONS) {
      if (o.default === undefined) continue;
      expect(typeof o.default, o.key).toBe(typeOf[o.kind]);
      if (o.kind === 'list') expect(Array.isArray(o.default), o.key).toBe(true);
      if (o.values && o.kind === 'string') expect(o.values, o.key).toContain(o.default);
    }
    // Each option alone, so a failure names it.
    for (const o of OPTIONS.filter((x) => x.default !== undefined)) {
      expect(() => parseConfig({ [o.key]: o.default, ...withoutKey(o.key) }), o.key).not.toThrow();
    }
    const config = parseConfig(DEFAULTS) as Record<string, unknown>;
    // Options without a default stay unset (they are the optional fields of BuildConfig).
    for (const o of OPTIONS.filter((x) => x.default === undefined))
      expect(config[camel(o.key)], o.key).toBeUndefined();
  });

  it('a whole-number fix names the unit and the default from the table', () => {
    let err: unknown;
    try {
      parseConfig({ ...DEFAULTS, 'root-margin': '512M' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      'root-margin: "512M" is not a whole number. Give a whole number of MiB, without a unit (default 512).',
    );
  });
});

/** DEFAULTS without one key, so that key's own value is the one checked. */
function withoutKey(key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(DEFAULTS).filter(([k]) => k !== key));
}

describe('docs come from the table', () => {
  const action = parse(read('action.yml')) as { inputs: Record<string, { description: string }> };

  it('action.yml: each option has an input whose text is its description, values and default', () => {
    expect(Object.keys(action.inputs)).toEqual(['config', ...OPTIONS.map((o) => o.key)]);
    for (const o of OPTIONS) {
      let text = o.description;
      if (o.values) text += ` One of: ${o.values.join(', ')}.`;
      const d = defaultText(o);
      if (d) text += ` Default: ${d}.`;
      expect(action.inputs[o.key]!.description, `${o.key} (regenerate action.yml)`).toBe(text);
    }
  });

  it("README inputs table: a row per option, showing the table's default", () => {
    const section = read('README.md').split('<!-- inputs:start -->')[1]!.split('<!-- inputs:end -->')[0]!;
    const cells = section
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .slice(2) // header and rule
      .map((l) =>
        l
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((c) => c.trim()),
      );
    const unquote = (c: string | undefined) => (c ? c.replace(/^`(.*)`$/, '$1') : undefined);
    const rows = new Map(cells.map((c) => [unquote(c[0]), unquote(c[2])]));
    expect([...rows.keys()]).toEqual(['config', ...OPTIONS.map((o) => o.key)]);
    for (const o of OPTIONS) expect(rows.get(o.key), `${o.key} (regenerate README.md)`).toBe(defaultText(o));
  });

  it('--help lists every option with its default', () => {
    for (const o of OPTIONS) {
      const line = USAGE.split('\n').find((l) => l.startsWith(`  --${o.key} `));
      expect(line, o.key).toBeDefined();
      const d = defaultText(o);
      if (d) expect(line, o.key).toContain(` [${d}]`);
      else expect(line, o.key).not.toMatch(/ \[[^\]]*\]( \(|$)/);
    }
  });

  it('lists show space-separated, an empty list no default, booleans true/false', () => {
    const text = (key: string) => defaultText(OPTIONS.find((o) => o.key === key)!);
    expect(text('stages')).toBe('stage0 stage1 stage2');
    expect(text('arch')).toBe('arm64');
    expect(text('packages')).toBeUndefined();
    expect(text('free-disk-space')).toBe('false');
    expect(text('boot-test')).toBe('true');
    expect(text('root-margin')).toBe('512');
    expect(text('password')).toBeUndefined();
  });
});

// Compile-time: BuildConfig, inferred from the table, keeps camelCase keys and literal unions
// (tsc --noEmit checks these; at run time they do nothing).
type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
describe('BuildConfig type', () => {
  it('has one camelCase field per option, with precise types', () => {
    expectTypeOf<BuildConfig>().not.toBeAny();
    expectTypeOf<keyof BuildConfig>().toEqualTypeOf<Camel<OptionTable[number]['key']>>();
    expectTypeOf<BuildConfig['target']>().toEqualTypeOf<'image' | 'kernel' | 'qemu'>();
    expectTypeOf<BuildConfig['builder']>().toEqualTypeOf<'debian' | 'pi-gen'>();
    expectTypeOf<BuildConfig['suite']>().toEqualTypeOf<'bookworm' | 'trixie'>();
    expectTypeOf<BuildConfig['compression']>().toEqualTypeOf<'xz' | 'zstd' | 'gzip' | 'none'>();
    expectTypeOf<BuildConfig['diagnostics']>().toEqualTypeOf<'on-failure' | 'always' | 'never'>();
    expectTypeOf<BuildConfig['arch']>().toEqualTypeOf<('arm64' | 'armhf' | 'armel')[]>();
    expectTypeOf<BuildConfig['board']>().toEqualTypeOf<
      'pi1' | 'pi2' | 'pi4' | 'pi4-64' | 'pi5' | undefined
    >();
    expectTypeOf<BuildConfig['rootMargin']>().toEqualTypeOf<number>();
    expectTypeOf<BuildConfig['retentionDays']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<BuildConfig['bootTest']>().toEqualTypeOf<boolean>();
    expectTypeOf<BuildConfig['password']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<BuildConfig['outDir']>().toEqualTypeOf<string>();
    expectTypeOf<BuildConfig['customize']>().toEqualTypeOf<string[]>();
    expectTypeOf<BuildConfig['stages']>().toEqualTypeOf<string[]>();
    expectTypeOf<Pick<BuildConfig, 'overlay'>>().toEqualTypeOf<{ overlay?: string | undefined }>();
  });
});
