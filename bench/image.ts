// The default image build, split by phase, and image assembly against a plain copy of
// the same bytes. Run as root: node bench/run.mjs image
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleImage } from '../src/image/assemble.js';

const dir = mkdtempSync(join(tmpdir(), 'rpi-bench-image-'));
const work = join(dir, 'work');
const t0 = Date.now();
const r = spawnSync(
  process.execPath,
  ['dist/cli.js', 'image', '--out', join(dir, 'out'), '--work-dir', work],
  { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' },
);
const total = (Date.now() - t0) / 1000;
if (r.status !== 0) throw new Error('the image build failed');

const phases = readFileSync(join(work, 'logs', 'phases.txt'), 'utf8').trim();
console.log(
  `\nDefault image build (Debian bookworm arm64, xz), wall time by phase:\n${phases}\ntotal      ${total.toFixed(1).padStart(7)} s (including host checks and checksums)`,
);

// Assembly again from the same two folders the build used, then a plain copy of its bytes.
const image = join(dir, 'again.img');
const a0 = Date.now();
await assembleImage({
  image,
  bootDir: join(work, 'boot'),
  rootDir: join(work, 'rootfs'),
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
