// The seams of the split root filesystem code (issue 16): the cacheable base depends on no
// per-image module, and the overlay and customize-script paths are checked by config's one
// function both before any work and when the root is customised.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileScratch } from '../support/scratch.js';
import { loadConfig } from '../../src/config/load.js';
import { applyOverlay, runCustomizeScripts } from '../../src/rootfs/overlay.js';
import { InputError } from '../../src/runtime/errors.js';
import { ROOT } from '../support/runner.js';

const scratchDir = fileScratch();

const SRC = join(ROOT, 'src');

/** Every source file a file reaches through its relative imports, as paths under src/. */
function reached(file: string, seen = new Set<string>()): Set<string> {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/\bfrom\s*['"](\.[^'"]+)['"]/g)) {
    const target = resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts');
    const rel = relative(SRC, target);
    if (seen.has(rel)) continue;
    seen.add(rel);
    reached(target, seen);
  }
  return seen;
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourcesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The error a promise rejects with. */
const rejection = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('rootfs seams', () => {
  it('the cacheable base reaches no per-image module (customize, user, system, locale, overlay, scrub)', () => {
    const perImage = ['customize', 'user', 'system', 'locale', 'overlay', 'scrub'].map((m) =>
      join('rootfs', `${m}.ts`),
    );
    const fromBase = reached(join(SRC, 'rootfs', 'base.ts'));
    expect(fromBase).toContain(join('rootfs', 'boot-files.ts'));
    expect([...fromBase].filter((f) => perImage.includes(f))).toEqual([]);
  });

  it('a missing overlay or script fails with the same InputError at config load and in the root', async () => {
    const scratch = scratchDir('seams');
    const root = join(scratch, 'root');
    mkdirSync(join(root, 'tmp'), { recursive: true });
    const missing = join(scratch, 'missing');
    const log = join(scratch, 'log');
    const pairs: [unknown, unknown][] = [
      [
        await rejection(loadConfig({ overrides: { overlay: missing } })),
        await rejection(applyOverlay(root, missing, log)),
      ],
      [
        await rejection(loadConfig({ overrides: { customize: missing } })),
        await rejection(runCustomizeScripts(root, [missing], log)),
      ],
    ];
    for (const [atLoad, inRoot] of pairs) {
      expect(atLoad).toBeInstanceOf(InputError);
      expect(inRoot).toBeInstanceOf(InputError);
      expect((inRoot as Error).message).toBe((atLoad as Error).message);
    }
    // The script folder in the root is removed on the way out, as after a script that fails.
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
  });

  it('each of those checks is written once in src/ (config/load.ts)', () => {
    const hints = [
      'Give a folder whose contents are copied over the root filesystem.',
      'Give paths of scripts to run inside the image, one per line.',
    ];
    for (const hint of hints) {
      const holders = sourcesUnder(SRC)
        .filter((f) => readFileSync(f, 'utf8').includes(hint))
        .map((f) => relative(SRC, f));
      expect(holders, hint).toEqual([join('config', 'load.ts')]);
    }
  });
});
