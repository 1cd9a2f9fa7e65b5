// The bundled action, run as a runner runs it (support/runner.ts).
import { describe, expect } from 'vitest';
import { itNeeds } from './support/needs.js';
import { ISOLATED, Runner } from './support/runner.js';

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
