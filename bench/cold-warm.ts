// What the cold-vs-warm benches share: running the CLI with a work folder and reading the
// phase table it leaves there, and printing both runs side by side with their ratio.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Run {
  phases: Map<string, number>;
  total: number;
  stdout: string;
}

/** Runs `node dist/cli.js ...args --work-dir work`; throws with its output when it fails. */
export function runCli(
  name: string,
  work: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Run {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args, '--work-dir', work], {
    encoding: 'utf8',
    // The CLI logs to stderr; kept (not shown) so the summary can quote it.
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const total = (Date.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`the ${name} build failed:\n${(r.stdout + r.stderr).slice(-2000)}`);
  const phases = new Map<string, number>();
  for (const line of readFileSync(join(work, 'logs', 'phases.txt'), 'utf8')
    .trim()
    .split('\n')) {
    const [phase, seconds] = line.trim().split(/\s+/);
    phases.set(phase!, Number(seconds));
  }
  return { phases, total, stdout: `${r.stdout}${r.stderr}` };
}

/** The two runs by phase, then the totals, with warm/cold ratios. */
export function printSideBySide(title: string, cold: Run, warm: Run): void {
  const row = (name: string, c: number, w: number): string =>
    `${name.padEnd(10)} ${c.toFixed(1).padStart(8)} s ${w.toFixed(1).padStart(8)} s ${(w > 0.05 ? `${(c / w).toFixed(1)}x` : '-').padStart(8)}`;
  console.log(`\n${title}`);
  console.log(`${'phase'.padEnd(10)} ${'cold'.padStart(10)} ${'warm'.padStart(10)} ${'ratio'.padStart(8)}`);
  for (const [phase, c] of cold.phases) console.log(row(phase, c, warm.phases.get(phase) ?? NaN));
  console.log(row('total', cold.total, warm.total));
}
