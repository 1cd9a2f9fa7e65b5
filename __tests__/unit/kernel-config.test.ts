// The kernel's configuration inputs, checked before anything compiles: presets against
// arch, defconfig names against the tree, fragments as files or CONFIG_ lines.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileScratch } from '../support/scratch.js';
import { loadConfig } from '../../src/config/load.js';
import { checkDefconfig, fragmentLines, parseConfigLines } from '../../src/kernel/configure.js';
import { BOARDS, boardFor } from '../../src/kernel/presets.js';
import { InputError } from '../../src/runtime/errors.js';

const scratch = fileScratch();

describe('kernel configuration', () => {
  it('presets name the defconfig and the file the firmware loads', () => {
    expect(BOARDS['pi4-64']).toMatchObject({
      karch: 'arm64',
      defconfig: 'bcm2711_defconfig',
      firmwareName: 'kernel8.img',
    });
    expect(BOARDS.pi5.firmwareName).toBe('kernel_2712.img');
    expect(BOARDS.pi1).toMatchObject({
      karch: 'arm',
      defconfig: 'bcmrpi_defconfig',
      firmwareName: 'kernel.img',
    });
    expect(boardFor(undefined, 'armhf')).toBe('pi2');
    expect(boardFor(undefined, 'arm64')).toBe('pi4-64');
  });

  it('a board sets the arch unless one was given; a given arch that does not fit is an error', async () => {
    const pi2 = await loadConfig({ overrides: { target: 'kernel', board: 'pi2' } });
    expect(pi2.arch).toEqual(['armhf']);
    const err = await loadConfig({ overrides: { target: 'kernel', board: 'pi5', arch: 'armhf' } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).input).toBe('board');
    expect((err as Error).message).toMatch(
      /is built with ARCH=arm64, but arch is armhf.*use arch arm64 with board pi5/,
    );
  });

  it('an unknown defconfig names the ones the tree has', async () => {
    const tree = scratch('ktree');
    mkdirSync(join(tree, 'arch', 'arm64', 'configs'), { recursive: true });
    writeFileSync(join(tree, 'arch', 'arm64', 'configs', 'bcm2711_defconfig'), '');
    await expect(checkDefconfig(tree, 'arm64', 'bcm2711_defconfig')).resolves.toBeUndefined();
    await expect(checkDefconfig(tree, 'arm64', 'tinyconfig')).resolves.toBeUndefined();
    const err = await checkDefconfig(tree, 'arm64', 'bcm2712_defconfig').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(
      /^defconfig: "bcm2712_defconfig" is not a defconfig of this tree.*This tree has: bcm2711_defconfig, defconfig, tinyconfig/,
    );
  });

  it('fragments: files and CONFIG_ lines in order, localversion last; a missing file is an input error', async () => {
    const dir = scratch('kfrag');
    writeFileSync(join(dir, 'a.config'), 'CONFIG_A=y\n\n# CONFIG_B is not set\n');
    const lines = await fragmentLines([join(dir, 'a.config'), 'CONFIG_C=m'], '-ci');
    expect(lines).toEqual([
      'CONFIG_A=y',
      '# CONFIG_B is not set',
      'CONFIG_C=m',
      'CONFIG_LOCALVERSION="-ci"',
      '# CONFIG_LOCALVERSION_AUTO is not set',
    ]);
    expect(parseConfigLines(lines)).toEqual(
      new Map([
        ['CONFIG_A', 'y'],
        ['CONFIG_B', 'n'],
        ['CONFIG_C', 'm'],
        ['CONFIG_LOCALVERSION', '"-ci"'],
        ['CONFIG_LOCALVERSION_AUTO', 'n'],
      ]),
    );
    const err = await loadConfig({
      overrides: { target: 'kernel', 'kernel-config': join(dir, 'missing.config') },
    }).catch((e: unknown) => e);
    expect((err as InputError).input).toBe('kernel-config');
  });
});
