// The one table of options. Action inputs, YAML keys and CLI flags share these kebab-case
// names, so action.yml, the README and the CLI's --help are checked against this list.

export type OptionKind = 'string' | 'list' | 'bool' | 'int';

export interface OptionSpec {
  key: string;
  kind: OptionKind;
  description: string;
  /** Shown in docs and action.yml; the real default lives in defaults.ts. */
  default?: string;
  /** Masked in logs and removed from diagnostics. */
  secret?: boolean;
  /** A URL that may carry credentials (`https://user:token@host/…`): those are masked and kept out of argv and the image. */
  url?: boolean;
  /** Accepted values, for enums (checked by the schema, listed in errors and docs). */
  values?: readonly string[];
}

export const ARCHES = ['arm64', 'armhf', 'armel'] as const;
export const TARGETS = ['image', 'kernel', 'qemu'] as const;
export const BUILDERS = ['debian', 'pi-gen'] as const;
export const SUITES = ['bookworm', 'trixie'] as const;
export const COMPRESSIONS = ['xz', 'zstd', 'gzip', 'none'] as const;
export const DIAGNOSTICS = ['on-failure', 'always', 'never'] as const;
export const BOARD_NAMES = ['pi1', 'pi2', 'pi4', 'pi4-64', 'pi5'] as const;

