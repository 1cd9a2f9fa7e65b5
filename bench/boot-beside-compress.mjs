// Whether the build should boot-test and compress side by side or one after the other: the
// boot test (the CLI's `boot-test`, the same boot the build runs) and the default compression
// (xz -T0 -1) of one uncompressed image, each alone, then both at once, as wall seconds and
// the ratio of the two totals.
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

async function compress() {
  const dir = mkdtempSync(join(tmpdir(), 'rpi-bench-xz-'));
  try {
    return await run([
      'sh',
      '-c',
      'xz -T0 -1 -c "$1" > "$2"',
      'sh',
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
const started = Date.now();
const [pb, pc] = await Promise.all([boot(), compress()]);
const beside = (Date.now() - started) / 1000;
process.stderr.write(
  `side by side: ${beside.toFixed(1)} s (boot ${pb.wall.toFixed(1)} s, login after ${pb.login} s; compress ${pc.wall.toFixed(1)} s)\n`,
);
const after = b.wall + c.wall;
console.log(`| ${machine}, ${cpus().length} cores | one after the other | side by side | ratio |`);
console.log('| --- | ---: | ---: | ---: |');
console.log(`| boot test | ${b.wall.toFixed(1)} s | ${pb.wall.toFixed(1)} s | |`);
console.log(`| compress (xz -T0 -1) | ${c.wall.toFixed(1)} s | ${pc.wall.toFixed(1)} s | |`);
console.log(
  `| **total** | **${after.toFixed(1)} s** | **${beside.toFixed(1)} s** | **${(after / beside).toFixed(2)}x** |`,
);
