// .ci/run's closing line counts what really failed: a real Vitest run of files whose tests
// pass but whose afterAll throws, or that cannot be imported, must not read "0 failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/runner.js';

const COUNT = join(ROOT, 'scripts', 'ci-count.mjs');
const top = mkdtempSync(join(tmpdir(), 'rpi-ci-count-'));
afterAll(() => rmSync(top, { recursive: true, force: true }));

function vitestReport(files: Record<string, string>): string {
  const dir = mkdtempSync(join(top, 'run-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'vitest.config.mjs'), 'export default { test: { include: ["*.test.mjs"] } };\n');
  const out = join(dir, 'report.json');
  spawnSync(
    join(ROOT, 'node_modules', '.bin', 'vitest'),
    ['run', '--root', dir, '--reporter=json', `--outputFile=${out}`],
    { cwd: dir, encoding: 'utf8', timeout: 120_000 },
  );
  return out;
}
const count = (report: string, checks = '0') =>
  spawnSync(process.execPath, [COUNT, report, checks], { encoding: 'utf8' }).stdout.trim().split('\n');

describe('.ci/run closing line', () => {
  it('counts a failing afterAll and a file that fails to import as failures', () => {
    const report = vitestReport({
      'good.test.mjs': 'import { it, expect } from "vitest";\nit("ok", () => expect(1).toBe(1));\n',
      'hook.test.mjs':
        'import { afterAll, it } from "vitest";\nafterAll(() => { throw new Error("teardown broke"); });\nit("passes", () => {});\n',
      'import.test.mjs':
        'import "./does-not-exist.mjs";\nimport { it } from "vitest";\nit("never", () => {});\n',
    });
    const lines = count(report);
    expect(lines.at(-1)).toBe('2 passed, 2 failed');
    expect(lines.join('\n')).toMatch(/FAILED outside its tests: .*hook\.test\.mjs/);
    expect(lines.join('\n')).toMatch(/FAILED outside its tests: .*import\.test\.mjs/);
  }, 150_000);

  it('names each failed test with the start of its message before the count (the log is read from its end)', () => {
    const report = vitestReport({
      'fails.test.mjs':
        'import { it, expect } from "vitest";\nit("the cold build", () => expect("no image", "the image").toBe("an image"));\nit("ok", () => {});\n',
    });
    const lines = count(report);
    expect(lines.at(-1)).toBe('1 passed, 1 failed');
    const said = lines.join('\n');
    expect(said).toMatch(/^FAILED: fails\.test\.mjs > the cold build \(\d+ s\)$/m);
    expect(said).toMatch(/^ {4}AssertionError: the image: expected 'no image' to be 'an image'/m);
    expect(said).not.toContain(String.fromCharCode(27));
  }, 150_000);

  it('adds failed checks, and a missing report (Vitest crashed) is a failure, never a stale pass', () => {
    const report = vitestReport({
      'good.test.mjs': 'import { it, expect } from "vitest";\nit("ok", () => expect(1).toBe(1));\n',
    });
    expect(count(report, '2').at(-1)).toBe('1 passed, 2 failed');
    expect(count(join(top, 'missing.json')).at(-1)).toBe('0 passed, 1 failed');
  }, 150_000);
});
