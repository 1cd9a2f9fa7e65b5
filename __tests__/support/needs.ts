// Tests that need root, a tool or a kernel feature say so by name when they skip.
// Under CI (CI=true) a missing requirement fails the test instead: nothing skips there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { ISOLATED, ROOT } from './runner.js';

export type Need = 'root' | 'userns-binfmt' | 'fixtures' | `tool:${string}` | `file:${string}`;

const cache = new Map<Need, string | undefined>();

function check(n: Need): string | undefined {
  if (n === 'root') return process.getuid?.() === 0 ? undefined : 'root';
  if (n === 'fixtures')
    return existsSync(join(ROOT, '.fixtures', 'arm64', 'bin', 'busybox'))
      ? undefined
      : 'the ARM busybox fixtures (run scripts/fetch-fixtures.sh)';
  if (n === 'userns-binfmt') {
    const r = spawnSync(ISOLATED, ['mount', 'true'], { stdio: 'ignore' });
    return r.status === 0 ? undefined : 'a kernel that sandboxes binfmt_misc per user namespace (Linux 6.7+)';
  }
  if (n.startsWith('file:')) return existsSync(n.slice(5)) ? undefined : `the file ${n.slice(5)}`;
  const tool = n.slice(5);
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', tool], {
      stdio: 'ignore',
      env: { PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
    });
    return undefined;
  } catch {
    return `the tool ${tool}`;
  }
}

export function missing(needs: Need[]): string | undefined {
  const reasons: string[] = [];
  for (const n of needs) {
    if (!cache.has(n)) cache.set(n, check(n));
    const r = cache.get(n);
    if (r) reasons.push(r);
  }
  return reasons.length ? reasons.join(', ') : undefined;
}

/** `it`, but skipped with the missing requirement in its name (or failed under CI). */
export function itNeeds(needs: Need[], name: string, fn: () => Promise<void> | void, timeout?: number): void {
  const reason = missing(needs);
  if (!reason) {
    it(name, fn, timeout);
  } else if (process.env.CI === 'true') {
    it(name, () => {
      throw new Error(`CI must run this test but this machine lacks ${reason}`);
    });
  } else {
    it.skip(`${name} [skipped: needs ${reason}]`, fn);
  }
}
