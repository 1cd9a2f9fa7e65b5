// mkinitramfs with the host's shell and text tools standing in (rootfs/native-tools.ts). It is
// a shell script that starts thousands of small programs: the default image's initramfs took
// 54-81 s under emulation here and 13-23 s so. In a base built here, the root's own zstd and
// depmod for the host's CPU stand in too (rootfs/suite-tools.ts, fetched with the base's
// packages): compressing was 8 s of a 15 s run. Two things keep the result the root's own:
// - mkinitramfs mirrors the root's top-level /lib* links into the initramfs, and the host's
//   loader needs /lib64 while the programs stand in: a last hook drops what that link added;
// - the initramfs must hold no program of the host's (a hook copying a shell or sed would copy
//   the stand-in): every file is checked, and if one is the host's or a stand-in's script, it is
//   made again under emulation.
// __tests__/native-tools.test.ts makes one initramfs both ways and compares the bytes.
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Arch } from '../config/schema.js';
import { logger } from '../runtime/log.js';
import { inChroot } from './chroot.js';
import { NativeTools, elfMachine } from './native-tools.js';
import { sourceDateEpoch } from './reproducible.js';
import { INITRAMFS_TOOLS, WRAPPER, type SuiteTools } from './suite-tools.js';

export interface MkinitramfsOptions {
  arch: Arch;
  /** false: wholly under emulation (`native-tools: false`). */
  nativeTools: boolean;
  logFile: string;
  /** Fetched suite tools (rootfs/suite-tools.ts): the root's own zstd and depmod stand in too. */
  suite?: SuiteTools | undefined;
}

/** Where mkinitramfs keeps its working tree (`-k`), inside the root, so it can be checked. */
const WORK = '/tmp/rpi-build-mkinitramfs';

/**
 * Makes `/boot/initrd.img-<version>` (or `output`) with the config folder `confDir` (a path
 * inside the root); the host's tools stand in unless told not to.
 */
export async function mkinitramfs(
  root: string,
  version: string,
  confDir: string,
  opts: MkinitramfsOptions,
  output = `/boot/initrd.img-${version}`,
): Promise<void> {
  const native = opts.nativeTools ? new NativeTools(root, '', opts.arch, 'for mkinitramfs') : undefined;
  const suite = opts.nativeTools ? opts.suite?.share(INITRAMFS_TOOLS, 'for mkinitramfs') : undefined;
  const hook = join(root, confDir, 'hooks', 'zz-rpi-build-native-links');
  const list = join(root, confDir, 'rpi-build-native-links');
  let hostFiles: string[] = [];
  try {
    await native?.tryPutIn();
    await suite?.tryPutIn();
    const links = native?.count ? native.topLinks() : [];
    if (links.length) {
      await mkdir(join(root, confDir, 'hooks'), { recursive: true });
      await writeFile(list, `${links.join('\n')}\n`);
      await writeFile(hook, LINKS_HOOK, { mode: 0o755 });
    }
    hostFiles = await run(root, version, confDir, output, opts.logFile, !!native?.count);
  } finally {
    for (const f of [hook, list]) await rm(f, { force: true });
    await suite?.takeOut();
    await native?.takeOut();
  }
  if (!hostFiles.length) return;
  logger().warn(
    `The initramfs held the host's own ${hostFiles.join(', ')} (a hook copied a program that stood in for the root's); it is made again under emulation.`,
  );
  await run(root, version, confDir, output, opts.logFile, false);
}

/** Runs mkinitramfs once; returns the files of the initramfs that are the host's programs. */
async function run(
  root: string,
  version: string,
  confDir: string,
  output: string,
  logFile: string,
  check: boolean,
): Promise<string[]> {
  const work = join(root, WORK);
  const epoch = sourceDateEpoch();
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { mode: 0o700 });
  try {
    await inChroot(root, ['mkinitramfs', '-k', '-d', confDir, '-o', output, version], {
      logFile,
      // The initramfs's entries get SOURCE_DATE_EPOCH's time, as the root's files do.
      env: { TMPDIR: WORK, ...(epoch === undefined ? {} : { SOURCE_DATE_EPOCH: String(epoch) }) },
      onLine: (l) => {
        // -k's notice names the kept folder, which is removed below.
        if (!/^Working files in /.test(l)) logger().progress(`initramfs: ${l}`);
      },
    });
    if (!check) return [];
    const tree = (await readdir(work)).find((n) => n.startsWith('mkinitramfs_'));
    if (!tree) throw new Error(`mkinitramfs left no working tree in ${WORK}`);
    return await hostPrograms(join(work, tree));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Files below `dir` built for the host's CPU, or a suite tool's stand-in, as paths inside the initramfs. */
async function hostPrograms(dir: string): Promise<string[]> {
  const host = await elfMachine(process.execPath);
  const found: string[] = [];
  const standIn = async (path: string) =>
    (await stat(path)).size === WRAPPER.length && (await readFile(path, 'utf8')) === WRAPPER;
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      const path = join(dir, p);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && ((await elfMachine(path)) === host || (await standIn(path)))) found.push(p);
    }
  };
  await walk('');
  return found;
}

/**
 * A hook run after the others: removes each top-level link mkinitramfs mirrored from a link only
 * the host's loader needed (their names in a data file in the config folder), with the
 * empty /usr folder made for it. Constant text: nothing is interpolated.
 */
const LINKS_HOOK = `#!/bin/sh
# rpi-build: links made for the host's loader are not part of the root (rootfs/mkinitramfs.ts).
[ "$1" = prereqs ] && exit 0
while read -r l; do
  [ -L "$DESTDIR/$l" ] && rmdir "$DESTDIR/usr/$l" 2>/dev/null && rm "$DESTDIR/$l"
done < "$CONFDIR/rpi-build-native-links"
exit 0
`;
