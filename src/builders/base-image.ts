// builder for base-image: an existing Pi image customised instead of one built from Debian's
// packages. Its partitions are copied out (the image file is only read), the inputs given are
// applied the way the base expects, `commands` run inside it, `copy-out` paths are brought out,
// and the image is re-assembled with the base's labels, UUIDs and disk id (so PARTUUID=… in
// cmdline.txt and fstab still match), then boot-tested and compressed as built images are.
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { BASE_FACTS, DOWNLOAD, baseEntry, baseKey, downloadEntry } from '../base/cache.js';
import { basename, dirname, join } from 'node:path';
import { extractBoot, extractRoot } from '../base/extract.js';
import { fsIdentity, readPartitions, type BaseTable, type FsIdentity } from '../base/partitions.js';
import { download, isUrl, shownName, unpackBaseImage } from '../base/source.js';
import { sha256File } from '../image/checksums.js';
import { ensureHostPackages, imageParts } from '../host/requirements.js';
import { assembleImage } from '../image/assemble.js';
import { writeBmap } from '../image/bmap.js';
import { MiB } from '../image/layout.js';
import { readManifest, writeManifest } from '../image/manifest.js';
import { applyAccess, customizeBase } from '../rootfs/customize-base.js';
import { scrub } from '../rootfs/scrub.js';
import { inRoot } from '../rootfs/write.js';
import { InputError } from '../runtime/errors.js';
import { exec } from '../runtime/exec.js';
import { exists } from '../runtime/files.js';
import { logger } from '../runtime/log.js';
import { bootAndCompress } from './boot-and-compress.js';
import type { BuildContext, Builder, Product } from './context.js';
import { withDiskSpace } from './workspace.js';

export const baseImageBuilder: Builder = {
  hostTools: ({ config }) => ensureHostPackages([...imageParts(config), 'base']).then(() => undefined),
  build: buildFromBase,
};

/** The newest kernel release the root has modules for (Raspberry Pi OS has no /boot/vmlinuz-*). */
async function kernelRelease(root: string): Promise<string> {
  const all = await readdir(join(root, 'lib', 'modules')).catch(() => [] as string[]);
  return all.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).pop() ?? 'unknown';
}

/** The architecture dpkg itself was built for: the userland's, whatever the kernel is. */
async function dpkgArch(root: string): Promise<string | undefined> {
  const status = await readFile(join(root, 'var', 'lib', 'dpkg', 'status'), 'utf8').catch(() => '');
  const stanza = status.split('\n\n').find((s) => /^Package: dpkg$/m.test(s));
  return stanza ? /^Architecture: (\S+)$/m.exec(stanza)?.[1] : undefined;
}

/** copy-out: each path from the customised root into the stage, named by its last part. */
async function copyOut(root: string, paths: string[], stage: string): Promise<string[]> {
  const names = new Set<string>();
  const out: string[] = [];
  for (const p of paths) {
    const name = basename(p);
    if (names.has(name))
      throw new InputError(
        'copy-out',
        `two paths end in "${name}"`,
        'Give paths whose last parts differ (each lands in out-dir under it).',
      );
    names.add(name);
    // Resolved as the image resolves it: its absolute links lead inside it, not to the host's files.
    const from = join(await inRoot(root, dirname(p)), name);
    if (!(await exists(from)))
      throw new InputError(
        'copy-out',
        `"${p}" is not in the image after commands ran`,
        'Give a path the commands (or the base) made, absolute inside the image.',
      );
    const to = join(stage, name);
    // Owned by whoever runs rpi-build (not the image's uids), links kept as links.
    await exec('cp', ['-a', '--no-preserve=ownership', from, to], { privileged: 'copying out of the image' });
    out.push(to);
  }
  return out;
}

/** What re-assembly needs of the base, kept in the cache entry beside the folders. */
interface BaseFacts {
  table: BaseTable;
  bootId: FsIdentity;
  rootId: FsIdentity;
}

