import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/runner.js';
import { fileScratch } from './support/scratch.js';

const scratch = fileScratch();

const cli = (...args: string[]) =>
  spawnSync('node', [join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8' });

describe('rpi-build CLI bad input', () => {
  it.each([
    [
      ['qemu', '--arch', 'arm64,mips'],
      /^rpi-build: arch: "mips" is not accepted\. Accepted values: arm64, armhf, armel/,
    ],
    [
      ['build', '--target', 'firmware'],
      /^rpi-build: target: "firmware" is not accepted\. Accepted values: image, kernel, qemu/,
    ],
    [['qemu', '--arhc', 'arm64'], /^rpi-build: --arhc: is not a known flag\. Did you mean "arch"\?/],
    [['imgae'], /^rpi-build: command: "imgae" is not a command\. Did you mean "image"\?/],
    [
      ['image', '--compression', 'lzma'],
      /compression: "lzma" is not accepted\. Accepted values: xz, zstd, gzip, none/,
    ],
  ])('%j fails with exit code 2 before any work', (args, message) => {
    const r = cli(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('==>'); // no step started
  });
  it('a config file that does not parse', () => {
    const f = join(scratch('cli'), 'bad.yml');
    writeFileSync(f, 'arch: arm64\n  suite: [\n');
    const r = cli('build', '--config', f);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/config: .*bad\.yml is not valid YAML/);
  });
  it('prints usage listing every command', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const c of ['doctor', 'qemu', 'image', 'boot-test']) expect(r.stdout).toContain(`rpi-build ${c}`);
  });
});
