// The base root filesystem from Debian's archive with mmdebstrap (root mode: Ubuntu 24.04
// restricts the user namespaces its unshare mode needs), or debootstrap when mmdebstrap is absent.
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Arch } from '../config/schema.js';
import { installPackages } from '../host/packages.js';
import { which } from '../host/tools.js';
import { ExecError } from '../runtime/errors.js';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';

export interface RootfsSpec {
  arch: Arch;
  suite: string;
  mirror: string;
  components: string[];
  packages: string[];
}

/**
 * Keeps initramfs generation out of package installation: every kernel, udev or kmod
 * trigger would otherwise run mkinitramfs under emulation (minutes each). It runs once later.
 */
export const DIVERT_INITRAMFS_HOOK = `#!/bin/sh
# rpi-build essential hook: no initramfs while packages install; one is made at the end.
set -e
chroot "$1" dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs
printf '#!/bin/sh\\nexit 0\\n' > "$1/usr/sbin/update-initramfs"
chmod 755 "$1/usr/sbin/update-initramfs"
`;

export const UNDIVERT_INITRAMFS = [
  'dpkg-divert',
  '--quiet',
  '--local',
  '--rename',
  '--remove',
  '/usr/sbin/update-initramfs',
];

/** Docs, man pages and translations are not needed on a Pi image and cost emulated dpkg time. */
const DPKG_OPTS = [
  'force-unsafe-io',
  'path-exclude=/usr/share/man/*',
  'path-exclude=/usr/share/info/*',
  'path-exclude=/usr/share/doc/*',
  'path-include=/usr/share/doc/*/copyright',
  'path-exclude=/usr/share/locale/*',
  'path-include=/usr/share/locale/locale.alias',
];

/** apt's tries per download; it waits longer between each (Acquire::Retries::Delay). */
const APT_RETRIES = 5;

/** apt's words for a download the archive broke off, stalled or served wrong. */
const DOWNLOAD_FAILED =
  /^(?:E|W): (?:Failed to fetch .*|.*(?:Connection failed|Connection reset|Undetermined Error|Hash Sum mismatch|File has unexpected size|Could not connect|Connection timed out|Unable to fetch).*)$/m;

/** Turns mmdebstrap's failure into a plain one when the cause is the archive, not the build. */
export function explainDownloadFailure(err: unknown, mirror: string): unknown {
  if (!(err instanceof ExecError)) return err;
  const line = DOWNLOAD_FAILED.exec(err.stderrTail)?.[0];
  if (!line) return err;
  const log = err.logFile ? ` (full log: ${err.logFile})` : '';
  return new Error(
    `The Debian mirror ${mirror} broke off downloads, and apt gave up after ${APT_RETRIES} retries with growing waits:\n` +
      `${line.trim()}\n` +
      `Check the runner's network, or set mirror (--mirror on the CLI) to another Debian mirror. ` +
      `Nothing was built or cached; a rerun starts over${log}.`,
    { cause: err },
  );
}

function progressLine(line: string): string | undefined {
  const m = /^(?:I: (.+)|(Unpacking|Setting up|Processing triggers for) (\S+))/.exec(line);
  if (!m) return undefined;
  return m[1] ?? `${m[2]} ${m[3]}`;
}

export async function buildRootfs(
  spec: RootfsSpec,
  target: string,
  hooksDir: string,
  logFile: string,
): Promise<void> {
  const divert = join(hooksDir, 'essential-divert-initramfs.sh');
  await writeFile(divert, DIVERT_INITRAMFS_HOOK);
  await chmod(divert, 0o755);
  const onLine = (line: string): void => {
    const p = progressLine(line);
    if (p) logger().progress(`rootfs: ${p}`);
  };

  if (!(await which('mmdebstrap')) && !(await which('debootstrap'))) {
    await installPackages(['mmdebstrap'], 'building the root filesystem');
  }
  if (await which('mmdebstrap')) {
    await exec(
      'mmdebstrap',
      [
        '--mode=root',
        '--variant=apt',
        `--architectures=${spec.arch}`,
        `--components=${spec.components.join(',')}`,
        `--include=${spec.packages.join(',')}`,
        ...DPKG_OPTS.map((o) => `--dpkgopt=${o}`),
        `--aptopt=Acquire::Retries "${APT_RETRIES}"`,
        // A stalled connection counts as a failed try instead of waiting minutes on it.
        '--aptopt=Acquire::http::Timeout "60"',
        `--essential-hook=${divert}`,
        spec.suite,
        target,
        spec.mirror,
      ],
      { privileged: 'mmdebstrap', logFile, onLine, env: { LC_ALL: 'C.UTF-8' } },
    ).catch((err: unknown) => {
      throw explainDownloadFailure(err, spec.mirror);
    });
    return;
  }
  // debootstrap fallback: the same packages, no hooks, so the diversion happens after its first stage.
  await exec(
    'debootstrap',
    [
      `--arch=${spec.arch}`,
      '--variant=minbase',
      `--components=${spec.components.join(',')}`,
      `--include=${spec.packages.join(',')}`,
      spec.suite,
      target,
      spec.mirror,
    ],
    { privileged: 'debootstrap', logFile, onLine, env: { INITRD: 'No', LC_ALL: 'C.UTF-8' } },
  );
}
