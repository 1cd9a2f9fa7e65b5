// The default image build side by side with plain mmdebstrap of the same package set: plain
// mmdebstrap, our cold build (empty cache), our warm build (the cache the cold one filled), the
// warm build without the boot test, each whole and by phase; the time to the login prompt per
// boot machine (the warm build again on virt); then image assembly against a plain copy of the
// same bytes. Run as root: node bench/run.mjs image [--quick: without plain mmdebstrap]
// [--emulated: also the cold build with every maintainer script under emulation].
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { assembleImage } from '../src/image/assemble.js';
import { DpkgWatch, slowestSteps, stepTotals, type RootfsProfile } from '../src/rootfs/dpkg-watch.js';
import { rootfsPackages } from '../src/rootfs/packages.js';
import { mmdebstrapMirrors } from '../src/rootfs/sources.js';
import { printSideBySide, runCli, type Run } from './cold-warm.js';

const dir = mkdtempSync(join(tmpdir(), 'rpi-bench-image-'));
const cacheDir = join(dir, 'cache');

const quick = process.argv.includes('--quick');
const withEmulated = process.argv.includes('--emulated');

function build(name: string, extra: string[] = [], cache = cacheDir): Run & { work: string } {
  const work = join(dir, `work-${name}`);
  const out = join(dir, `out-${name}`);
  return { ...runCli(name, work, ['image', '--out', out, '--cache-dir', cache, ...extra]), work };
}

/** "boot-check: machine: raspi3b (…), login prompt after 110 s" from a build's log. */
function loginPrompt(run: Run): string {
  const m = /^boot-check: machine: (.*), login prompt after (\d+) s$/m.exec(run.stdout);
  return m ? `${m[2]} s (${m[1]})` : 'not seen';
}

/** Plain mmdebstrap of the default package set from the same archives: whole, by stage, its slowest steps. */
async function plainMmdebstrap(): Promise<{ seconds: number; profile: RootfsProfile }> {
  const root = join(dir, 'plain-root');
  const watch = new DpkgWatch(root, () => {});
  watch.start();
  const t0 = Date.now();
  const child = spawn(
    'mmdebstrap',
    [
      '--mode=root',
      '--variant=apt',
      '--architectures=arm64',
      '--components=main,non-free-firmware',
      `--include=${rootfsPackages('arm64', []).join(',')}`,
      'trixie',
      root,
      ...mmdebstrapMirrors({
        suite: 'trixie',
        mirror: 'http://deb.debian.org/debian',
        securityMirror: 'http://deb.debian.org/debian-security',
        components: ['main', 'non-free-firmware'],
      }),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C.UTF-8' } },
  );
  const tail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    watch.line(line);
    tail.push(line);
    if (tail.length > 30) tail.shift();
  });
  const code = await new Promise<number | null>((res) => child.on('close', res));
  const seconds = (Date.now() - t0) / 1000;
  const profile = await watch.stop();
  if (code !== 0) throw new Error(`plain mmdebstrap failed (exit ${code}):\n${tail.join('\n')}`);
  return { seconds, profile };
}

const cold = build('cold');
const warm = build('warm');
const noBoot = build('warm-no-boot', ['--boot-test', 'false']);
const virt = build('warm-virt', ['--boot-machine', 'virt']);
const plain = quick ? undefined : await plainMmdebstrap();

// One table: the plain tool, our cold build, our warm build with and without the boot test.
const cols: [string, (phase: string) => number | undefined][] = [
  ['plain mmdebstrap', (p) => (p === 'rootfs' ? plain?.seconds : undefined)],
  ['cold', (p) => cold.phases.get(p)],
  ['warm', (p) => warm.phases.get(p)],
  ['warm, no boot test', (p) => noBoot.phases.get(p)],
];
const cell = (v: number | undefined): string => (v === undefined ? '-' : `${v.toFixed(1)} s`).padStart(20);
console.log('\nDefault image (Debian trixie arm64, xz, boot test on raspi3b), wall time by phase:');
console.log(`${'phase'.padEnd(12)}${cols.map(([n]) => n.padStart(20)).join('')}`);
for (const phase of cold.phases.keys())
  console.log(`${phase.padEnd(12)}${cols.map(([, f]) => cell(f(phase))).join('')}`);
