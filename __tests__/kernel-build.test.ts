// target kernel end to end, as the action runs it: Debian's linux-source tarball as
// kernel-path, arm64 tinyconfig plus a fragment, the cross gcc unpacked into the tool cache,
// ccache through the Actions cache (the results-service stand-in over Azurite). One cold
// compile (its cache restores answered 500: the build goes on, the post step saves), then
// runs through ccache: warm (its saves answered 500) and read-only. A kernel that cannot boot
// (no serial console) is kernel-image.test.ts's, on its kept cache; the other verdicts are unit
// tests (__tests__/unit/kernel-boot.test.ts) on the console texts such kernels printed.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  copyFileSync,
  openSync,
  readSync,
  closeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { itNeeds, missing } from './support/needs.js';
import { fileScratch } from './support/scratch.js';
import { LINUX_SOURCE } from './support/kernel-builds.js';
import { ROOT, Runner } from './support/runner.js';
import { startResultsService, type ResultsService } from './support/results-service.js';
import { makeRepository, startGitServer } from './support/git-server.js';

const SOURCE = LINUX_SOURCE;
const NEEDS = [`file:${SOURCE}`, 'tool:make', 'tool:ccache', 'tool:apt-get'] as const;
const MIN = 60_000;
// Kernel trees: removing them took over a minute in a CI-like run beside other builds (fileScratch allows 5).
const scratch = fileScratch();

/** arm64 Image header: "ARM\x64" magic at offset 56. */
function isArm64Image(file: string): boolean {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(64);
  readSync(fd, buf, 0, 64, 0);
  closeSync(fd);
  return buf.subarray(56, 60).toString('latin1') === 'ARM\x64';
}

const ccacheHits = (stdout: string) => Number(/ccache: (\d+) hits, (\d+) misses/.exec(stdout)?.[1] ?? -1);

