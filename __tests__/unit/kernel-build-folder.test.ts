// kernel-dir's folder, read before any work: what it finds in a kernel build's out folder
// (src/kernel/build-folder.ts). The refusals are in the bad-input table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kernelFormat, readKernelBuild } from '../../src/kernel/build-folder.js';
import { InputError } from '../../src/runtime/errors.js';
import { RELEASE, arm64Image, armZImage, makeKernelBuild } from '../support/kernel-builds.js';

const top = mkdtempSync(join(tmpdir(), 'rpi-kernel-dir-'));
afterAll(() => rmSync(top, { recursive: true, force: true }));

describe('a kernel build folder', () => {
  it('knows an arm64 Image and an ARM zImage by their headers, and nothing else', () => {
    expect(kernelFormat(arm64Image())).toBe('arm64');
    expect(kernelFormat(armZImage())).toBe('arm');
    expect(kernelFormat(Buffer.from('#!/bin/sh\n'))).toBeUndefined();
    expect(kernelFormat(Buffer.alloc(4096))).toBeUndefined();
  });

  it('reads release, kernel, device trees, overlays and modules of an arm64 build', async () => {
    const dir = makeKernelBuild(top, 'arm64');
    const b = await readKernelBuild(dir, 'arm64');
    expect(b).toMatchObject({
      release: RELEASE,
      arch: 'arm64',
      firmwareName: 'kernel8.img',
      kernel: join(dir, 'boot', 'kernel8.img'),
      config: join(dir, `config-${RELEASE}`),
      systemMap: join(dir, `System.map-${RELEASE}`),
      modules: join(dir, `modules-${RELEASE}.tar.gz`),
    });
    expect(b.dtbs.map((d) => d.split('/').pop())).toEqual(['bcm2710-rpi-3-b.dtb', 'bcm2837-rpi-3-b.dtb']);
    expect(b.overlays.map((d) => d.split('/').pop())).toEqual(['rpi-build-test.dtbo']);
  });

  it('takes a Pi 2 zImage for armhf, and a kernel without modules needs no tarball', async () => {
    const dir = makeKernelBuild(top, 'armhf', {
      firmwareName: 'kernel7.img',
      kernel: armZImage(),
      modules: 'none',
      config: '# CONFIG_MODULES is not set\n',
    });
    const b = await readKernelBuild(dir, 'armhf');
    expect(b.firmwareName).toBe('kernel7.img');
    expect(b.modules).toBeUndefined();
    await expect(readKernelBuild(dir, 'armel')).rejects.toThrow(
      /holds kernel7\.img, a kernel for armhf images, but arch is armel\. Use arch armhf, or build the kernel for armel \(board pi1\)/,
    );
  });

  it('refuses a zImage named as an arm64 kernel, naming the file', async () => {
    const dir = makeKernelBuild(top, 'mixed', { kernel: armZImage() });
    const err = await readKernelBuild(dir, 'arm64').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(
      /boot\/kernel8\.img in .* is not an arm64 Image \(it is an arm kernel\)/,
    );
  });
});
