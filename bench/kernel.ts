// The kernel build, cold (empty cache folder: cross gcc from the distribution's packages,
// empty ccache) and warm (same config, the tool cache and ccache filled by the cold run),
// side by side by phase. Debian's linux-source tarball, arm64 tinyconfig plus the CI fragment.
// Run: node bench/run.mjs kernel [/usr/src/linux-source-X.tar.xz]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const source =
  process.argv[2] ??
  join(
    '/usr/src',
    readdirSync('/usr/src').find((f) => /^linux-source-[\d.]+\.tar\.xz$/.test(f)) ?? 'linux-source.tar.xz',
  );
const dir = mkdtempSync(join(tmpdir(), 'rpi-bench-kernel-'));
const cacheDir = join(dir, 'cache');

function build(name: string): { phases: Map<string, number>; total: number; stdout: string } {
  const work = join(dir, `work-${name}`);
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    [
      'dist/cli.js',
      'kernel',
      '--kernel-path',
      source,
      '--defconfig',
      'tinyconfig',
      '--kernel-config',
      '__tests__/fixtures/kernel-ci.config',
      '--out',
      join(dir, `out-${name}`),
      '--work-dir',
      work,
      '--cache-dir',
      cacheDir,
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, RUNNER_TOOL_CACHE: '' },
    },
  );
  const total = (Date.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`the ${name} kernel build failed:\n${r.stdout.slice(-2000)}`);
  const phases = new Map<string, number>();
  for (const line of readFileSync(join(work, 'logs', 'phases.txt'), 'utf8')
    .trim()
    .split('\n')) {
    const [phase, seconds] = line.trim().split(/\s+/);
    phases.set(phase!, Number(seconds));
  }
  return { phases, total, stdout: r.stdout };
}

const cold = build('cold');
const warm = build('warm');
const row = (name: string, c: number, w: number): string =>
  `${name.padEnd(10)} ${c.toFixed(1).padStart(8)} s ${w.toFixed(1).padStart(8)} s ${(w > 0.05 ? `${(c / w).toFixed(1)}x` : '-').padStart(8)}`;
console.log(`\nKernel build (${source.split('/').pop()}, arm64 tinyconfig + fragment), wall time by phase:`);
console.log(`${'phase'.padEnd(10)} ${'cold'.padStart(10)} ${'warm'.padStart(10)} ${'ratio'.padStart(8)}`);
for (const [phase, c] of cold.phases) console.log(row(phase, c, warm.phases.get(phase) ?? NaN));
console.log(row('total', cold.total, warm.total));
const hits = (s: string) => /ccache: .*/.exec(s)?.[0] ?? 'ccache: ?';
console.log(`cold ${hits(cold.stdout)}; warm ${hits(warm.stdout)}`);
console.log('(toolchain: cold unpacks the cross gcc packages into the tool cache, warm finds it there)');
rmSync(dir, { recursive: true, force: true });
