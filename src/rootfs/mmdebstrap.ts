// The base root filesystem from Debian's archive with mmdebstrap (root mode: Ubuntu 24.04
// restricts the user namespaces its unshare mode needs), or debootstrap when mmdebstrap is absent.
import { existsSync } from 'node:fs';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Arch } from '../config/schema.js';
import { installPackages } from '../host/packages.js';
import { which } from '../host/tools.js';
import { ExecError } from '../runtime/errors.js';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import { withoutCredentials } from '../runtime/redact.js';
import { DpkgWatch, type RootfsProfile } from './dpkg-watch.js';
import { NativeTools } from './native-tools.js';
import { INITRAMFS_TOOLS, INSTALL_TOOLS, SuiteTools } from './suite-tools.js';
import { authConf, mmdebstrapMirrors, type SourcesSpec } from './sources.js';

export interface RootfsSpec extends SourcesSpec {
  arch: Arch;
  packages: string[];
  /** false: every maintainer script under emulation, none by the host's tools (rootfs/native-tools.ts). */
  nativeTools?: boolean;
}

/**
 * Hooks that give apt (run by mmdebstrap outside the root) the archives' logins for the
 * bootstrap only: the setup hook points Dir::Etc::netrc at a file beside it, outside the root;
 * the customize hook removes that pointer again, so the image holds neither.
 */
export const AUTH_SETUP_HOOK = `#!/bin/sh
# rpi-build setup hook: apt reads the archives' logins from a private file outside the root.
set -e
cp "$(dirname "$0")/apt-auth.apt.conf" "$1/etc/apt/apt.conf.d/00rpi-build-auth"
`;
export const AUTH_CUSTOMIZE_HOOK = `#!/bin/sh
# rpi-build customize hook: the image keeps no pointer to the build's login file.
rm -f "$1/etc/apt/apt.conf.d/00rpi-build-auth"
`;

