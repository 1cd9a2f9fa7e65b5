// The base root filesystem: everything determined by arch, suite, mirror and packages
// (not by hostname, users or scripts), so it can be cached: mmdebstrap's output, the Pi's
// boot configuration, and the initramfs with raspi-firmware's files in /boot/firmware.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Arch } from '../config/schema.js';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import { inChroot } from './chroot.js';
import { withChrootKeepingResolver } from './resolver.js';
import { configureBoot, kernelVersion, makeInitramfs } from './boot-files.js';
import { buildRootfs, installSuiteTools, type RootfsSpec } from './mmdebstrap.js';
import { NativeTools } from './native-tools.js';
import { BASE_LOCALE, generateLocale, type HostLocaledef } from './locale-gen.js';
import { profileText } from './dpkg-watch.js';
import { withAptAuth, writeImageSources, type SourcesSpec } from './sources.js';

/** No archive with credentials: withAptAuth then writes nothing. */
const NO_SOURCES: SourcesSpec = { suite: '', mirror: '', components: [] };

export async function buildBase(
  spec: RootfsSpec,
  root: string,
  hooksDir: string,
  logFile: string,
): Promise<void> {
  const native = spec.nativeTools !== false;
  // Fetched once: they stand in while packages install, then for mkinitramfs and locale-gen.
  const suite = native ? installSuiteTools(spec, root, hooksDir, logFile) : undefined;
  try {
    const profile = await buildRootfs(spec, root, hooksDir, logFile, suite);
    if (profile) {
      // Where the emulated time went, for the log and bench/ (logs/rootfs-profile.json).
      logger().info(profileText(profile));
      await writeFile(join(dirname(logFile), 'rootfs-profile.json'), `${JSON.stringify(profile)}\n`);
    }
    // The image's own sources: suite, -updates and -security, without credentials.
    await writeImageSources(root, spec);
    await finishBase(root, spec.arch, native, logFile, suite && { spec, hooksDir, from: suite });
  } finally {
    await suite?.dispose();
  }
}

/**
 * The initramfs and the default locale; `host`: the root's own release of localedef, zstd and
 * depmod for the host's CPU, fetched from the root's archive (or already, by `host.from`).
 */
async function finishBase(
  root: string,
  arch: Arch,
  nativeTools: boolean,
  logFile: string,
  host?: HostLocaledef,
): Promise<void> {
  await configureBoot(root, arch);
  await withChrootKeepingResolver(
    root,
    async () => {
      await makeInitramfs(root, logFile, { arch, nativeTools, suite: host?.from });
      await generateLocale(root, BASE_LOCALE, logFile, host);
    },
    logFile,
  );
}

/**
 * Brings a base restored from an older archive state up to date with apt inside the root,
 * instead of starting from nothing; a new kernel gets a new initramfs.
 */
export async function refreshBase(
  root: string,
  arch: Arch,
  logFile: string,
  sources?: SourcesSpec & { nativeTools?: boolean },
): Promise<{ upgraded: number }> {
  const before = await kernelVersion(root);
  let upgraded = 0;
  // The upgrades' maintainer scripts, too, run with the host's shell and text tools.
  const native = sources?.nativeTools === false ? undefined : new NativeTools(root, '', arch);
  await native?.tryPutIn();
  try {
    upgraded = await upgradeInRoot(root, logFile, sources);
  } finally {
    await native?.takeOut();
  }
  await exec('find', [`${root}/var/lib/apt/lists`, '-maxdepth', '1', '-type', 'f', '-delete'], {
    privileged: 'cleaning apt lists',
    logFile,
  });
  if ((await kernelVersion(root)) !== before || upgraded > 0)
    await finishBase(root, arch, sources?.nativeTools !== false, logFile);
  return { upgraded };
}

/** apt-get update and dist-upgrade inside the root; returns how many packages were upgraded. */
async function upgradeInRoot(root: string, logFile: string, sources?: SourcesSpec): Promise<number> {
  let upgraded = 0;
  await withChrootKeepingResolver(
    root,
    // apt in the chroot gets the archives' logins only for the duration.
    () =>
      withAptAuth(root, sources ?? NO_SOURCES, async () => {
        await inChroot(root, ['apt-get', 'update', '-q', '-o', 'Acquire::Retries=5'], {
          logFile,
          onLine: (l) => logger().progress(`apt: ${l}`),
        });
        await inChroot(
          root,
          [
            'apt-get',
            'dist-upgrade',
            '-y',
            '-q',
            '-o',
            'Dpkg::Options::=--force-unsafe-io',
            '-o',
            'Dpkg::Options::=--force-confdef',
            '-o',
            'Dpkg::Options::=--force-confold',
          ],
          {
            logFile,
            onLine: (l) => {
              if (/^Unpacking /.test(l)) upgraded++;
              logger().progress(`apt: ${l}`);
            },
          },
        );
        await inChroot(root, ['apt-get', 'clean'], { logFile });
      }),
    logFile,
  );
  return upgraded;
}
