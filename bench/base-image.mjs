// base-image cold against warm in one run: the same inputs (a package, an overlay file, a
// command and a copy-out) on the same base, first with an empty cache folder, then again with
// the entry the first run saved; wall seconds of each, the phases' seconds, and the ratio.
// Boot test off: it is the same boot either way, and is measured in bench/boot.mjs.
// Usage: node bench/base-image.mjs IMAGE [--package NAME]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const image = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!image) {
  process.stderr.write('Usage: node bench/base-image.mjs IMAGE [--package NAME]\n');
  process.exit(2);
}
const pkg = args.includes('--package') ? args[args.indexOf('--package') + 1] : 'hello';
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const cwd = mkdtempSync(join(tmpdir(), 'rpi-bench-base-'));

function build(out) {
  return new Promise((done, fail) => {
    const started = Date.now();
    const argv = [
      cli,
      'image',
      '--base-image',
      resolve(image),
      '--packages',
      pkg,
      '--overlay',
      'overlay',
      '--commands',
      'uname -m > /root/arch.txt',
      '--copy-out',
      '/root/arch.txt',
      '--boot-test',
      'false',
      '--compression',
      'none',
      '--out',
      out,
    ];
    const child = spawn('node', argv, {
      cwd,
      env: { ...process.env, GITHUB_ACTIONS: '', XDG_CACHE_HOME: join(cwd, 'cache') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c.toString()));
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`build exited ${code}:\n${stderr.slice(-2000)}`));
      const phases = Object.fromEntries(
        [...stderr.matchAll(/^ {2}(\S+) +(\d+\.\d) s/gm)].map((m) => [m[1], Number(m[2])]),
      );
      done({ wall: (Date.now() - started) / 1000, phases, hit: /customised base cache hit/.test(stderr) });
    });
  });
}

try {
  mkdirSync(join(cwd, 'overlay', 'etc'), { recursive: true });
  writeFileSync(join(cwd, 'overlay', 'etc', 'bench-marker'), 'bench\n');
  const cold = await build('out-cold');
  const warm = await build('out-warm');
  const show = (name, r) =>
    `${name}: ${r.wall.toFixed(1)} s (${Object.entries(r.phases)
      .map(([p, s]) => `${p} ${s} s`)
      .join(', ')})${r.hit ? ', cache hit' : ''}`;
  process.stdout.write(`${show('cold', cold)}\n${show('warm', warm)}\n`);
  process.stdout.write(`cold/warm: ${(cold.wall / warm.wall).toFixed(1)}x\n`);
} finally {
  rmSync(cwd, { recursive: true, force: true });
}
