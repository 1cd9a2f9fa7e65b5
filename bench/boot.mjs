// Time to the login prompt of one image on each boot machine, side by side: the emulated Pi
// board for its arch (boot-machine pi) and QEMU's generic virt machine, one after the other
// with nothing else running, through the CLI's `boot-test` (the same boot the build runs).
// Usage: node bench/boot.mjs IMAGE [--arch arm64|armhf] [--runs N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const image = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!image) {
  process.stderr.write('Usage: node bench/boot.mjs IMAGE [--arch arm64|armhf] [--runs N]\n');
  process.exit(2);
}
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const arch = opt('--arch', 'arm64');
const runs = Number(opt('--runs', '1'));
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');

/** One boot: the machine line the boot test logs (login prompt seconds) and the whole boot test's time. */
function boot(machine) {
  const cwd = mkdtempSync(join(tmpdir(), 'rpi-bench-boot-'));
  try {
    const started = Date.now();
    const r = spawnSync(
      'node',
      [cli, 'boot-test', resolve(image), '--arch', arch, '--boot-machine', machine],
      {
        cwd,
        encoding: 'utf8',
        env: { ...process.env, GITHUB_ACTIONS: '' },
      },
    );
    const whole = (Date.now() - started) / 1000;
    const m = /^boot-check: machine: (.+), login prompt after (\d+) s$/m.exec(r.stderr);
    if (r.status !== 0 || !m) throw new Error(`boot-test on ${machine} failed:\n${r.stderr.slice(-2000)}`);
    return { label: m[1], login: Number(m[2]), whole };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

const rows = [];
for (const machine of ['pi', 'virt']) {
  for (let i = 0; i < runs; i++) {
    const r = boot(machine);
    rows.push({ machine, ...r });
    process.stderr.write(`${r.label}: login prompt after ${r.login} s, boot test ${r.whole.toFixed(0)} s\n`);
  }
}
const mean = (m, k) => {
  const xs = rows.filter((r) => r.machine === m).map((r) => r[k]);
  return xs.reduce((a, b) => a + b, 0) / xs.length;
};
const pad = (s, n) => String(s).padEnd(n);
console.log(`Time to the login prompt, ${image} (${arch}), ${runs} run(s) each, mean:`);
console.log(`${pad('machine', 22)}${pad('login prompt', 16)}whole boot test (checks, power-off)`);
for (const m of ['pi', 'virt']) {
  const label = rows.find((r) => r.machine === m).label;
  console.log(
    `${pad(label, 22)}${pad(`${mean(m, 'login').toFixed(0)} s`, 16)}${mean(m, 'whole').toFixed(0)} s`,
  );
}
console.log(
  `Pi board / virt: ${(mean('pi', 'login') / mean('virt', 'login')).toFixed(2)}x to the login prompt`,
);
