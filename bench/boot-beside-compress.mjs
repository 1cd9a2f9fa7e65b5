// Whether the build should boot-test and compress side by side or one after the other, and
// how the compressor should share the cores with the boot: the boot test (the CLI's
// `boot-test`, the same boot the build runs) and xz -0 of one uncompressed image, each alone,
// then both at once with xz on every core (-T0), on one core (-T1), and on every core at the
// lowest priority (nice 19, what the build does), as wall seconds and the ratio to one after
// the other.
// Usage: node bench/boot-beside-compress.mjs IMAGE [--arch arm64|armhf] [--machine pi|virt]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const image = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!image) {
  process.stderr.write(
    'Usage: node bench/boot-beside-compress.mjs IMAGE [--arch arm64|armhf] [--machine pi|virt]\n',
  );
  process.exit(2);
}
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const arch = opt('--arch', 'arm64');
const machine = opt('--machine', 'pi');
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');

/** Runs argv to the end; resolves with its wall seconds and what it printed on stderr. */
function run(argv, opts = {}) {
  return new Promise((done, fail) => {
    const started = Date.now();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c.toString()));
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`${argv.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`));
      else done({ wall: (Date.now() - started) / 1000, stderr });
    });
  });
}

async function boot() {
  const cwd = mkdtempSync(join(tmpdir(), 'rpi-bench-boot-'));
  try {
    const r = await run(
      ['node', cli, 'boot-test', resolve(image), '--arch', arch, '--boot-machine', machine],
      {
        cwd,
        env: { ...process.env, GITHUB_ACTIONS: '' },
      },
    );
    const login = /^boot-check: machine: .+, login prompt after (\d+) s$/m.exec(r.stderr)?.[1];
    return { wall: r.wall, login: Number(login) };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** xz -0 (the build's default) of the image with `threads` (0: a thread per core), under `nice` when given. */
async function compress(threads = 0, nice = 0) {
  const dir = mkdtempSync(join(tmpdir(), 'rpi-bench-xz-'));
  try {
    return await run([
      'nice',
      '-n',
      String(nice),
      'sh',
      '-c',
      'xz -T"$1" -0 -c "$2" > "$3"',
      'sh',
      String(threads),
      resolve(image),
      join(dir, 'image.img.xz'),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const b = await boot();
process.stderr.write(`boot alone: ${b.wall.toFixed(1)} s (login prompt after ${b.login} s)\n`);
const c = await compress();
process.stderr.write(`compress alone: ${c.wall.toFixed(1)} s\n`);
const after = b.wall + c.wall;
const variants = [
  ['xz -T0 (every core)', 0, 0],
  ['xz -T1 (one core)', 1, 0],
  ['xz -T0 under nice 19', 0, 19],
];
console.log(
  `| ${machine}, ${cpus().length} cores | boot | login prompt | compress | total | vs one after the other |`,
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
console.log(
  `| one after the other | ${b.wall.toFixed(1)} s | ${b.login} s | ${c.wall.toFixed(1)} s | **${after.toFixed(1)} s** | 1.00x |`,
);
for (const [name, threads, nice] of variants) {
  const started = Date.now();
  const [pb, pc] = await Promise.all([boot(), compress(threads, nice)]);
  const beside = (Date.now() - started) / 1000;
  process.stderr.write(
    `side by side, ${name}: ${beside.toFixed(1)} s (boot ${pb.wall.toFixed(1)} s, login after ${pb.login} s; compress ${pc.wall.toFixed(1)} s)\n`,
  );
  console.log(
    `| side by side, ${name} | ${pb.wall.toFixed(1)} s | ${pb.login} s | ${pc.wall.toFixed(1)} s | **${beside.toFixed(1)} s** | ${(after / beside).toFixed(2)}x |`,
  );
}
