import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileScratch } from '../support/scratch.js';
import { loadConfig } from '../../src/config/load.js';
import { OPTIONS } from '../../src/config/options.js';
import { redactConfig } from '../../src/config/schema.js';
import { InputError } from '../../src/runtime/errors.js';

const dir = fileScratch()('config');
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('BuildConfig', () => {
  it('the embedded default is an arm64 trixie Debian image (Debian stable since August 2025)', async () => {
    const c = await loadConfig({ overrides: {} });
    expect(c).toMatchObject({
      target: 'image',
      builder: 'debian',
      arch: ['arm64'],
      suite: 'trixie',
      compression: 'xz',
      bootTest: true,
    });
    expect(c.password).toBeUndefined();
  });

  it('later sources win: default < YAML file < inputs', async () => {
    const f = file(
      'a.yml',
      'suite: bookworm\nhostname: from-file\npackages: [vim, curl]\nboot-test: false\n',
    );
    const c = await loadConfig({ file: f, overrides: { hostname: 'from-input' } });
    expect(c.suite).toBe('bookworm');
    expect(c.hostname).toBe('from-input');
    expect(c.packages).toEqual(['vim', 'curl']);
    expect(c.bootTest).toBe(false);
  });

  it('splits list inputs given as strings; keys one per line', async () => {
    const c = await loadConfig({
      overrides: {
        packages: 'vim, curl\nhtop',
        target: 'qemu',
        arch: 'arm64,armhf',
        'ssh-authorized-keys':
          'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9 me@laptop\nssh-rsa AAAAB3NzaC1yc2E= other',
      },
    });
    expect(c.packages).toEqual(['vim', 'curl', 'htop']);
    expect(c.arch).toEqual(['arm64', 'armhf']);
    expect(c.sshAuthorizedKeys).toHaveLength(2);
  });

  it('redacts secrets', async () => {
    const c = await loadConfig({ overrides: { password: 'hunter2' } });
    expect(JSON.stringify(redactConfig(c))).not.toContain('hunter2');
  });

  // The exact wording of a few messages; __tests__/bad-input.test.ts has the full table of bad
  // values (inputs, flags, YAML files) with the fix each message gives.
  const bad: [string, Record<string, unknown>, RegExp][] = [
    [
      'unknown arch',
      { arch: 'riscv64' },
      /^arch: "riscv64" is not accepted\. Accepted values: arm64, armhf, armel/,
    ],
    [
      'unknown target',
      { target: 'iso' },
      /^target: "iso" is not accepted\. Accepted values: image, kernel, qemu/,
    ],
    ['unknown suite', { suite: 'buster' }, /^suite: .*Accepted values: bookworm, trixie/],
    ['not a number', { 'root-margin': 'lots' }, /^root-margin: "lots" is not a whole number/],
    ['not a boolean', { 'boot-test': 'maybe' }, /^boot-test: "maybe" is not a boolean\. Use true or false/],
    [
      'unknown input key',
      { hostnme: 'x' },
      /^input: hostnme: is not a known option\. Did you mean "hostname"\?/,
    ],
  ];
  it.each(bad)('rejects %s, naming the input and the fix', async (_name, overrides, message) => {
    const err = await loadConfig({ overrides }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
  });

  it('rejects a config file that does not parse, naming it', async () => {
    const f = file('broken.yml', 'arch: [arm64\nsuite: : :\n');
    await expect(loadConfig({ file: f, overrides: {} })).rejects.toThrow(
      /^config: .*broken\.yml is not valid YAML/,
    );
  });
  it('never shows a secret in a validation error', async () => {
    const long = 'S3cret!'.repeat(50);
    const err = (await loadConfig({ overrides: { password: long } }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^password: \(hidden\)/);
    expect(err.message).not.toContain('S3cret!');
  });
  it('every option has a description and a kebab-case name', () => {
    for (const o of OPTIONS) {
      expect(o.key).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(o.description.length).toBeGreaterThan(10);
    }
  });
});

describe('action.yml', () => {
  it('declares exactly the option table (plus config), with no input defaults', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const action = parse(readFileSync(join(import.meta.dirname, '..', '..', 'action.yml'), 'utf8'));
    expect(Object.keys(action.inputs).sort()).toEqual(['config', ...OPTIONS.map((o) => o.key)].sort());
    for (const [name, input] of Object.entries(action.inputs as Record<string, { default?: string }>)) {
      expect(input.default, `${name} must not have a default`).toBeUndefined();
    }
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/main.js',
      post: 'dist/post.js',
      'post-if': 'always()',
    });
  });
});

describe('action.yml outputs', () => {
  it('declares exactly the output table', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const { OUTPUTS } = await import('../../src/publish/outputs.js');
    const action = parse(readFileSync(join(import.meta.dirname, '..', '..', 'action.yml'), 'utf8'));
    expect(Object.keys(action.outputs).sort()).toEqual(Object.keys(OUTPUTS).sort());
  });
});
