// The entry files only call run(); the steps themselves can be called from a test.
import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/runner.js';

function capture(): { out: () => string; restore: () => void } {
  let text = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  return { out: () => text, restore: () => spy.mockRestore() };
}

describe('entry points', () => {
  it('are thin: each bundle entry only hands over to run()', () => {
    for (const f of ['main.ts', 'post.ts', 'cli.ts']) {
      const code = readFileSync(join(ROOT, 'src', f), 'utf8')
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('//') && !l.startsWith('#!'));
      expect(code.length, f).toBeLessThanOrEqual(f === 'cli.ts' ? 25 : 3);
      expect(code.join('\n'), f).toMatch(/\brun\(/);
    }
  });

  it("post's run() with no state from main does nothing and says so", async () => {
    const { run } = await import('../../src/entries/post.js');
    const c = capture();
    try {
      await run();
    } finally {
      c.restore();
    }
    expect(c.out()).toContain('main step did not start; nothing to clean up');
  });

  it("the CLI's run() answers help with the usage, and refuses an unknown part before any work", async () => {
    const { run } = await import('../../src/entries/cli.js');
    const c = capture();
    try {
      expect(await run(['help'])).toBe(0);
    } finally {
      c.restore();
    }
    expect(c.out()).toMatch(/^rpi-build: build Raspberry Pi images/);
    await expect(run(['host-packages', 'nonsense'])).rejects.toThrow(/"nonsense" is not a part/);
  });
});