async function buildFromBase(ctx: BuildContext): Promise<Product> {
  const { config, workDir, phases, facts, caches } = ctx;
  const source = config.baseImage!;
  const arch = config.arch[0]!;
  const dirs = {
    base: join(workDir, 'base'),
    rootfs: join(workDir, 'rootfs'),
    boot: join(workDir, 'boot'),
    stage: join(workDir, 'stage'),
    logs: join(workDir, 'logs'),
  };
  for (const d of [dirs.stage, dirs.logs, dirs.boot, dirs.base]) await mkdir(d, { recursive: true });
  const log = (name: string): string => join(dirs.logs, `${name}.log`);
  const name = shownName(source);
  const raw = join(dirs.base, 'base.img');

  const factsFile = join(workDir, BASE_FACTS);
  const base = await phases.run('base', `Base image: ${basename(name)}`, async () => {
    // The base's own hash keys the cache: given (checked at load, or on download) or computed.
    const baseSha = config.baseImageSha256?.toLowerCase() ?? (await sha256File(source));
    const entry = baseEntry(await baseKey(config, baseSha), {
      workDir,
      tarball: join(workDir, 'cache', 'base.tar.zst'),
      log: log('base'),
    });
    const restored = await caches.restore(entry);
    if (restored.report.status === 'hit') {
      const read = JSON.parse(await readFile(factsFile, 'utf8')) as BaseFacts;
      return { ...read, entry, restored };
    }
    let file = source;
    if (isUrl(source)) {
      file = join(dirs.base, DOWNLOAD);
      const dl = downloadEntry(baseSha, {
        dir: dirs.base,
        tarball: join(workDir, 'cache', 'base-download.tar.zst'),
        log: log('base'),
      });
      const got = await caches.restore(dl);
      if (got.report.status !== 'hit') {
        await withDiskSpace(workDir, 'downloading the base image', () => download(source, file, baseSha));
        await caches.save(dl, got);
      }
    }
    await withDiskSpace(workDir, 'unpacking the base image', () =>
      unpackBaseImage(file, source, raw, log('base')),
    );
    if (file !== source) await rm(file, { force: true });
    const table = await readPartitions(raw, basename(name));
    const bootId = await fsIdentity(raw, table.boot.start);
    const rootId = await fsIdentity(raw, table.root.start);
    if (rootId.type !== 'ext4')
      throw new InputError(
        'base-image',
        `its root partition (${table.root.number}) holds ${rootId.type}, not ext4`,
        'Give an image whose Linux partition is ext4, as Raspberry Pi OS and Debian images have.',
      );
    await extractBoot(raw, table.boot, dirs.boot, log('base'));
    await withDiskSpace(workDir, 'copying the base root', () =>
      extractRoot(raw, table.root, dirs.rootfs, join(dirs.base, 'mnt'), log('base')),
    );
    await rm(raw);
    const found = await dpkgArch(dirs.rootfs);
    if (found !== arch)
      throw new InputError(
        'arch',
        `is ${arch}, but ${basename(name)} is an ${found ?? 'unknown-architecture'} image`,
        `Set arch: ${found ?? "to the image's architecture"} for this base image.`,
      );
    const kept: BaseFacts = { table, bootId, rootId };
    await writeFile(factsFile, `${JSON.stringify(kept)}\n`);
    return { ...kept, entry, restored };
  });
  facts['base image'] =
    `${basename(name)}: disk ${base.table.diskId}, boot ${base.bootId.label ?? '(no label)'}, root ${base.rootId.label ?? '(no label)'}`;
  logger().info(`base image: ${facts['base image']}`);

  const hit = base.restored.report.status === 'hit';
  if (!hit) {
    await phases.run(
      'customize',
      'Customize the base: user, packages, overlay, scripts, commands',
      async () => {
        await customizeBase(dirs.rootfs, dirs.boot, config, log('customize'));
        await scrub(dirs.rootfs);
        // Packed now, saved only once the build succeeded; the secrets below are not in it.
        await caches.save(base.entry, base.restored);
      },
    );
  }
  const account = await applyAccess(dirs.rootfs, dirs.boot, config);
  const files: string[] = await copyOut(dirs.rootfs, config.copyOut, dirs.stage);
  const kernelVersion = await kernelRelease(dirs.rootfs);
  const outputs: Product['outputs'] = {
    'kernel-release': kernelVersion,
    account: account ?? 'unchanged',
    'boot-test': 'skipped',
    'cache-hit': String(hit),
  };
  if (!config.imageOut) return { files, dir: dirs.stage, outputs };

  const stem = `${config.imageName}-${arch}`;
  const image = join(dirs.stage, `${stem}.img`);
  const manifest = await readManifest(dirs.rootfs);
  const manifestPath = join(dirs.stage, `${stem}.manifest`);
  await writeManifest(manifestPath, manifest);
  const { table, bootId, rootId } = base;
  const assembled = await phases.run('assemble', 'Re-assemble the image (same labels and UUIDs)', () =>
    withDiskSpace(workDir, 'assembly', async () => {
      const r = await assembleImage({
        image,
        bootDir: dirs.boot,
        rootDir: dirs.rootfs,
        bootSizeMiB: Math.ceil(table.boot.size / MiB),
        rootMarginMiB: config.rootMargin,
        minRootBytes: table.root.size,
        identity: {
          diskId: table.diskId,
          rootUuid: rootId.uuid ?? '',
          bootLabel: bootId.label ?? '',
          rootLabel: rootId.label ?? '',
          ...(bootId.uuid ? { bootVolumeId: bootId.uuid } : {}),
        },
        logFile: log('assemble'),
      });
      await writeBmap(image, `${image}.bmap`, log('assemble'));
      return r;
    }),
  );

  const finished = await bootAndCompress(ctx, image, {
    bootLog: join(dirs.stage, `${stem}.boot.log`),
    compressLog: log('compress'),
    ...(account ? { account } : {}),
  });
  return {
    files: [
      finished.compressed,
      `${image}.bmap`,
      manifestPath,
      ...(finished.bootLog ? [finished.bootLog] : []),
      ...files,
    ],
    dir: dirs.stage,
    outputs: {
      ...outputs,
      'root-size': String(assembled.layout.rootSize),
      'package-count': String(manifest.length),
      'boot-test': finished.bootTest,
    },
  };
}
