// Time to a working QEMU handler on a host that has none (a fresh, private binfmt_misc),
// and on a second run where the handlers exist. Run as root: node bench/qemu.mjs [rounds]
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.argv[2] ?? 5);

if (process.env.RPI_BENCH_INNER === '1') {
  // Inside the namespace: cold run, then warm run, each until an arm64 program runs.
  const cli = join(root, 'dist', 'cli.js');
  const time = (fn) => {
    const t = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const setup = () => {
    execFileSync('node', [cli, 'qemu', '--arch', 'arm64,armhf'], { stdio: 'ignore' });
    execFileSync(join(root, '.fixtures', 'arm64', 'bin', 'busybox'), ['true']);
  };
  process.stdout.write(JSON.stringify({ cold: time(setup), warm: time(setup) }));
} else {
  const cold = [];
  const warm = [];
  for (let i = 0; i < rounds; i++) {
    const r = spawnSync(
      join(root, '__tests__', 'support', 'isolated.sh'),
      ['hide', process.execPath, fileURLToPath(import.meta.url)],
      {
        env: { ...process.env, RPI_BENCH_INNER: '1' },
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`bench round failed: ${r.stderr}`);
    const t = JSON.parse(r.stdout);
    cold.push(t.cold);
    warm.push(t.warm);
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(`qemu setup, ${rounds} rounds (median), binfmt_misc unmounted and empty at start:`);
  console.log(`  first run  (mount + register arm64 and armhf + prove): ${median(cold).toFixed(0)} ms`);
  console.log(`  second run (handlers present, left alone + prove):    ${median(warm).toFixed(0)} ms`);
  console.log(`  ratio first/second: ${(median(cold) / median(warm)).toFixed(2)}x`);
}
