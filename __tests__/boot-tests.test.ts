// Tests inside the booted image, end to end on a real arm64 image: one build whose boot runs a
// passing and a failing script (the build fails naming the failing one, out-dir stays empty, the
// built-in checks' facts are logged, a service its customize script enabled fails at boot and is
// named), then `rpi-build boot-test IMAGE --test-script` on the image that build left in its work
// folder: a passing script (exit 0; the failed unit only a warning), a hanging one (stopped at
// test-timeout, named), and the image afterwards (same bytes, no trace of the unit or scripts in
// its root). The default image, its root restored from the cache kernel-image keeps between runs
// (a build that fails saves nothing, so a cache of its own would always be cold; on a new
// machine image-build's cold build fills it first); the build boots on the Pi 3 board, the rest
// on virt (the checks do not depend on the machine). Slow: one build, three boots.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { itNeeds } from './support/needs.js';
import { ROOT } from './support/runner.js';
import { fileScratch } from './support/scratch.js';
import { debugfs, partitions } from './support/image-inspect.js';
import { KEPT_CACHE_HOME } from './support/image-checks.js';
import { defaultCacheDir } from '../src/cache/local-store.js';

const CLI = join(ROOT, 'dist', 'cli.js');
const NEEDS = [
  'root',
  'tool:mmdebstrap',
  'tool:qemu-aarch64-static',
  'tool:qemu-system-aarch64',
  'tool:mcopy',
  'tool:debugfs',
] as const;
const MIN = 60_000;
/** kernel-image's kept cache: the default root comes from it (this file's build never saves). */
const CACHE = defaultCacheDir({ XDG_CACHE_HOME: KEPT_CACHE_HOME });

const scratch = fileScratch();
const cwd = scratch('boot-tests');
const work = join(cwd, 'work');
const scripts = {
  'ok.sh': '#!/bin/sh\necho "hello from $(uname -m) as $(id -un)"\necho second line\n',
  'bad.sh': '#!/bin/sh\necho about to fail\nexit 3\n',
  // No #!: the runner gives it to sh.
  'hang.sh': 'echo hanging now\nsleep 100000\n',
  // A customize script that enables a service which fails at every boot.
  'broken-unit.sh':
    "#!/bin/sh\nset -e\nprintf '[Unit]\\nDescription=fails on purpose\\n[Service]\\nType=oneshot\\nExecStart=/bin/false\\n[Install]\\nWantedBy=multi-user.target\\n' > /etc/systemd/system/rpi-broken.service\nsystemctl enable rpi-broken.service\n",
};
mkdirSync(join(cwd, 'ci'), { recursive: true });
for (const [name, text] of Object.entries(scripts))
  writeFileSync(join(cwd, 'ci', name), text, { mode: 0o755 });

function cli(...args: string[]) {
  return spawnSync('node', [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30 * MIN,
    env: { ...process.env, GITHUB_ACTIONS: '' },
  });
}
const sha256 = (file: string) => execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
/** The raw image the failed build left in its work folder (compression none). */
const image = join(work, 'stage', 'rpi-build-trixie-arm64.img');
let imageHash = '';