/** Writes the login file (0600) and the hooks into hooksDir; returns mmdebstrap's hook flags. */
export async function authHooks(spec: SourcesSpec, hooksDir: string): Promise<string[]> {
  const auth = authConf(spec);
  if (!auth) return [];
  const file = join(hooksDir, 'apt-auth.conf');
  // The path goes into an apt config string: no quote, brace or semicolon may end it early.
  if (/["\\{};\n]/.test(file))
    throw new Error(
      `The work folder's path ${hooksDir} holds a character apt's configuration cannot quote (" \\ { } ;); use another work-dir.`,
    );
  await writeFile(file, auth, { mode: 0o600 });
  await chmod(file, 0o600);
  await writeFile(join(hooksDir, 'apt-auth.apt.conf'), `Dir::Etc::netrc ${JSON.stringify(file)};\n`);
  const setup = join(hooksDir, 'setup-apt-auth.sh');
  const customize = join(hooksDir, 'customize-apt-auth.sh');
  await writeFile(setup, AUTH_SETUP_HOOK, { mode: 0o755 });
  await writeFile(customize, AUTH_CUSTOMIZE_HOOK, { mode: 0o755 });
  return [`--setup-hook=${setup}`, `--customize-hook=${customize}`];
}

export async function removeAuth(hooksDir: string): Promise<void> {
  for (const f of ['apt-auth.conf', 'apt-auth.apt.conf']) await rm(join(hooksDir, f), { force: true });
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

/**
 * Empty stand-ins for the SSH host keys while packages install: openssh-server's postinst makes
 * only the keys that are missing, and making an RSA key under emulation takes about half a minute.
 * The image ships no host keys (scrub removes these with any others); the device makes its own
 * on first boot.
 */
export const NO_HOST_KEYS_HOOK = `#!/bin/sh
# rpi-build essential hook: no SSH host keys are made while packages install.
set -e
mkdir -p "$1/etc/ssh"
for key in ssh_host_rsa_key ssh_host_ecdsa_key ssh_host_ed25519_key; do
  [ -e "$1/etc/ssh/$key" ] || : > "$1/etc/ssh/$key"
done
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

/**
 * bookworm's essential set takes usrmerge, whose postinst converts the unmerged root mmdebstrap
 * extracts: it moves every file of /bin, /sbin and /lib under emulation, and asks the root's ldd
 * about /bin/cp, which cannot read the host's cp the native tools put in (so the essential
 * packages were installed wholly emulated). mmdebstrap's merged-usr hook makes the root merged
 * from the start, as debootstrap (and so pi-gen and Raspberry Pi OS) does, with usr-is-merged in
 * place of usrmerge. trixie's base-files ships the links itself. Without the hook (an older
 * mmdebstrap) usrmerge converts the root as before.
 */
export const MERGED_USR_HOOKS = '/usr/share/mmdebstrap/hooks/merged-usr';
const MERGED_BY_LINKS: ReadonlySet<string> = new Set(['bookworm']);

/**
 * Whether the suite's root is merged from the start on this host: a different root from one
 * usrmerge converts, so the cache key says which (runners of one matrix may differ).
 */
export const mergedFromStart = (suite: string): boolean =>
  MERGED_BY_LINKS.has(suite) && existsSync(join(MERGED_USR_HOOKS, 'setup00.sh'));

/** apt's tries per download; it waits longer between each (Acquire::Retries::Delay). */
const APT_RETRIES = 5;

/** apt's options for every download: retries, and a stalled connection counted as a failed try instead of waited on for minutes. */
export const APT_OPTS = [
  `--aptopt=Acquire::Retries "${APT_RETRIES}"`,
  '--aptopt=Acquire::http::Timeout "60"',
];

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

/** The suite tools that stand in while packages install; what they fetch serves mkinitramfs and locale-gen after. */
export function installSuiteTools(spec: RootfsSpec, target: string, hooksDir: string, logFile: string) {
  return new SuiteTools(target, hooksDir, spec, logFile, {
    only: INSTALL_TOOLS,
    alsoFetch: INITRAMFS_TOOLS,
    ahead: true,
  });
}

/**
 * Builds the root; with mmdebstrap, returns where its time went (rootfs/dpkg-watch.ts). `suite`:
 * the suite tools (installSuiteTools), left fetched for the caller to use again and dispose;
 * without it, the build makes its own.
 */
export async function buildRootfs(
  spec: RootfsSpec,
  target: string,
  hooksDir: string,
  logFile: string,
  given?: SuiteTools,
): Promise<RootfsProfile | undefined> {
  const divert = join(hooksDir, 'essential-divert-initramfs.sh');
  const noHostKeys = join(hooksDir, 'essential-no-host-keys.sh');
  const essentialHooks: [string, string][] = [
    [divert, DIVERT_INITRAMFS_HOOK],
    [noHostKeys, NO_HOST_KEYS_HOOK],
  ];
  for (const [file, text] of essentialHooks) {
    await writeFile(file, text);
    await chmod(file, 0o755);
  }
  const onLine = (line: string): void => {
    const p = progressLine(line);
    if (p) logger().progress(`rootfs: ${p}`);
  };

  if (!(await which('mmdebstrap')) && !(await which('debootstrap'))) {
    await installPackages(['mmdebstrap'], 'building the root filesystem');
  }
  const mirror = withoutCredentials(spec.mirror);
  if (await which('mmdebstrap')) {
    const hooks = await authHooks(spec, hooksDir);
    // Which package, how many of how many: read from dpkg's own log inside the root.
    const watch = new DpkgWatch(target, (what) => logger().progress(`rootfs: ${what}`));
    watch.start();
    const native = spec.nativeTools === false ? undefined : new NativeTools(target, hooksDir, spec.arch);
    // perl, depmod and others of the root's own release, built for the host's CPU, beside them.
    const suite = native && (given ?? installSuiteTools(spec, target, hooksDir, logFile));
    if (suite && (await suite.fetch([...APT_OPTS, ...hooks])))
      native!.alsoPutIn((stage) => suite.tryPutIn(stage));
    const nativeHooks = await native?.start();
    await exec(
      'mmdebstrap',
      [
        '--mode=root',
        '--variant=apt',
        `--architectures=${spec.arch}`,
        `--components=${spec.components.join(',')}`,
        `--include=${spec.packages.join(',')}`,
        ...DPKG_OPTS.map((o) => `--dpkgopt=${o}`),
        ...APT_OPTS,
        ...(mergedFromStart(spec.suite) ? [`--hook-dir=${MERGED_USR_HOOKS}`] : []),
        `--essential-hook=${divert}`,
        `--essential-hook=${noHostKeys}`,
        ...(nativeHooks
          ? [`--extract-hook=${nativeHooks.extract}`, `--essential-hook=${nativeHooks.essential}`]
          : []),
        ...hooks,
        spec.suite,
        target,
        // Full one-line entries without credentials: the suite, -updates and -security.
        ...mmdebstrapMirrors(spec),
      ],
      { privileged: 'mmdebstrap', logFile, onLine: (line) => watch.line(line), env: { LC_ALL: 'C.UTF-8' } },
    )
      .catch((err: unknown) => {
        throw explainDownloadFailure(err, mirror);
      })
      .finally(async () => {
        await removeAuth(hooksDir);
        await watch.stop();
        // The root's own programs back before anything reads the root, built or not.
        await native?.takeOut();
        await suite?.takeOut();
        if (!given) await suite?.dispose();
      });
    return watch.stop();
  }
  // debootstrap's wget has no private login file: credentials would have to go on its command line.
  if (authConf(spec))
    throw new Error(
      `A mirror with credentials needs mmdebstrap (debootstrap would put them on its command line). Install mmdebstrap (apt-get install mmdebstrap) and run again.`,
    );
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
      mirror,
    ],
    { privileged: 'debootstrap', logFile, onLine, env: { INITRD: 'No', LC_ALL: 'C.UTF-8' } },
  );
  return undefined;
}
