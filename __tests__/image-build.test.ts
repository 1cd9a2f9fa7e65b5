// The main job end to end, as a user runs it: `rpi-build image --out DIR` with real
// mmdebstrap under real QEMU user emulation, the image assembled without loop devices,
// then booted under qemu-system to a login prompt. Slow (minutes each): runs in CI as root.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { readElf } from '../src/binfmt/elf.js';
import { archiveStates } from '../src/cache/rootfs-cache.js';
import { LocalStore, defaultCacheDir } from '../src/cache/local-store.js';
import { itNeeds, missing } from './support/needs.js';
import { fileScratch } from './support/scratch.js';
import { Runner, bootLines, type RunnerUser } from './support/runner.js';
import { createHostedUser, removeHostedUser, userDeletes } from './support/hosted-user.js';
import { runNode, startResultsService, type ResultsService } from './support/results-service.js';
import { debugfs, dumpFromExt4, partitions } from './support/image-inspect.js';
import {
  IMAGE_NEEDS as NEEDS,
  KEPT_CACHE_HOME,
  MIN,
  SUITE,
  cacheEntries,
  checkImage,
  cli,
  expectNoHostPath,
} from './support/image-checks.js';
import { ganttAgainstTable, ganttTasks } from './support/gantt.js';

/** The action's own runs go as a hosted runner's user: an ordinary account with passwordless sudo. */
const HOSTED = [...NEEDS, 'tool:sudo', 'tool:useradd'] as const;
const HOSTED_USER = 'rpibuild-hosted-img';
const scratch = fileScratch();
const ARM64_CACHE = scratch('cache-arm64');
/** What the cold build made, for the tests after it: its manifest and its cache entry. */
const first = {
  manifest: '',
  tarball: '',
  key: '',
  restorePrefix: '',
  mtimes: {} as Record<string, number>,
  /** The published .img.xz, kept as the base-image case's base. */
  image: '',
};
/** Puts a rootfs tarball into a CLI cache folder under a key (as an earlier CLI build would have). */
function seedLocalCache(cacheHome: string, key: string) {
  mkdirSync(join(cacheHome, 'rpi-build'), { recursive: true });
  copyFileSync(first.tarball, join(cacheHome, 'rpi-build', `${key}.cache`));
}
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
/**
 * The key a default build looks up now. Debian's archive moves several times a day (each push
 * re-signs InRelease), and a run of this file can span a push: a test that means an exact hit
 * seeds under this key, not under the cold build's.
 */
async function keyNow(): Promise<string> {
  const state = await archiveStates({
    suite: SUITE,
    mirror: 'http://deb.debian.org/debian',
    securityMirror: 'http://deb.debian.org/debian-security',
    components: [],
  });
  return `${first.restorePrefix}${state}`;
}

/** The action runs build with SOURCE_DATE_EPOCH set: files the build writes get this time. */
const EPOCH = 1_700_000_000;
const WRITTEN = ['/etc/hostname', '/etc/shadow', '/etc/passwd', '/etc/timezone', '/etc/default/locale'];
/** mtimes (seconds) of files the customize step writes, read from a compressed image's root. */
function writtenMtimes(xz: string): Record<string, number> {
  const dir = scratch('mtimes');
  copyFileSync(xz, join(dir, 'image.img.xz'));
  execFileSync('xz', ['-d', '-T0', join(dir, 'image.img.xz')]);
  const image = join(dir, 'image.img');
  const root = partitions(image).partitions[1]!.start;
  const out: Record<string, number> = {};
  for (const f of WRITTEN) {
    const hex = /mtime: 0x([0-9a-f]+)/.exec(debugfs(image, root, `stat ${f}`))?.[1];
    out[f] = hex ? parseInt(hex, 16) : -1;
  }
  rmSync(dir, { recursive: true, force: true });
  return out;
}