export const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'target',
    kind: 'string',
    values: TARGETS,
    default: 'image',
    description: 'What to build: an SD-card image, a kernel, or only set up QEMU emulation.',
  },
  {
    key: 'builder',
    kind: 'string',
    values: BUILDERS,
    default: 'debian',
    description: 'Image builder: the embedded Debian-based default, or upstream pi-gen.',
  },
  {
    key: 'arch',
    kind: 'list',
    values: ARCHES,
    default: 'arm64',
    description:
      'Target architecture (arm64: Pi 3/4/400/5; armhf: Pi 2/3; armel: Pi Zero/1). For target qemu, a comma-separated list.',
  },
  {
    key: 'suite',
    kind: 'string',
    values: SUITES,
    default: 'bookworm',
    description: 'Debian release of the image.',
  },
  {
    key: 'mirror',
    kind: 'string',
    default: 'http://deb.debian.org/debian',
    url: true,
    description:
      'Debian mirror URL; the image is built from the suite and its -updates archive here. Credentials (https://user:token@host/…) are masked, given to apt through a private file, and never written into the image.',
  },
  {
    key: 'security-mirror',
    kind: 'string',
    default: 'http://deb.debian.org/debian-security',
    url: true,
    description:
      'Debian security archive URL (<suite>-security), or none to leave it out (an offline mirror; the image then gets no security fixes).',
  },
  { key: 'hostname', kind: 'string', default: 'raspberrypi', description: 'Host name of the image.' },
  {
    key: 'username',
    kind: 'string',
    default: 'pi',
    description: 'First user, with sudo. Locked unless a password or an SSH key is given.',
  },
  {
    key: 'password',
    kind: 'string',
    secret: true,
    description:
      'Password of the first user (masked; stored hashed). No default: without it and without keys the account is locked. On the CLI prefer RPI_BUILD_PASSWORD or --password-file (a flag is visible in ps).',
  },
  {
    key: 'password-file',
    kind: 'string',
    description:
      'A file whose first line is the password of the first user (instead of password; the file stays where it is).',
  },
  {
    key: 'ssh-authorized-keys',
    kind: 'list',
    description: 'SSH public keys for the first user, one per line.',
  },
  {
    key: 'packages',
    kind: 'list',
    description: 'Extra Debian packages, separated by spaces, commas or newlines.',
  },
  { key: 'locale', kind: 'string', default: 'en_US.UTF-8', description: 'Default locale.' },
  {
    key: 'timezone',
    kind: 'string',
    default: 'Etc/UTC',
    description: 'Time zone (an /usr/share/zoneinfo name).',
  },
  { key: 'overlay', kind: 'string', description: 'Folder copied over the root filesystem.' },
  {
    key: 'customize',
    kind: 'list',
    description:
      'Scripts run inside the (emulated) root filesystem, in order; a non-zero exit fails the build.',
  },
  { key: 'image-name', kind: 'string', default: 'rpi-build', description: 'Base name of the image file.' },
  {
    key: 'compression',
    kind: 'string',
    values: COMPRESSIONS,
    default: 'xz',
    description: 'Compression of the image.',
  },
  {
    key: 'root-margin',
    kind: 'int',
    default: '512',
    description:
      'Free space in MiB added to the root partition beyond its content (the root also grows to fill the card on first boot).',
  },
  { key: 'boot-size', kind: 'int', default: '256', description: 'Size of the FAT boot partition in MiB.' },
  {
    key: 'boot-test',
    kind: 'bool',
    default: 'true',
    description: 'Boot the image under QEMU and wait for a login prompt.',
  },
  {
    key: 'boot-timeout',
    kind: 'int',
    default: '900',
    description: 'Seconds the boot test waits for a login prompt.',
  },
  {
    key: 'pi-gen-repository',
    kind: 'string',
    default: 'https://github.com/RPi-Distro/pi-gen',
    url: true,
    description: 'builder pi-gen: git URL of pi-gen (shallow clone).',
  },
  {
    key: 'pi-gen-ref',
    kind: 'string',
    description:
      "builder pi-gen: branch or tag to clone (default from suite and arch: trixie uses master (armhf) or arm64; bookworm uses bookworm or bookworm-arm64, pi-gen's branches for that release).",
  },
  {
    key: 'pi-gen-path',
    kind: 'string',
    description: 'builder pi-gen: a local pi-gen checkout to use instead of cloning.',
  },
  {
    key: 'stages',
    kind: 'list',
    default: 'stage0 stage1 stage2',
    description:
      "builder pi-gen: the stages to run, in order (pi-gen's STAGE_LIST); those holding an EXPORT_IMAGE file (stage2: Lite, stage4, stage5) export an image.",
  },
  {
    key: 'pi-gen-stages-dir',
    kind: 'string',
    description:
      'builder pi-gen: a folder of your own stage folders, copied in beside pi-gen\'s; name them in stages (e.g. "stage0 stage1 stage2 my-stage").',
  },
  {
    key: 'keyboard',
    kind: 'string',
    default: 'us',
    description:
      'builder pi-gen: keyboard keymap (gb, us, de, fr, …), or keymap:layout for others (e.g. "ch:German (Switzerland)").',
  },
  {
    key: 'wifi-country',
    kind: 'string',
    description:
      'builder pi-gen: Wi-Fi regulatory country, an ISO 3166 alpha-2 code such as GB or DE (unset: Wi-Fi stays blocked until set).',
  },
  {
    key: 'free-disk-space',
    kind: 'bool',
    default: 'false',
    description:
      'target image, on GitHub-hosted runners only: remove large preinstalled toolsets (.NET, Android SDK, GHC, CodeQL, …) before the build and report the space gained.',
  },
  {
    key: 'board',
    kind: 'string',
    values: BOARD_NAMES,
    description:
      'target kernel: Pi preset picking defconfig, ARCH and firmware file name (pi1: Pi 1/Zero, kernel.img; pi2: Pi 2/3 32-bit, kernel7.img; pi4: Pi 4 32-bit, kernel7l.img; pi4-64: Pi 3/4 64-bit, kernel8.img; pi5: kernel_2712.img). Default from arch.',
  },
  {
    key: 'defconfig',
    kind: 'string',
    description: "target kernel: defconfig to start from (default: the board's, e.g. bcm2711_defconfig).",
  },
  {
    key: 'kernel-config',
    kind: 'list',
    description:
      'target kernel: config fragments merged on top of the defconfig: fragment files, or CONFIG_X=y lines.',
  },
  {
    key: 'kernel-source',
    kind: 'string',
    default: 'https://github.com/raspberrypi/linux',
    url: true,
    description: 'target kernel: git URL of the kernel tree (shallow clone).',
  },
  {
    key: 'kernel-ref',
    kind: 'string',
    description:
      "target kernel: branch or tag to clone (default: the repository's default branch, for raspberrypi/linux its current stable rpi-6.x.y).",
  },
  {
    key: 'kernel-path',
    kind: 'string',
    description: 'target kernel: a local kernel tree or source tarball to build instead of cloning.',
  },
  {
    key: 'localversion',
    kind: 'string',
    description: 'target kernel: suffix appended to the kernel release (CONFIG_LOCALVERSION), e.g. -ci.',
  },
  {
    key: 'kernel-debs',
    kind: 'bool',
    default: 'false',
    description: 'target kernel: also build Debian packages (make bindeb-pkg).',
  },
  {
    key: 'toolchain',
    kind: 'string',
    default: 'packages',
    url: true,
    description:
      'target kernel: cross compiler: "packages" (the distribution\'s cross gcc, kept in the tool cache) or the URL of a toolchain tarball such as the Arm GNU Toolchain.',
  },
  {
    key: 'ccache',
    kind: 'bool',
    default: 'true',
    description: 'target kernel: compile through ccache, kept in the cache between builds.',
  },
  {
    key: 'ccache-size',
    kind: 'int',
    default: '1024',
    description: 'target kernel: cap of the ccache in MiB.',
  },
  {
    key: 'upload',
    kind: 'bool',
    default: 'true',
    description:
      'In Actions, upload the finished files as a workflow artifact (false: keep them only in out-dir).',
  },
  {
    key: 'artifact-name',
    kind: 'string',
    description: 'Name of the artifact (default <image-name>-<suite>-<arch>, unique per matrix leg).',
  },
  {
    key: 'retention-days',
    kind: 'int',
    description: "Days the artifact is kept (1-90; default: the repository's setting).",
  },
  {
    key: 'diagnostics',
    kind: 'string',
    values: DIAGNOSTICS,
    default: 'on-failure',
    description: 'When the post step uploads the diagnostics bundle (secrets removed) as an artifact.',
  },
  {
    key: 'cache',
    kind: 'bool',
    default: 'true',
    description: "Cache what is slow to make (the root filesystem; pi-gen's stage0) between builds.",
  },
  {
    key: 'cache-read-only',
    kind: 'bool',
    default: 'false',
    description: 'Restore caches but never save them (for pull requests).',
  },
  {
    key: 'cache-dir',
    kind: 'string',
    description:
      'Use this local folder as the cache, also in Actions (default outside Actions: ~/.cache/rpi-build).',
  },
  {
    key: 'work-dir',
    kind: 'string',
    description: 'Scratch folder for the build (default: under RUNNER_TEMP, or .work/ on a workstation).',
  },
  {
    key: 'out-dir',
    kind: 'string',
    default: 'out',
    description: 'Folder the finished files are written to.',
  },
  {
    key: 'min-free-disk',
    kind: 'int',
    description: 'GiB of free disk the doctor requires where the build writes (default by target).',
  },
];

export const OPTION_KEYS = OPTIONS.map((o) => o.key);

export function optionSpec(key: string): OptionSpec | undefined {
  return OPTIONS.find((o) => o.key === key);
}
