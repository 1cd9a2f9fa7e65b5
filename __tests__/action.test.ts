// The bundled action, run as a runner runs it (support/runner.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { fileScratch } from './support/scratch.js';
import { itNeeds } from './support/needs.js';
import { ISOLATED, Runner } from './support/runner.js';

const scratch = fileScratch();

describe('action as a runner runs it', () => {
  itNeeds(
    ['root', 'userns-binfmt', 'tool:qemu-aarch64-static'],
    'target: qemu sets platforms, emulated and native outputs; post runs clean',
    async () => {
      const runner = new Runner();
      const main = await runner.main({
        inputs: { target: 'qemu', arch: 'arm64, armhf' },
        prefix: [ISOLATED, 'mount'],
      });
      expect(main.exitCode).toBe(0);
      expect(main.stdout).toContain('::group::QEMU emulation');
      expect(main.outputs.platforms).toBe('linux/amd64,linux/arm64,linux/arm/v7');
      expect(main.outputs.emulated).toBe('arm64,armhf');
      expect(main.outputs.native).toBe('');
      expect(main.state.isPost).toBe('true');
      expect(main.state.outcome).toBe('"success"');
      const post = await runner.post();
      expect(post.exitCode).toBe(0);
      expect(post.stdout).not.toContain('::error::');
    },
  );

  itNeeds([], 'bad input fails before any work, naming the input and the accepted values', async () => {
    const runner = new Runner();
    const main = await runner.main({ inputs: { target: 'qemu', arch: 'arm64,riscv64' } });
    expect(main.exitCode).toBe(1);
    expect(main.stdout).toContain(
      '::error::arch: "riscv64" is not accepted. Accepted values: arm64, armhf, armel',
    );
    expect(main.stdout).not.toContain('::group::');
    expect(main.outputs).toEqual({});
    const post = await runner.post();
    expect(post.exitCode).toBe(0);
  });

  itNeeds([], 'the post step does nothing harmful when main never ran', async () => {
    const post = await new Runner().post();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('main step did not start');
  });
});

describe('post step caches', () => {
  const pendingState = (file: string, cacheDir: string, outcome: string) => ({
    STATE_isPost: 'true',
    STATE_outcome: JSON.stringify(outcome),
    STATE_cacheDir: JSON.stringify(cacheDir),
    STATE_pendingSaves: JSON.stringify([
      { what: 'rootfs', key: 'rpi-build-rootfs-test-abc', file, restorePrefix: 'rpi-build-rootfs-test-' },
    ]),
  });
  const setup = () => {
    const dir = scratch('post');
    const file = join(dir, 'rootfs.tar.zst');
    writeFileSync(file, 'tarball bytes');
    return { file, cacheDir: join(dir, 'cache') };
  };

  itNeeds([], 'saves the caches main asked for when the build succeeded', async () => {
    const { file, cacheDir } = setup();
    const post = await new Runner().post({ env: pendingState(file, cacheDir, 'success') });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('saved rootfs cache rpi-build-rootfs-test-abc (local)');
    expect(readFileSync(join(cacheDir, 'rpi-build-rootfs-test-abc.cache'), 'utf8')).toBe('tarball bytes');
  });

  itNeeds([], 'saves nothing when the build failed', async () => {
    const { file, cacheDir } = setup();
    const post = await new Runner().post({ env: pendingState(file, cacheDir, 'failure') });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('the build did not succeed; no cache saved (rootfs)');
    expect(existsSync(cacheDir)).toBe(false);
  });
});
