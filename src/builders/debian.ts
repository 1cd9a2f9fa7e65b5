// builder: debian — the embedded default. A Raspberry Pi SD-card image from Debian's own
// archive (raspi-firmware plus Debian's kernel), assembled without loop devices, boot-tested.
import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { assembleImage } from '../image/assemble.js';
import { writeBmap } from '../image/bmap.js';
import { readManifest, writeManifest } from '../image/manifest.js';
import { baseWithCache } from '../rootfs/cached-base.js';
import { customizeRootfs } from '../rootfs/customize.js';
import { rootfsPackages } from '../rootfs/packages.js';
import { ensureImageTools } from '../host/requirements.js';
import { logger } from '../runtime/log.js';
import { bootAndCompress } from './boot-and-compress.js';
import type { BuildContext, Builder, Product } from './context.js';
import { withDiskSpace } from './workspace.js';

/** Debian's packages assembled into an image, boot-tested; the pipeline publishes it. */
export const debianBuilder: Builder = {
  hostTools: ({ config }) => ensureImageTools(config).then(() => undefined),
  build: buildDebianImage,
};

async function buildDebianImage(ctx: BuildContext): Promise<Product> {
  const { config, workDir, phases, caches, facts } = ctx;
  const arch = config.arch[0]!;
  const dirs = {
    rootfs: join(workDir, 'rootfs'),
    boot: join(workDir, 'boot'),
    stage: join(workDir, 'stage'),
    logs: join(workDir, 'logs'),
    hooks: join(workDir, 'hooks'),
  };
  for (const d of [dirs.stage, dirs.logs, dirs.hooks, dirs.boot]) await mkdir(d, { recursive: true });
  const base = `${config.imageName}-${config.suite}-${arch}`;
  const image = join(dirs.stage, `${base}.img`);
  const log = (name: string): string => join(dirs.logs, `${name}.log`);

  const spec = {
    arch,
    suite: config.suite,
    mirror: config.mirror,
    securityMirror: config.securityMirror,
    components: ['main', 'non-free-firmware'],
    packages: rootfsPackages(arch, config.packages),
    nativeTools: config.nativeTools,
  };
  const rootfsCache = await phases.run('rootfs', `Root filesystem: Debian ${config.suite} ${arch}`, () =>
    baseWithCache(spec, caches, {
      root: dirs.rootfs,
      hooks: dirs.hooks,
      tarball: join(workDir, 'cache', 'rootfs.tar.zst'),
      log: log('rootfs'),
    }),
  );
  const custom = await phases.run(
    'customize',
    'Customize: Raspberry Pi boot, user, locale, scripts, initramfs',
    () => customizeRootfs(dirs.rootfs, config, log('customize'), dirs.hooks),
  );
  if (custom.account === 'locked') {
    logger().warn(`The account ${config.username} is locked: no password and no SSH key were given.`);
  }
  const manifest = await readManifest(dirs.rootfs);
  const packageCount = manifest.length;
  if (config.kernelDir !== undefined) {
    // No package carries it: the manifest names it on a line of its own.
    manifest.push({ name: 'kernel-dir', version: custom.kernelVersion, arch });
    manifest.sort((a, b) => a.name.localeCompare(b.name));
    facts.kernel = `${custom.kernelVersion} (kernel-dir)`;
  }
  const manifestPath = join(dirs.stage, `${base}.manifest`);
  await writeManifest(manifestPath, manifest);

  const assembled = await phases.run('assemble', 'Assemble the image (no loop devices)', () =>
    withDiskSpace(workDir, 'assembly', async () => {
      // The FAT partition gets /boot/firmware; the root keeps the empty mount point.
      const fw = join(dirs.rootfs, 'boot', 'firmware');
      for (const e of await readdir(fw)) await rename(join(fw, e), join(dirs.boot, e));
      const r = await assembleImage({
        image,
        bootDir: dirs.boot,
        rootDir: dirs.rootfs,
        bootSizeMiB: config.bootSize,
        rootMarginMiB: config.rootMargin,
        logFile: log('assemble'),
      });
      await writeBmap(image, `${image}.bmap`, log('assemble'));
      return r;
    }),
  );

  const finished = await bootAndCompress(ctx, image, {
    bootLog: join(dirs.stage, `${base}.boot.log`),
    compressLog: log('compress'),
    account: custom.account,
  });
  return {
    files: [
      finished.compressed,
      `${image}.bmap`,
      manifestPath,
      ...(finished.bootLog ? [finished.bootLog] : []),
    ],
    dir: dirs.stage,
    outputs: {
      'kernel-release': custom.kernelVersion,
      'root-size': String(assembled.layout.rootSize),
      'package-count': String(packageCount),
      account: custom.account,
      'boot-test': finished.bootTest,
      'cache-hit': String(rootfsCache.status === 'hit'),
    },
  };
}