describe('rpi-build kernel (action)', () => {
  let svc: ResultsService | undefined;
  const runnerDir = scratch('kernel-runner');
  /** With initramfs support (the kernel boot test runs a tiny /init); tinyconfig has none. */
  const inputs = (out: string) => ({
    target: 'kernel',
    'kernel-path': 'linux-source.tar.xz',
    defconfig: 'tinyconfig',
    'kernel-config': 'kernel-ci.config\nCONFIG_LOCALVERSION_AUTO=n\nCONFIG_BLK_DEV_INITRD=y',
    localversion: '-ci',
    'out-dir': out,
  });
  const prepare = () => {
    const runner = new Runner(runnerDir);
    // kernel-path must be inside the workspace; a link to the system's tarball is.
    if (!existsSync(join(runner.workspace, 'linux-source.tar.xz')))
      symlinkSync(SOURCE, join(runner.workspace, 'linux-source.tar.xz'));
    copyFileSync(
      join(ROOT, '__tests__', 'fixtures', 'kernel-ci.config'),
      join(runner.workspace, 'kernel-ci.config'),
    );
    return runner;
  };
  /** Each run is a new workflow run on a fresh runner: its own run id and an empty tool cache. */
  const env = (run: string, toolCache = scratch('toolcache')) => ({
    ...svc!.envForJob(`job-${run}`, `${run}-0000-0000-0000-000000000000`),
    GITHUB_RUN_ID: run.replace(/\D/g, ''),
    RUNNER_TOOL_CACHE: toolCache,
  });
  let firstImage = '';

  beforeAll(async () => {
    if (!missing([...NEEDS])) svc = await startResultsService();
  }, MIN);
  afterAll(async () => svc?.stop());

  itNeeds(
    [...NEEDS],
    'cold, with the cache service answering 500 to restores: cross gcc from the packages into the tool cache, ccache miss, the kernel boots its /init, outputs laid out for the boot partition; post saves both caches',
    async () => {
      const runner = prepare();
      const out = join(runner.workspace, 'kernel');
      const e = env('run-11');
      // A failing cache service costs the caches, never the build.
      svc!.setFault('cache', 500, { method: 'GetCacheEntryDownloadURL' });
      const main = await runner
        .main({
          inputs: { ...inputs(out), 'boot-test': 'true', 'boot-machine': 'virt' },
          env: e,
          timeoutMs: 30 * MIN,
        })
        .finally(() => svc!.setFault('cache', null));
      expect(main.exitCode, main.stdout.slice(-3000)).toBe(0);
      expect(main.stdout).toMatch(/Failed to restore: /);
      expect(main.outputs['boot-test']).toMatch(/^passed in \d+ s$/);
      expect(main.stdout).toMatch(
        /Kernel boot test passed in \d+ s: \/init ran on virt: "rpi-build-kernel-boot: init is running"/,
      );
      expect(readFileSync(join(out, 'boot-test.log'), 'utf8')).toContain(
        'rpi-build-kernel-boot: init is running',
      );
      expect(main.stdout).toMatch(/unpacking \d+ package\(s\) of aarch64-linux-gnu-gcc/);
      expect(main.stdout).toMatch(/ccache cache miss: ccache-v1-arm64-tinyconfig-/);
      expect(main.stdout).not.toContain('QEMU emulation');
      expect(main.stdout).toContain('::group::Build: make Image modules dtbs (ARCH=arm64)');
      const release = main.outputs['kernel-release']!;
      expect(release).toMatch(/^\d+\.\d+\.\d+-ci$/);
      expect(main.outputs['kernel-path']).toBe(out);
      expect(main.outputs['cache-hit']).toBe('false');

      expect(readdirSync(out).sort()).toEqual(
        [
          'SHA256SUMS',
          'System.map-' + release,
          'boot',
          'boot-test.log',
          'config-' + release,
          `modules-${release}.tar.gz`,
        ].sort(),
      );
      execFileSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: out });
      const image = join(out, 'boot', 'kernel8.img');
      expect(isArm64Image(image)).toBe(true);
      firstImage = readFileSync(image).toString('base64');
      expect(readdirSync(join(out, 'boot'))).toContain('bcm2711-rpi-4-b.dtb');
      const config = readFileSync(join(out, `config-${release}`), 'utf8');
      expect(config).toMatch(/^CONFIG_LOCALVERSION="-ci"$/m);
      expect(config).toMatch(/^CONFIG_CRC_CCITT=m$/m);
      const listing = execFileSync('tar', ['tzvf', join(out, `modules-${release}.tar.gz`)], {
        encoding: 'utf8',
      });
      expect(listing).toContain(`lib/modules/${release}/kernel/lib/crc-ccitt.ko`);
      expect(listing).toContain(`lib/modules/${release}/modules.dep`);
      // No links back into this machine's build folder, and root owns everything.
      expect(listing).not.toMatch(new RegExp(`lib/modules/${release}/(build|source)\\b`));
      expect(listing).toMatch(/^[-dl]\S+ 0\/0 /m);
      expect(main.summary).toMatch(/\| build \| \d+\.\d \| ok \|/);
      expect(svc!.caches()).toEqual([]); // main saves nothing; the post step does

      const post = await runner.post({ env: e });
      expect(post.exitCode, post.stdout).toBe(0);
      expect(post.stdout).toMatch(/saved ccache cache ccache-v1-arm64-tinyconfig-x64-11-1 \(actions\)/);
      expect(post.stdout).toMatch(/saved tool cross-gcc-aarch64-linux-gnu-\S+ cache tool-cross-gcc-/);
      expect(svc!.caches().map((c) => c.finalized)).toEqual([true, true]);
      expect(main.outputs['artifact-name']).toBe('linux-pi4-64');
      expect(svc!.artifacts().find((a) => a.name === 'linux-pi4-64')?.finalized).toBe(true);
    },
    30 * MIN,
  );

  itNeeds(
    [...NEEDS],
    'warm: toolchain restored from the Actions cache without apt, ccache restored and hit, same kernel; saves answered 500 only warn',
    async () => {
      const runner = prepare();
      const out = join(runner.workspace, 'kernel');
      const e = env('run-12');
      const main = await runner.main({ inputs: inputs(out), env: e, timeoutMs: 30 * MIN });
      expect(main.exitCode, main.stdout.slice(-3000)).toBe(0);
      expect(main.stdout).toMatch(
        /cross-gcc-aarch64-linux-gnu-\S+ tool cache hit: tool-cross-gcc-\S+-12\.\d+\.\d+-[0-9a-f]{16} \(.*, actions\)/,
      );
      expect(main.stdout).not.toMatch(/unpacking \d+ package\(s\)/);
      expect(main.stdout).toMatch(/ccache cache hit: ccache-v1-arm64-tinyconfig-x64-11-1 \(.*, actions\)/);
      const hits = ccacheHits(main.stdout);
      expect(hits).toBeGreaterThan(500);
      expect(main.outputs['cache-hit']).toBe('true');
      // Fixed build stamps: the warm build makes the same kernel, byte for byte.
      expect(readFileSync(join(out, 'boot', 'kernel8.img')).toString('base64')).toBe(firstImage);
      // The cache service now answers 500 to saves: a warning, and the job still passes.
      const before = svc!.caches().length;
      svc!.setFault('cache', 500, { method: 'CreateCacheEntry' });
      const post = await runner.post({ env: e }).finally(() => svc!.setFault('cache', null));
      expect(post.exitCode, post.stdout).toBe(0);
      expect(post.stdout).toMatch(/Failed to save: |could not save the ccache cache/);
      expect(svc!.caches().length).toBe(before);
    },
    30 * MIN,
  );

  itNeeds(
    [...NEEDS, 'tool:git', 'tool:dpkg-deb'],
    "kernel-source + kernel-ref: a shallow clone of a tag over git:// (git daemon here, a repository of Debian's linux-source) builds the same kernel through the same ccache, read-only as in a pull request (restores, saves nothing); kernel-debs: true makes real packages; a missing tag is refused naming kernel-ref",
    async () => {
      const runner = prepare();
      const top = scratch('kernel-git');
      const tree = join(top, 'tree');
      execFileSync('mkdir', ['-p', tree]);
      execFileSync('tar', ['-xf', SOURCE, '-C', tree, '--strip-components=1']);
      makeRepository(top, 'linux', tree, { branch: 'main', tag: 'v6.1-ci' });
      execFileSync('rm', ['-rf', tree]);
      const server = await startGitServer(top);
      try {
        const out = join(runner.workspace, 'kernel');
        const e = env('run-15');
        const { 'kernel-path': _path, ...fromTarball } = inputs(out);
        void _path;
        const clone = { ...fromTarball, 'kernel-source': server.url('linux'), 'kernel-ref': 'v6.1-ci' };
        const before = svc!.caches().length;
        const main = await runner.main({
          inputs: { ...clone, 'kernel-debs': 'true', 'cache-read-only': 'true' },
          env: e,
          timeoutMs: 30 * MIN,
        });
        expect(main.exitCode, main.stdout.slice(-3000)).toBe(0);
        // cache-read-only (pull requests): both caches restored, nothing to save.
        expect(main.stdout).toMatch(/tool cache hit: tool-cross-gcc-\S+ \(.*, actions\)/);
        expect(main.stdout).toMatch(/ccache cache hit: ccache-v1-arm64-tinyconfig-x64-/);
        expect(main.state.pendingSaves).toBeUndefined();
        expect(main.stdout).toContain(`cloning ${server.url('linux')} at v6.1-ci (shallow)`);
        expect(server.log()).toMatch(/Request upload-pack for '\/linux\.git'/);
        // The tree sits where the tarball's did: the compiler's paths match, ccache hits.
        expect(ccacheHits(main.stdout)).toBeGreaterThan(500);
        const release = main.outputs['kernel-release']!;
        // An annotated tag: no "+" for a tree that is not at a release.
        expect(release).toMatch(/^\d+\.\d+\.\d+-ci$/);
        expect(readFileSync(join(out, 'boot', 'kernel8.img')).toString('base64')).toBe(firstImage);
        expect(main.summary).toContain(`${server.url('linux')}@v6.1-ci`);

        const debs = readdirSync(out).filter((f) => f.endsWith('.deb'));
        const image = debs.find((f) => f.startsWith(`linux-image-${release}_`));
        expect(image, debs.join(' ')).toBe(`linux-image-${release}_${release}-1_arm64.deb`);
        const deb = join(out, image!);
        const field = (f: string) => execFileSync('dpkg-deb', ['-f', deb, f], { encoding: 'utf8' }).trim();
        expect(field('Architecture')).toBe('arm64');
        expect(field('Version')).toBe(`${release}-1`);
        const listing = execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8', maxBuffer: 64 << 20 });
        expect(listing).toMatch(new RegExp(`\\./boot/vmlinuz-${release.replace(/\./g, '\\.')}\\n`));
        expect(listing).toContain(`./lib/modules/${release}/kernel/lib/crc-ccitt.ko`);
        expect(listing).toContain('/bcm2837-rpi-3-b.dtb');
        execFileSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: out });
        expect(readFileSync(join(out, 'SHA256SUMS'), 'utf8')).toContain(`  ${image}\n`);
        const post = await runner.post({ env: e });
        expect(post.exitCode, post.stdout).toBe(0);
        expect(post.stdout).not.toMatch(/saved \S+ cache/);
        expect(svc!.caches().length).toBe(before);

        // A tag the repository does not have: refused with kernel-ref named, before any compile.
        const bad = await runner.main({
          inputs: { ...clone, 'kernel-ref': 'v9.9-none' },
          env: env('run-16'),
          timeoutMs: 10 * MIN,
        });
        expect(bad.exitCode).not.toBe(0);
        expect(bad.stdout).toMatch(
          /kernel-ref: git could not clone .*linux\.git at v9\.9-none: .*v9\.9-none not found/,
        );
        expect(bad.stdout).not.toContain('::group::Build:');
      } finally {
        await server.stop();
      }
    },
    30 * MIN,
  );
});
