// Lays the build out as the Pi's boot partition wants it (kernel under the firmware's file
// name, device trees at the top, overlays/*.dtbo), plus the modules tarball, .config and
// System.map. Nothing here names the build host: modules' build/source links are dropped.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from '../runtime/exec.js';
import { filesBelow } from '../runtime/files.js';
import { kmake, type MakeContext } from './make.js';
import type { BoardPreset } from './presets.js';

export interface InstalledKernel {
  /** The boot folder (kernel, .dtb, overlays/). */
  bootDir: string;
  /** Files beside it: modules tarball, config, System.map. */
  files: string[];
  dtbs: number;
  overlays: number;
  modules: number;
}

export async function installKernel(
  ctx: MakeContext,
  preset: Pick<BoardPreset, 'firmwareName' | 'makeTarget'>,
  release: string,
  stage: string,
  withModules: boolean,
): Promise<InstalledKernel> {
  const bootDir = join(stage, 'boot');
  await mkdir(join(bootDir, 'overlays'), { recursive: true });
  await copyFile(
    join(ctx.buildDir, 'arch', ctx.karch, 'boot', preset.makeTarget),
    join(bootDir, preset.firmwareName),
  );
  let dtbs = 0;
  let overlays = 0;
  for (const f of await filesBelow(join(ctx.buildDir, 'arch', ctx.karch, 'boot', 'dts'))) {
    const name = f.split('/').pop()!;
    if (name.endsWith('.dtbo')) {
      await copyFile(f, join(bootDir, 'overlays', name));
      overlays++;
    } else if (name.endsWith('.dtb')) {
      await copyFile(f, join(bootDir, name));
      dtbs++;
    }
  }
  const readme = join(ctx.srcDir, 'arch', ctx.karch, 'boot', 'dts', 'overlays', 'README');
  if (existsSync(readme)) await copyFile(readme, join(bootDir, 'overlays', 'README'));
  if (overlays === 0 && !existsSync(readme)) await rm(join(bootDir, 'overlays'), { recursive: true });

  const files = [join(stage, `config-${release}`), join(stage, `System.map-${release}`)];
  await copyFile(join(ctx.buildDir, '.config'), files[0]!);
  await copyFile(join(ctx.buildDir, 'System.map'), files[1]!);
  let modules = 0;
  if (withModules) {
    const root = join(stage, 'modules-root');
    await kmake(ctx, ['modules_install', `INSTALL_MOD_PATH=${root}`, 'INSTALL_MOD_STRIP=1']);
    const modDir = join(root, 'lib', 'modules', release);
    // Links back into this machine's build folder mean nothing on the Pi.
    for (const link of ['build', 'source']) await rm(join(modDir, link), { force: true });
    modules = (await filesBelow(modDir)).filter((f) => f.endsWith('.ko') || f.endsWith('.ko.xz')).length;
    const tarball = join(stage, `modules-${release}.tar.gz`);
    const epoch = process.env.SOURCE_DATE_EPOCH ?? '0';
    await exec('tar', [
      '--create',
      '--sort=name',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      `--mtime=@${epoch}`,
      '--use-compress-program=gzip -n',
      '-f',
      tarball,
      '-C',
      root,
      'lib',
    ]);
    await rm(root, { recursive: true });
    files.unshift(tarball);
  }
  return { bootDir, files, dtbs, overlays, modules };
}