describe('test scripts inside the booted image', () => {
  itNeeds(
    [...NEEDS],
    'a build whose script exits 3 fails naming it, publishes nothing, and logs the passing script and the built-in checks',
    () => {
      const r = cli(
        'image',
        '--out',
        'out',
        '--work-dir',
        work,
        '--cache-dir',
        CACHE,
        '--compression',
        'none',
        // A service that fails at every boot: named among the checks, a warning, never the failure.
        '--customize',
        'ci/broken-unit.sh',
        '--test-script',
        'ci/ok.sh\nci/bad.sh',
      );
      const log = r.stdout + r.stderr;
      expect(r.status, log.slice(-3000)).not.toBe(0);
      expect(r.stderr).toContain('Boot test on raspi3b (Pi 3B)');
      expect(r.stderr).toMatch(/Boot test failed after \d+ s: test script bad\.sh exited with code 3/);
      // The passing script's output reached the log, attributed to it; its fact says passed.
      expect(log).toMatch(/^\[ok\.sh\] hello from aarch64 as root$/m);
      expect(log).toMatch(/^\[ok\.sh\] second line$/m);
      expect(log).toMatch(/^\[bad\.sh\] about to fail$/m);
      expect(log).toMatch(/^test: ok\.sh: passed in \d+ s$/m);
      expect(log).toMatch(/^test: bad\.sh: failed \(exit 3\) after \d+ s$/m);
      // The built-in checks: the default image (no password, no key: locked).
      expect(log).toMatch(
        /^boot-check: root: fills the disk: file system \d+ MiB, partition ends at (\d+) MiB of \1 MiB$/m,
      );
      expect(log).toMatch(/^boot-check: user: pi: in sudo, password locked, 0 authorized keys$/m);
      expect(log).toMatch(/^boot-check: machine: raspi3b \(Pi 3B\), login prompt after \d+ s$/m);
      expect(log).toMatch(/^boot-check: ssh-host-keys: ecdsa, ed25519, rsa$/m);
      expect(log).toMatch(/^boot-check: units: degraded; failed: rpi-broken\.service$/m);
      // The console log has the markers and the output too, kept in logs/ (what diagnostics
      // collect; the stage folder is discarded), and its end is printed with the failure.
      const kept = join(work, 'logs', 'rpi-build-trixie-arm64.boot.log');
      expect(r.stderr).toContain(`Console log: ${kept}`);
      expect(r.stderr).toMatch(/^The console's last 20 lines:$/m);
      const consoleLog = readFileSync(kept, 'utf8');
      expect(consoleLog).toMatch(/rpi-build-test: begin ok\.sh/);
      expect(consoleLog).toMatch(/rpi-build-test: end bad\.sh exit=3 seconds=\d+/);
      // Nothing published.
      expect(existsSync(join(cwd, 'out')) ? readdirSync(join(cwd, 'out')) : []).toEqual([]);
      expect(existsSync(image), 'the failed build leaves its image in the work folder').toBe(true);
      imageHash = sha256(image);
    },
    30 * MIN,
  );

  itNeeds(
    [...NEEDS],
    'boot-test IMAGE --test-script with a passing script exits 0 and logs its output',
    () => {
      expect(imageHash, 'runs after the build').not.toBe('');
      // On virt (still an option, for kernels without the board's drivers): the same runner.
      const r = cli('boot-test', image, '--test-script', 'ci/ok.sh', '--boot-machine', 'virt');
      expect(r.status, r.stderr.slice(-3000)).toBe(0);
      expect(r.stderr).toContain('Boot test (arm64) on virt');
      expect(r.stderr).toMatch(/^boot-check: machine: virt, login prompt after \d+ s$/m);
      expect(readFileSync(join(cwd, 'rpi-build-trixie-arm64.boot.log'), 'utf8')).toMatch(
        /Machine model: linux,dummy-virt/,
      );
      expect(r.stderr).toMatch(/^\[ok\.sh\] hello from aarch64 as root$/m);
      expect(r.stderr).toMatch(/^test: ok\.sh: passed in \d+ s$/m);
      expect(r.stderr).toMatch(/PASSED after \d+ s: raspberrypi login:/);
      // The image's broken service fails at this boot too: named and warned about, not fatal.
      expect(r.stderr).toMatch(/^boot-check: units: degraded; failed: rpi-broken\.service$/m);
      expect(r.stderr).toMatch(/^warning: Boot test: units failed at boot: rpi-broken\.service$/m);
    },
    10 * MIN,
  );

  itNeeds(
    [...NEEDS],
    'a script that never ends is stopped at test-timeout and named',
    () => {
      expect(imageHash, 'runs after the build').not.toBe('');
      const r = cli(
        'boot-test',
        image,
        '--test-script',
        'ci/hang.sh',
        '--test-timeout',
        '20',
        '--boot-machine',
        'virt',
      );
      expect(r.status, r.stderr.slice(-3000)).not.toBe(0);
      expect(r.stderr).toMatch(/^\[hang\.sh\] hanging now$/m);
      expect(r.stderr).toMatch(
        /FAILED after \d+ s: test script hang\.sh did not finish within test-timeout \(20 s\) and was stopped/,
      );
      // Stopped by the guest's own bound (the host's much later one says "still running when the
      // boot test ran out of time"), and not long before test-timeout (whose clock starts a moment
      // before the script does).
      const waited = /^test: hang\.sh: timed out after (\d+) s \(test-timeout 20 s\)$/m.exec(r.stderr);
      expect(waited, r.stderr.slice(-3000)).not.toBeNull();
      expect(Number(waited![1])).toBeGreaterThanOrEqual(18);
      expect(r.stderr).not.toMatch(/still running when the boot test ran out of time/);
    },
    10 * MIN,
  );

  itNeeds(
    [...NEEDS],
    'the image is unchanged: same bytes, and its root holds no unit, runner or script',
    () => {
      expect(imageHash, 'runs after the build').not.toBe('');
      expect(sha256(image)).toBe(imageHash);
      const root = partitions(image).partitions[1]!.start;
      const listing = (path: string) => debugfs(image, root, `ls -l ${path}`);
      expect(listing('/var/lib')).not.toMatch(/rpi-build-test/);
      expect(listing('/etc/systemd/system')).not.toMatch(/rpi-build-test/);
      expect(listing('/etc/systemd/system/multi-user.target.wants')).not.toMatch(/rpi-build-test/);
      expect(listing('/etc/systemd/system/multi-user.target.wants')).toMatch(/rpi-build-firstboot\.service/);
    },
  );
});
