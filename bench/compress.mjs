// Size and time of each compression choice on one image (an uncompressed .img, such as
// `rpi-build image --compression none` writes), one at a time, as ratios to the default.
// Usage: node bench/compress.mjs IMAGE [--quick] [--verify]
//   --quick   leave out the slow levels (xz -6, zstd -19)
//   --verify  decompress each output and compare with the image (threaded xz writes other
//             bytes than one-thread xz; both must give the image back)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, dirname, join } from 'node:path';

const args = process.argv.slice(2);
const image = args.find((a) => !a.startsWith('--'));
if (!image) {
  process.stderr.write('Usage: node bench/compress.mjs IMAGE [--quick] [--verify]\n');
  process.exit(2);
}
const quick = args.includes('--quick');
const verify = args.includes('--verify');
const has = (tool) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool]).status === 0;

// [label, argv writing to stdout, decompressor]; the first is the default, the ratios' base.
const CHOICES = [
  ['xz -0 -T0 (default)', ['xz', '-T0', '-0', '-c'], ['xz', '-dc']],
  ['xz -0 -T1', ['xz', '-T1', '-0', '-c'], ['xz', '-dc']],
  ['xz -1 -T0', ['xz', '-T0', '-1', '-c'], ['xz', '-dc']],
  ['xz -3 -T0', ['xz', '-T0', '-3', '-c'], ['xz', '-dc']],
  ...(quick ? [] : [['xz -6 -T0', ['xz', '-T0', '-6', '-c'], ['xz', '-dc']]]),
  ['zstd -3 -T0', ['zstd', '-T0', '-3', '-c'], ['zstd', '-dc']],
  ['zstd -10 --long=27 -T0', ['zstd', '-T0', '-10', '--long=27', '-c'], ['zstd', '-dc', '--long=27']],
  ['zstd -10 --long=27 -T1', ['zstd', '-T1', '-10', '--long=27', '-c'], ['zstd', '-dc', '--long=27']],
  ...(quick
    ? []
    : [['zstd -19 --long=27 -T0', ['zstd', '-T0', '-19', '--long=27', '-c'], ['zstd', '-dc', '--long=27']]]),
  ['gzip -6', ['gzip', '-6', '-c'], ['gzip', '-dc']],
  ...(has('pigz') ? [['pigz -6', ['pigz', '-6', '-c'], ['gzip', '-dc']]] : []),
];

/** Runs argv (reading the file it names, as the build does) with stdout to `output`; wall and CPU seconds. */
function timed(argv, output) {
  // bash's `times` prints the children's user and system time; argv goes in as "$@".
  const script = '"$@" > "$OUT"; s=$?; times >&2; exit $s';
  const t = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', script, 'bash', ...argv], {
    env: { ...process.env, OUT: output },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  const mins = [...r.stderr.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { wall, cpu: (mins[2] ?? 0) + (mins[3] ?? 0) };
}

async function sha256(path) {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk);
  return h.digest('hex');
}

const size = statSync(image).size;
const used = statSync(image).blocks * 512;
const dir = mkdtempSync(join(dirname(image), '.bench-compress-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const mib = (n) => (n / 2 ** 20).toFixed(0);
process.stdout.write(
  `${basename(image)}: ${mib(size)} MiB (${mib(used)} MiB allocated), ${cpus().length} cores (${cpus()[0]?.model ?? '?'})\n`,
);
// Read it once so every choice starts with the image in the page cache.
timed(['cat', image], '/dev/null');
const want = verify ? await sha256(image) : '';

const rows = [];
for (const [label, argv, back] of CHOICES) {
  if (!has(argv[0])) continue;
  const out = join(dir, 'out');
  const { wall, cpu } = timed([...argv, image], out);
  const bytes = statSync(out).size;
  let same = '';
  if (verify) {
    timed([...back, out], join(dir, 'back'));
    same = (await sha256(join(dir, 'back'))) === want ? 'yes' : 'NO';
    rmSync(join(dir, 'back'));
  }
  rmSync(out);
  rows.push({ label, bytes, wall, cpu, same });
  process.stderr.write(`  ${label}: ${mib(bytes)} MiB in ${wall.toFixed(1)} s\n`);
}

const base = rows[0];
const head = [
  'choice',
  'size MiB',
  'size vs default',
  'time s',
  'time vs default',
  'CPU s',
  ...(verify ? ['same image back'] : []),
];
const lines = [
  `| ${head.join(' | ')} |`,
  `| --- | ${head
    .slice(1)
    .map(() => '---:')
    .join(' | ')} |`,
  ...rows.map(
    (r) =>
      `| ${[
        r.label,
        mib(r.bytes),
        `${(r.bytes / base.bytes).toFixed(2)}x`,
        r.wall.toFixed(1),
        `${(r.wall / base.wall).toFixed(2)}x`,
        r.cpu.toFixed(1),
        ...(verify ? [r.same] : []),
      ].join(' | ')} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