describe('rpi-build image', () => {
  let svc: ResultsService | undefined;
  // The same runner folders for both action runs, as on a hosted runner: the cache's version
  // includes the saved path, and the archive holds it relative to the workspace.
  const runnerDir = scratch('runner');
  const runnerTemp = join(runnerDir, 'temp');
  /** A workflow run's environment; a later run (the nightly's next night) gets its own run id. */
  const actionEnv = (run = 'run-1', attempt = 1) => {
    const env: Record<string, string> = {
      ...svc!.envForJob(`job-${run}-${attempt}`, `${run}-0000-0000-0000-000000000000`),
      GITHUB_RUN_ATTEMPT: String(attempt),
    };
    env.GITHUB_RUN_ID = run.replace(/\D/g, '');
    delete env.RUNNER_TEMP; // the runner's own
    env.SOURCE_DATE_EPOCH = String(EPOCH);
    return env;
  };
  let user: RunnerUser;
  beforeAll(async () => {
    if (missing([...HOSTED])) return;
    svc = await startResultsService();
    user = createHostedUser(HOSTED_USER);
  }, MIN);
  afterAll(async () => {
    await svc?.stop();
    if (!missing([...HOSTED])) removeHostedUser(HOSTED_USER);
  });

  itNeeds(
    [...HOSTED],
    'the bundled action, as a hosted runner user with sudo, builds the default image cold: outputs, summary, artifact; post saves the rootfs cache; the user can delete all that is left',
    async () => {
      const runner = new Runner(runnerDir, user);
      const out = join(runner.workspace, 'images');
      // boot-machine virt: the input reaches the boot test, and trixie boots on virt too (the CLI
      // case below boots the same image on the Pi 3 board, the default).
      const main = await runner.main({
        inputs: { 'out-dir': out, 'boot-machine': 'virt' },
        env: actionEnv(),
        timeoutMs: 30 * MIN,
      });
      expect(main.exitCode, main.stdout.slice(-3000)).toBe(0);
      expect(main.stdout).toContain('::group::Root filesystem: Debian trixie arm64');
      expect(main.stdout).toMatch(/rootfs cache miss: rpi-build-rootfs-/);
      expect(main.stdout).toContain('::group::Boot test on virt');
      expect(main.stdout).toMatch(/^boot-check: machine: virt, login prompt after \d+ s$/m);
      expect(main.stdout, bootLines(main.stdout)).toMatch(
        /Boot test passed in \d+ s: "raspberrypi login:"; rpi-build-firstboot: root filesystem \d+ MiB -> \d+ MiB/,
      );
      const image = main.outputs['image-path']!;
      expect(image).toBe(join(out, 'rpi-build-trixie-arm64.img.xz'));
      expect(main.outputs['image-sha256']).toBe(sha256(image));
      expect(Number(main.outputs['image-size'])).toBe(statSync(image).size);
      expect(main.outputs['cache-hit']).toBe('false');
      expect(main.outputs.emulated).toBe('arm64');
      for (const phase of ['rootfs', 'customize', 'assemble', 'boot-test', 'compress']) {
        expect(main.summary).toMatch(new RegExp(`^\\| ${phase} \\| \\d+\\.\\d \\| ok \\|$`, 'm'));
      }
      expect(main.summary).toMatch(/^\| rootfs \| miss \| `rpi-build-rootfs-/m);
      // The timeline: a mermaid gantt drawing the phase table's phases and durations, compress and
      // the boot test side by side.
      const chart = ganttAgainstTable(main.summary);
      expect(chart.gantt).toEqual(chart.table);
      const bar = (n: string) => ganttTasks(main.summary).find((t) => t.name === n)!;
      expect(bar('compress').start).toBeLessThan(bar('boot-test').end);
      expect(bar('boot-test').start).toBeLessThan(bar('compress').end);
      expect(main.summary).toMatch(/^\| Boot test \| passed in \d+ s \|$/m);
      expect(main.summary).toMatch(/^\| First user \| locked \(no password and no SSH key given\) \|$/m);
      // No cache is saved by main: only the post step saves, after success.
      expect(svc!.caches()).toEqual([]);
      const work = JSON.parse(main.state.workDir!) as string;
      expect(work).toBe(join(runnerTemp, 'rpi-build'));

      const post = await runner.post({ env: actionEnv() });
      expect(post.exitCode).toBe(0);
      expect(post.stdout).toMatch(/nothing remains mounted/);
      expect(post.stdout).toMatch(/saved rootfs cache rpi-build-rootfs-\S+ \(actions\)/);
      expect(post.stdout).not.toContain('::warning::');
      expect(post.stdout).not.toContain('::error::');
      const saved = svc!.caches();
      expect(saved).toHaveLength(1);
      expect(saved[0]!.finalized).toBe(true);
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(work);
      expect(existsSync(join(work, 'rootfs'))).toBe(false);

      // The files went up as one artifact, named for this matrix leg; its bytes are the image's.
      expect(main.outputs['artifact-name']).toBe('rpi-build-trixie-arm64');
      expect(main.outputs['artifact-url']).toBe(
        `http://gh.localhost/${svc!.env.GITHUB_REPOSITORY}/actions/runs/${svc!.env.GITHUB_RUN_ID}/artifacts/${main.outputs['artifact-id']}`,
      );
      expect(main.summary).toContain(`| Artifact | ${main.outputs['artifact-url']} |`);
      const artifact = svc!.artifacts().find((a) => a.name === 'rpi-build-trixie-arm64');
      expect(artifact?.finalized).toBe(true);
      const downloadDir = scratch('artifact-download');
      const down = await runNode(
        `const { DefaultArtifactClient } = await import('@actions/artifact');
         emit(await new DefaultArtifactClient().downloadArtifact(${Number(main.outputs['artifact-id'])}, { path: ${JSON.stringify(downloadDir)} }));`,
        { env: actionEnv() },
      );
      expect(down.exitCode, down.stderr).toBe(0);
      expect(readdirSync(downloadDir).sort()).toEqual(readdirSync(out).sort());
      expect(sha256(join(downloadDir, 'rpi-build-trixie-arm64.img.xz'))).toBe(main.outputs['image-sha256']);

      // SOURCE_DATE_EPOCH: what the build wrote carries the epoch, not the build's time.
      first.mtimes = writtenMtimes(image);
      expect(first.mtimes).toEqual(Object.fromEntries(WRITTEN.map((f) => [f, EPOCH])));
      first.manifest = readFileSync(join(out, 'rpi-build-trixie-arm64.manifest'), 'utf8');
      first.key = saved[0]!.key;
      first.restorePrefix = first.key.replace(/[^-]+$/, '');
      first.image = join(scratch('default-image'), 'rpi-build-trixie-arm64.img.xz');
      copyFileSync(image, first.image);
      first.tarball = join(scratch('saved-rootfs'), 'rootfs.tar.zst');
      copyFileSync(join(work, 'cache', 'rootfs.tar.zst'), first.tarball);
      // The cache home kept between runs (kernel-image and boot-tests restore the default root
      // from it): on a new machine this cold build fills it, so their roots are warm in the same
      // run. Through the CLI store's own save: whole or not at all, and an entry there wins.
      const seed = join(scratch('kept-seed'), 'rootfs.tar.zst');
      copyFileSync(first.tarball, seed);
      await new LocalStore(defaultCacheDir({ XDG_CACHE_HOME: KEPT_CACHE_HOME })).save(
        first.key,
        seed,
        first.restorePrefix,
      );
      // What the job left is the runner user's to delete (the next job's checkout needs that).
      const del = userDeletes(user, [runner.workspace, runner.temp]);
      expect(del.said).toBe('');
      expect(del.ok).toBe(true);
    },
    40 * MIN,
  );

  itNeeds(
    [...HOSTED],
    'a second action run on another runner (other folders) restores the rootfs from the Actions cache, byte for byte, and skips mmdebstrap',
    async () => {
      expect(first.key, 'runs after the cold action build').not.toBe('');
      // Another runner: its folders are elsewhere and deeper, as on a self-hosted fleet.
      const runner = new Runner(join(scratch('runner-b'), 'actions-runner', '_work'), user);
      const main = await runner.main({
        inputs: { 'out-dir': join(runner.workspace, 'images'), 'boot-test': 'false' },
        env: actionEnv('run-2'),
        timeoutMs: 30 * MIN,
      });
      expect(main.exitCode, main.stdout.slice(-3000)).toBe(0);
      const work = join(runner.temp, 'rpi-build');
      expect(readFileSync(join(work, 'logs', 'rootfs.log'), 'utf8')).not.toMatch(/^\$ mmdebstrap /m);
      // The same timestamps on what the build wrote (SOURCE_DATE_EPOCH), hit or brought up to date.
      expect(writtenMtimes(main.outputs['image-path']!)).toEqual(first.mtimes);
      const moved = (await keyNow()) !== first.key;
      if (moved) {
        // Debian pushed since the cold build: the entry is the start, brought up to date with apt.
        expect(main.outputs['cache-hit']).toBe('false');
        expect(main.stdout).toContain(`rootfs cache hit on an older archive state: ${first.key}`);
      } else {
        expect(main.outputs['cache-hit']).toBe('true');
        expect(main.stdout).toContain(`rootfs cache hit: ${first.key}`);
        expect(sha256(join(work, 'cache', 'rootfs.tar.zst'))).toBe(sha256(first.tarball));
        // The same configuration from the same archive state: the same package manifest.
        expect(
          readFileSync(join(runner.workspace, 'images', 'rpi-build-trixie-arm64.manifest'), 'utf8'),
        ).toBe(first.manifest);
        expect(main.summary).toMatch(/^\| rootfs \| hit \| `rpi-build-rootfs-/m);
      }
      const post = await runner.post({ env: actionEnv('run-2') });
      expect(post.exitCode).toBe(0);
      // A hit saves nothing new; a refreshed root is saved under the new state.
      expect(svc!.caches()).toHaveLength(moved ? 2 : 1);

      // A re-run of that job (same run, attempt 2): its upload replaces the first attempt's artifact.
      const run2 = 'run-2-0000-0000-0000-000000000000';
      const ofRun2 = () =>
        svc!
          .artifacts()
          .filter((a) => a.name === 'rpi-build-trixie-arm64' && a.workflowRunBackendId === run2);
      const before = ofRun2();
      expect(before.map((a) => a.finalized)).toEqual([true]); // attempt 1's artifact
      const rerun = await runner.main({
        inputs: { 'out-dir': join(runner.workspace, 'images'), 'boot-test': 'false' },
        env: actionEnv('run-2', 2),
        timeoutMs: 30 * MIN,
      });
      expect(rerun.exitCode, rerun.stdout.slice(-3000)).toBe(0);
      expect(rerun.stdout).toContain('replacing the artifact rpi-build-trixie-arm64 of an earlier attempt');
      const now = ofRun2();
      expect(now.map((a) => a.id)).toEqual([Number(rerun.outputs['artifact-id'])]);
      expect(now[0]!.id).not.toBe(before[0]!.id);
      expect((await runner.post({ env: actionEnv('run-2', 2) })).exitCode).toBe(0);
      const del = userDeletes(user, [runner.workspace, runner.temp]);
      expect(del.said).toBe('');
      expect(del.ok).toBe(true);
    },
    40 * MIN,
  );

  itNeeds(
    [...HOSTED],
    'a failing action build (as the hosted user) writes the failing phase and the end of its output into the summary and uploads diagnostics without the secret',
    async () => {
      expect(first.key, 'runs after the cold action build').not.toBe('');
      const secret = 'S3cr3t-Pa55-w0rd';
      const cacheHome = scratch('cache-diag');
      const key = await keyNow();
      seedLocalCache(cacheHome, key);
      const runner = new Runner(undefined, user);
      const script = join(runner.workspace, 'leaky.sh');
      writeFileSync(
        script,
        `#!/bin/sh\necho "the password is ${secret}"\necho "widget calibration failed" >&2\nexit 7\n`,
        {
          mode: 0o755,
        },
      );
      const inputs = {
        password: secret,
        customize: script,
        'cache-dir': join(cacheHome, 'rpi-build'),
        'boot-test': 'false',
      };
      const main = await runner.main({ inputs, env: actionEnv('run-3'), timeoutMs: 30 * MIN });
      expect(main.exitCode).toBe(1);
      expect(main.stdout).toContain(`::add-mask::${secret}`); // the runner hides it in the log
      expect(main.stdout).toMatch(/::error::customize script .*leaky\.sh exited with code 7/);
      expect(main.summary).toContain('**Failed in phase `customize`:**');
      expect(main.summary).toContain('widget calibration failed'); // the end of its output
      expect(main.summary).toMatch(/^\| customize \| [\d.]+ \| failed \|$/m);
      expect(main.summary).not.toContain(secret);
      const post = await runner.post({ env: actionEnv('run-3') });
      expect(post.exitCode).toBe(0);
      expect(readdirSync(join(cacheHome, 'rpi-build'))).toEqual([`${key}.cache`]); // nothing new saved
      expect(post.stdout).toMatch(/diagnostics uploaded as rpi-build-trixie-arm64-diagnostics/);
      const art = svc!.artifacts().find((a) => a.name === 'rpi-build-trixie-arm64-diagnostics');
      const dl = scratch('diag-download');
      const down = await runNode(
        `const { DefaultArtifactClient } = await import('@actions/artifact');
         emit(await new DefaultArtifactClient().downloadArtifact(${art!.id}, { path: ${JSON.stringify(dl)} }));`,
        { env: actionEnv('run-3') },
      );
      expect(down.exitCode, down.stderr).toBe(0);
      execFileSync('tar', ['-xzf', join(dl, 'rpi-build-diagnostics.tar.gz'), '-C', dl]);
      const files = readdirSync(join(dl, 'diagnostics'), { recursive: true }).map(String);
      for (const f of [
        'doctor.json',
        'binfmt.txt',
        'mountinfo.txt',
        'df.txt',
        'config.json',
        'error.txt',
        'logs/customize.log',
      ]) {
        expect(files).toContain(f);
      }
      const customizeLog = readFileSync(join(dl, 'diagnostics', 'logs', 'customize.log'), 'utf8');
      expect(customizeLog).toContain('the password is ***');
      const grep = spawnSync('grep', ['-rlF', secret, join(dl, 'diagnostics')], { encoding: 'utf8' });
      expect(grep.stdout).toBe(''); // nowhere in the bundle
      expect(grep.status).toBe(1);
      const del = userDeletes(user, [runner.workspace, runner.temp]);
      expect(del.said).toBe('');
      expect(del.ok).toBe(true);
    },
    40 * MIN,
  );

  itNeeds(
    [...HOSTED],
    'an unknown package fails the action step (as the hosted user) in the rootfs phase, named in the summary; post cleans up; the user can delete what is left',
    async () => {
      const runner = new Runner(undefined, user);
      const main = await runner.main({
        inputs: { packages: 'rpi-build-no-such-package', 'boot-test': 'false', cache: 'false' },
        env: actionEnv('run-4'),
        timeoutMs: 20 * MIN,
      });
      expect(main.exitCode).toBe(1);
      expect(main.summary).toContain('**Failed in phase `rootfs`:**');
      expect(main.summary).toMatch(/rpi-build-no-such-package/);
      expect(main.summary).toMatch(/^\| rootfs \| [\d.]+ \| failed \|$/m);
      const post = await runner.post({ env: actionEnv('run-4') });
      expect(post.exitCode).toBe(0);
      expect(post.stdout).toMatch(/nothing remains mounted/);
      expect(post.stdout).toMatch(/diagnostics uploaded as rpi-build-trixie-arm64-diagnostics/);
      const work = join(runner.temp, 'rpi-build');
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(work);
      const del = userDeletes(user, [runner.workspace, runner.temp]);
      expect(del.said).toBe('');
      expect(del.ok).toBe(true);
    },
    20 * MIN,
  );

  itNeeds(
    [...NEEDS, 'tool:mount'],
    'a work folder that fills up during assembly: a plain error naming it, nothing in out/, no cache saved',
    async () => {
      expect(first.key, 'runs after the cold action build').not.toBe('');
      const cacheHome = scratch('cache-full');
      const key = await keyNow();
      seedLocalCache(cacheHome, key);
      const cwd = scratch('image-full');
      const work = join(cwd, 'work');
      mkdirSync(work);
      // Room for the restored trixie root and its packed copy (about 0.73 GiB after customize) but
      // not for the image made from them as well (with 1100m the image fitted and xz ran out).
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=900m', 'rpi-build-full', work]);
      try {
        // min-free-disk 0: the doctor's up-front check would stop it before; this is about filling up mid-way.
        const r = cli(
          cwd,
          cacheHome,
          'image',
          '--out',
          'out',
          '--work-dir',
          work,
          '--boot-test',
          'false',
          '--min-free-disk',
          '0',
        );
        expect(r.status, r.stdout.slice(-2000)).toBe(1);
        expect(r.stdout + r.stderr).toMatch(
          new RegExp(
            `The work folder ${work} ran out of disk space during assembly \\(.* left\\)\\. Free space there`,
          ),
        );
        expect(r.stdout + r.stderr).toMatch(/assemble +[\d.]+ s +FAILED/);
        expect(existsSync(join(cwd, 'out')) ? readdirSync(join(cwd, 'out')) : []).toEqual([]);
        expect(cacheEntries(cacheHome)).toEqual([`${key}.cache`]);
        // The folder the user mounted for the build is theirs: still mounted afterwards.
        expect(readFileSync('/proc/self/mountinfo', 'utf8')).toContain(` ${work} `);
      } finally {
        spawnSync('umount', ['-l', work]);
      }
    },
    20 * MIN,
  );

  itNeeds(
    [...NEEDS],
    'the CLI with no flags but --out writes an arm64 image that boots on the Pi 3 board',
    async () => {
      expect(first.key, 'runs after the cold action build').not.toBe('');
      const key = await keyNow();
      seedLocalCache(ARM64_CACHE, key);
      const cwd = scratch('image-arm64');
      const r = cli(cwd, ARM64_CACHE, 'image', '--out', 'out');
      expect(r.status, r.stderr.slice(-3000)).toBe(0);
      expect(r.stderr, bootLines(r.stderr)).toMatch(
        /Boot test passed in \d+ s: "raspberrypi login:"; rpi-build-firstboot: root filesystem \d+ MiB -> \d+ MiB/,
      );
      expect(r.stderr).toMatch(/^Summary:$/m);
      expect(r.stdout).toMatch(/^image-sha256=[0-9a-f]{64}$/m);
      expect(r.stdout).toMatch(/^account=locked$/m);
      const { image, root } = checkImage(join(cwd, 'out'), 'arm64');
      expectNoHostPath(image, cwd);
      expect(readFileSync(join(cwd, 'out', 'rpi-build-trixie-arm64.manifest'), 'utf8')).toBe(first.manifest);
      const shadow = dumpFromExt4(image, root, '/etc/shadow', join(cwd, 'shadow'));
      expect(readFileSync(shadow, 'utf8')).toMatch(/^pi:!/m);
      // The first boot grew the root into the larger disk the boot test gave it.
      const grown = /root filesystem (\d+) MiB -> (\d+) MiB/.exec(
        readFileSync(join(cwd, 'out', 'rpi-build-trixie-arm64.boot.log'), 'utf8'),
      );
      expect(Number(grown![2]) - Number(grown![1])).toBeGreaterThan(900);
    },
    40 * MIN,
  );

  itNeeds(
    [...NEEDS],
    "--base-image starts from the default image: a password, a C compiler from the archive (tcc: gcc's 130 MB under emulation cost CI minutes), an overlay file, a customize script; commands compile a C program with the image's own compiler and copy-out brings back the AArch64 binary; same disk id and labels; the result boots (on virt: the CLI case boots this image's kernel and FAT on the Pi 3 board) and a test script sees it all; the same inputs again are a cache hit",
    async () => {
      expect(first.image, 'runs after the cold action build').not.toBe('');
      const cwd = scratch('image-base');
      mkdirSync(join(cwd, 'overlay', 'etc'), { recursive: true });
      writeFileSync(join(cwd, 'overlay', 'etc', 'base-overlay-marker'), 'from the overlay\n');
      writeFileSync(join(cwd, 'mark.sh'), '#!/bin/sh\necho "customize ran" > /etc/base-script-marker\n');
      writeFileSync(
        join(cwd, 'check-base.sh'),
        [
          '#!/bin/sh',
          'set -e',
          'grep -q "from the overlay" /etc/base-overlay-marker',
          'grep -q "customize ran" /etc/base-script-marker',
          'dpkg-query -W tcc',
          '/usr/local/bin/hello',
          'echo "base checks passed"',
          '',
        ].join('\n'),
      );
      const commands = [
        "cat > /tmp/hello.c <<'EOF'",
        '#include <stdio.h>',
        'int main(void) { puts("hello from the base image"); return 0; }',
        'EOF',
        'tcc -o /usr/local/bin/hello /tmp/hello.c',
        'rm /tmp/hello.c',
      ].join('\n');
      const password = 'base-pw-for-the-test';
      const args = (out: string) => [
        'image',
        '--out',
        out,
        '--base-image',
        first.image,
        '--password',
        password,
        '--packages',
        'tcc libc6-dev',
        '--overlay',
        'overlay',
        '--customize',
        'mark.sh',
        '--commands',
        commands,
        '--copy-out',
        '/usr/local/bin/hello',
        '--test-script',
        'check-base.sh',
        // virt: the shorter boot, beside the other files' boots in CI.
        '--boot-machine',
        'virt',
        '--compression',
        'none',
      ];
      const cacheHome = scratch('cache-base');
      const r = cli(cwd, cacheHome, ...args('out'));
      expect(r.status, r.stderr.slice(-3000)).toBe(0);
      expect(r.stderr + r.stdout).not.toContain(password);
      expect(r.stderr).toMatch(
        /^base image: \S+\.img\.xz: disk [0-9a-f]{8}, boot RASPIFIRM, root RASPIROOT$/m,
      );
      expect(r.stderr).toMatch(/packages: (downloading|unpacking|setting up) \S+ \(\d+ of \d+ set up\)/);
      expect(r.stdout).toMatch(/^account=password$/m);
      const hello = readElf(join(cwd, 'out', 'hello'));
      expect(await hello).toMatchObject({ machine: 'aarch64', bits: 64 });
      const bootLog = readFileSync(join(cwd, 'out', 'rpi-build-arm64.boot.log'), 'utf8');
      expect(bootLog).toContain('hello from the base image');
      expect(bootLog).toContain('base checks passed');
      // The same names as the base: its disk id (PARTUUIDs), labels and root UUID.
      const base = join(cwd, 'base.img');
      execFileSync('xz', ['-dc', first.image], { stdio: ['ignore', openSync(base, 'w'), 'inherit'] });
      const made = join(cwd, 'out', 'rpi-build-arm64.img');
      const ids = (img: string) =>
        partitions(img).partitions.map((p) =>
          execFileSync(
            'blkid',
            ['--probe', '--offset', String(p.start), '-s', 'LABEL', '-s', 'UUID', '-o', 'value', img],
            {
              encoding: 'utf8',
            },
          ),
        );
      expect(ids(made)).toEqual(ids(base));
      expect(execFileSync('sfdisk', ['--disk-id', made], { encoding: 'utf8' })).toBe(
        execFileSync('sfdisk', ['--disk-id', base], { encoding: 'utf8' }),
      );
      const manifest = readFileSync(join(cwd, 'out', 'rpi-build-arm64.manifest'), 'utf8');
      expect(manifest).toMatch(/^tcc\t/m);
      // The password given is the one that logs in: its hash in the image's shadow, checked with openssl.
      const shadowHash =
        /^pi:([^:]+):/m.exec(debugfs(made, partitions(made).partitions[1]!.start, 'cat /etc/shadow'))?.[1] ??
        '';
      const salt = shadowHash.split('$')[2] ?? '';
      expect(
        execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], {
          input: `${password}\n`,
          encoding: 'utf8',
        }).trim(),
      ).toBe(shadowHash);

      // The same inputs again: the customised base comes from the cache (no apt, no compiler run).
      const again = cli(cwd, cacheHome, ...args('out-again'), '--boot-test', 'false');
      expect(again.status, again.stderr.slice(-3000)).toBe(0);
      expect(again.stderr).toMatch(/customised base cache hit: rpi-build-base-v1-arm64-/);
      expect(again.stderr).not.toContain('==> packages');
      expect(again.stdout).toMatch(/^cache-hit=true$/m);
      expect(sha256(join(cwd, 'out-again', 'hello'))).toBe(sha256(join(cwd, 'out', 'hello')));
    },
    40 * MIN,
  );

  itNeeds(
    [...NEEDS],
    'an older cache entry is brought up to date with apt; a failing customize script then stops the build: no image, no cache saved',
    () => {
      expect(first.key, 'runs after the cold action build').not.toBe('');
      const cwd = scratch('image-fail');
      const cache = scratch('cache-fail');
      const older = `${first.restorePrefix}0000000000000000`;
      seedLocalCache(cache, older);
      writeFileSync(
        join(cwd, 'fail.sh'),
        '#!/bin/sh\necho "checking the widget"\necho "widget missing" >&2\nexit 3\n',
      );
      const r = cli(
        cwd,
        cache,
        'image',
        '--out',
        'out',
        '--customize',
        join(cwd, 'fail.sh'),
        '--boot-test',
        'false',
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`rootfs cache hit on an older archive state: ${older}`);
      expect(r.stderr).toMatch(/brought the cached root up to date: \d+ package\(s\) upgraded/);
      expect(readFileSync(join(cwd, '.work', 'logs', 'rootfs.log'), 'utf8')).toMatch(
        /^\$ chroot \S+ apt-get update/m,
      );
      expect(r.stderr).toMatch(/customize script .*fail\.sh exited with code 3/);
      expect(r.stderr).toContain('checking the widget');
      expect(r.stderr).toContain('widget missing');
      expect(existsSync(join(cwd, 'out')) ? readdirSync(join(cwd, 'out')) : []).toEqual([]);
      // The refreshed root was packed for the cache, yet a failed build saves nothing.
      expect(existsSync(join(cwd, '.work', 'cache', 'rootfs.tar.zst'))).toBe(true);
      expect(cacheEntries(cache)).toEqual([`${older}.cache`]);
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(join(cwd, '.work'));
    },
    40 * MIN,
  );
});