console.log(
  `${'whole'.padEnd(12)}${[plain?.seconds, cold.total, warm.total, noBoot.total].map(cell).join('')}`,
);
console.log('(boot-test and compress run side by side; whole includes host checks and checksums)');
if (plain)
  console.log(
    `plain mmdebstrap / our cold build: ${(plain.seconds / cold.total).toFixed(2)}x; ` +
      `/ our cold root filesystem phase: ${(plain.seconds / (cold.phases.get('rootfs') ?? NaN)).toFixed(2)}x; ` +
      `cold / warm: ${(cold.total / warm.total).toFixed(1)}x`,
  );
console.log('\nTime to the login prompt, per boot machine:');
console.log(`  cold, raspi3b (default)   ${loginPrompt(cold)}`);
console.log(`  warm, raspi3b (default)   ${loginPrompt(warm)}`);
console.log(
  `  warm, virt                ${loginPrompt(virt)}; whole warm build on virt ${virt.total.toFixed(1)} s`,
);

if (withEmulated) {
  // The same cold build with every maintainer script under emulation, in a cache of its own.
  const emulated = build('cold-emulated', ['--native-tools', 'false'], join(dir, 'cache-emulated'));
  printSideBySide(
    'Cold build: host tools (default) against everything emulated (--native-tools false):',
    emulated,
    cold,
  );
}

// Where the root filesystem phase went, ours cold against plain mmdebstrap: by mmdebstrap
// stage, then the slowest dpkg steps (maintainer scripts and triggers, run under emulation).
const profileFile = join(cold.work, 'logs', 'rootfs-profile.json');
if (existsSync(profileFile)) {
  const ours = JSON.parse(readFileSync(profileFile, 'utf8')) as RootfsProfile;
  const stage = (p: RootfsProfile | undefined, name: string): number | undefined =>
    p?.stages.find((s) => s.name === name)?.seconds;
  console.log('\nRoot filesystem phase by mmdebstrap stage:');
  console.log(`  ${'stage'.padEnd(10)}${'plain mmdebstrap'.padStart(20)}${'ours, cold'.padStart(20)}`);
  for (const name of new Set([...ours.stages, ...(plain?.profile.stages ?? [])].map((s) => s.name)))
    console.log(`  ${name.padEnd(10)}${cell(stage(plain?.profile, name))}${cell(stage(ours, name))}`);
  // Unpacking (dpkg writing files) against configuring and triggers (maintainer scripts), per stage.
  const total = (p: RootfsProfile | undefined, stage: string, kind: string): number | undefined =>
    p ? stepTotals(p).find((t) => t.stage === stage && t.kind === kind)?.seconds : undefined;
  console.log("dpkg's steps by stage and kind, summed:");
  console.log(`  ${'step'.padEnd(20)}${'plain mmdebstrap'.padStart(20)}${'ours, cold'.padStart(20)}`);
  for (const name of ['essential', 'remaining'])
    for (const kind of ['unpack', 'configure', 'trigger'])
      console.log(
        `  ${`${name} ${kind}`.padEnd(20)}${cell(total(plain?.profile, name, kind))}${cell(total(ours, name, kind))}`,
      );
  const slowest = (title: string, p: RootfsProfile): void => {
    console.log(`Ten slowest dpkg steps, ${title}:`);
    for (const s of slowestSteps(p))
      console.log(`  ${`${s.pkg} (${s.kind})`.padEnd(40)} ${s.seconds.toFixed(1).padStart(7)} s`);
  };
  slowest('ours, cold', ours);
  if (plain) slowest('plain mmdebstrap', plain.profile);
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
