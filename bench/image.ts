// The default image build, cold (empty cache) and warm (same config, cache filled by the cold
// run), side by side by phase; then image assembly against a plain copy of the same bytes.
// Run as root: node bench/run.mjs image
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleImage } from '../src/image/assemble.js';

const dir = mkdtempSync(join(tmpdir(), 'rpi-bench-image-'));
const cacheDir = join(dir, 'cache');

function build(name: string): { phases: Map<string, number>; total: number; work: string } {
  const work = join(dir, `work-${name}`);
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    ['dist/cli.js', 'image', '--out', join(dir, `out-${name}`), '--work-dir', work, '--cache-dir', cacheDir],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const total = (Date.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`the ${name} image build failed`);
  const phases = new Map<string, number>();
  for (const line of readFileSync(join(work, 'logs', 'phases.txt'), 'utf8')
    .trim()
    .split('\n')) {
    const [phase, seconds] = line.trim().split(/\s+/);
    phases.set(phase!, Number(seconds));
  }
  return { phases, total, work };
}

const cold = build('cold');
const warm = build('warm');
const row = (name: string, c: number, w: number): string =>
  `${name.padEnd(10)} ${c.toFixed(1).padStart(8)} s ${w.toFixed(1).padStart(8)} s ${(w > 0.05 ? `${(c / w).toFixed(1)}x` : '-').padStart(8)}`;
console.log('\nDefault image build (Debian bookworm arm64, xz), wall time by phase:');
console.log(`${'phase'.padEnd(10)} ${'cold'.padStart(10)} ${'warm'.padStart(10)} ${'ratio'.padStart(8)}`);
for (const [phase, c] of cold.phases) console.log(row(phase, c, warm.phases.get(phase) ?? NaN));
console.log(row('total', cold.total, warm.total));
console.log('(boot-test and compress run side by side; total includes host checks and checksums)');

// Assembly again from the folders the warm build used, then a plain copy of its bytes.
const image = join(dir, 'again.img');
const a0 = Date.now();
await assembleImage({
  image,
  bootDir: join(warm.work, 'boot'),
  rootDir: join(warm.work, 'rootfs'),
  bootSizeMiB: 256,
  rootMarginMiB: 512,
});
const assemble = (Date.now() - a0) / 1000;
const c0 = Date.now();
execFileSync('cp', ['--sparse=never', image, join(dir, 'copy.img')]);
execFileSync('sync');
const copy = (Date.now() - c0) / 1000;
const st = statSync(image);
console.log(
  `\nAssembly of a ${(st.size / 2 ** 20).toFixed(0)} MiB image (${((st.blocks * 512) / 2 ** 20).toFixed(0)} MiB of data): ${assemble.toFixed(1)} s;` +
    ` a plain copy of the same bytes: ${copy.toFixed(1)} s; ratio assembly/copy ${(assemble / copy).toFixed(2)}x`,
);
rmSync(dir, { recursive: true, force: true });
