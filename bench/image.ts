// The default image build, cold (empty cache) and warm (same config, cache filled by the cold
// run), side by side by phase; a cold build with everything emulated (--native-tools false);
// plain mmdebstrap of the same package set; then image assembly against a plain copy of the
// same bytes. Run as root: node bench/run.mjs image [--quick: without the emulated build and plain mmdebstrap]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleImage } from '../src/image/assemble.js';
import { slowestSteps, type RootfsProfile } from '../src/rootfs/dpkg-watch.js';
import { rootfsPackages } from '../src/rootfs/packages.js';
import { mmdebstrapMirrors } from '../src/rootfs/sources.js';
import { printSideBySide, runCli, type Run } from './cold-warm.js';

const dir = mkdtempSync(join(tmpdir(), 'rpi-bench-image-'));
const cacheDir = join(dir, 'cache');

const quick = process.argv.includes('--quick');

function build(name: string, extra: string[] = [], cache = cacheDir): Run & { work: string } {
  const work = join(dir, `work-${name}`);
  const out = join(dir, `out-${name}`);
  return { ...runCli(name, work, ['image', '--out', out, '--cache-dir', cache, ...extra]), work };
}

const cold = build('cold');
const warm = build('warm');
printSideBySide('Default image build (Debian trixie arm64, xz), wall time by phase:', cold, warm);
console.log('(boot-test and compress run side by side; total includes host checks and checksums)');
const noBoot = build('warm-no-boot', ['--boot-test', 'false']);
console.log(`warm build without the boot test: ${noBoot.total.toFixed(1)} s`);

if (!quick) {
  // The same cold build with every maintainer script under emulation, in a cache of its own.
  const emulated = build('cold-emulated', ['--native-tools', 'false'], join(dir, 'cache-emulated'));
  printSideBySide(
    'Cold build: host tools (default) against everything emulated (--native-tools false):',
    emulated,
    cold,
  );
  // Plain mmdebstrap: the same packages and archives, no hooks (initramfs made by each trigger).
  const t0 = Date.now();
  execFileSync(
    'mmdebstrap',
    [
      '--mode=root',
      '--variant=apt',
      '--architectures=arm64',
      '--components=main,non-free-firmware',
      `--include=${rootfsPackages('arm64', []).join(',')}`,
      'trixie',
      join(dir, 'plain-root'),
      ...mmdebstrapMirrors({
        suite: 'trixie',
        mirror: 'http://deb.debian.org/debian',
        securityMirror: 'http://deb.debian.org/debian-security',
        components: ['main', 'non-free-firmware'],
      }),
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const plain = (Date.now() - t0) / 1000;
  const ours = cold.phases.get('rootfs') ?? NaN;
  console.log(
    `\nPlain mmdebstrap of the same package set: ${plain.toFixed(1)} s; our cold root filesystem phase ${ours.toFixed(1)} s ` +
      `(${(plain / ours).toFixed(1)}x); our whole cold build ${cold.total.toFixed(1)} s (${(plain / cold.total).toFixed(1)}x); ` +
      `warm ${warm.total.toFixed(1)} s (${(plain / warm.total).toFixed(1)}x)`,
  );
}

// Where the cold root filesystem phase went: mmdebstrap's stages, then the slowest emulated steps.
const profileFile = join(cold.work, 'logs', 'rootfs-profile.json');
if (existsSync(profileFile)) {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as RootfsProfile;
  console.log('\nCold root filesystem phase by mmdebstrap stage:');
  for (const s of profile.stages) console.log(`  ${s.name.padEnd(10)} ${s.seconds.toFixed(1).padStart(7)} s`);
  console.log('Ten slowest dpkg steps (maintainer scripts and triggers run under emulation):');
  for (const s of slowestSteps(profile))
    console.log(`  ${`${s.pkg} (${s.kind})`.padEnd(40)} ${s.seconds.toFixed(1).padStart(7)} s`);
}

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
