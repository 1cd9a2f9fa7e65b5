// The one table of options. Action inputs, YAML keys and CLI flags share these kebab-case
// names; each entry holds the option's default and its value check, so the schema
// (schema.ts), DEFAULTS (defaults.ts), action.yml, the README tables and the CLI's --help
// all come from this list (__tests__/unit/options.test.ts checks they agree).
import { z } from 'zod';

export type OptionKind = 'string' | 'list' | 'bool' | 'int';

export interface OptionSpec {
  key: string;
  kind: OptionKind;
  description: string;
  /** The default value (typed by kind); no default: the option is optional in BuildConfig. */
  default?: string | number | boolean | readonly string[];
  /**
   * The value check, after coercion by kind. Left out, it follows from kind and values
   * (schema.ts, checkOf): bool a boolean, string one of values or non-empty text, list non-empty items.
   */
  check?: z.ZodType;
  /** Unit of a whole number, named in errors so "512M" becomes "512". */
  unit?: string;
  /** List items are whole lines (they may hold spaces); other lists also split on commas and spaces. */
  perLine?: boolean;
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

/**
 * Each compressor's levels and the one rpi-build uses when compression-level is not given. The
 * defaults are fast because most images are CI artifacts: xz -0 took 19 s for a default image
 * where -1 took 43 s, for 4% more bytes (README, "Benchmarks"); a release can ask for more.
 */
export const COMPRESSION_LEVELS = {
  xz: { min: 0, max: 9, default: 0 },
  zstd: { min: 1, max: 19, default: 10 },
  gzip: { min: 1, max: 9, default: 6 },
} as const;

/** The level a compressor runs at: the one given, or its default. */
export const compressionLevel = (how: keyof typeof COMPRESSION_LEVELS, given?: number): number =>
  given ?? COMPRESSION_LEVELS[how].default;
export const DIAGNOSTICS = ['on-failure', 'always', 'never'] as const;
export const BOOT_MACHINES = ['pi', 'virt'] as const;
export const BOARD_NAMES = ['pi1', 'pi2', 'pi4', 'pi4-64', 'pi5'] as const;

const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const USERNAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const DEB_PACKAGE = /^[a-z0-9][a-z0-9+.-]+(?::[a-z0-9]+)?(?:=[A-Za-z0-9.+~:-]+)?$/;
const LOCALE = /^[A-Za-z]{1,8}(?:_[A-Za-z]{2,3})?(?:\.[A-Za-z0-9-]+)?(?:@[A-Za-z0-9]+)?$/;
const TIMEZONE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SSH_KEY =
  /^(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}(?: [^\n\r]*)?$/;
const GIT_URL =
  /^(?:(?:https?|git|ssh|file):\/\/[^\s'"`$;|&<>\\]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s'"`$;|&<>\\]+)$/;
const GIT_REF = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/+-]+$/;

const TABLE = [
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
    check: z.array(z.enum(ARCHES)).min(1, 'give at least one arch'),
    values: ARCHES,
    default: ['arm64'],
    description:
      'Target architecture (arm64: Pi 3/4/400/5; armhf: Pi 2/3; armel: Pi Zero/1). For target qemu, a comma-separated list.',
  },
  {
    key: 'suite',
    kind: 'string',
    values: SUITES,
    default: 'trixie',
    description: 'Debian release of the image.',
  },
  {
    key: 'mirror',
    kind: 'string',
    check: z
      .string()
      .regex(/^(?:https?|file):\/\/[^\s'"`$;|&<>\\]+$/, 'must be an http(s):// or file:// URL'),
    default: 'http://deb.debian.org/debian',
    url: true,
    description:
      'Debian mirror URL; the image is built from the suite and its -updates archive here. Credentials (https://user:token@host/…) are masked, given to apt through a private file, and never written into the image.',
  },
  {
    key: 'security-mirror',
    kind: 'string',
    check: z
      .string()
      .regex(
        /^(?:none|(?:https?|file):\/\/[^\s'"`$;|&<>\\]+)$/,
        'must be an http(s):// or file:// URL, or none',
      ),
    default: 'http://deb.debian.org/debian-security',
    url: true,
    description:
      'Debian security archive URL (<suite>-security), or none to leave it out (an offline mirror; the image then gets no security fixes).',
  },
  {
    key: 'hostname',
    kind: 'string',
    check: z
      .string()
      .regex(HOSTNAME, 'must be 1-63 letters, digits or hyphens, not starting or ending with a hyphen'),
    default: 'raspberrypi',
    description: 'Host name of the image.',
  },
  {
    key: 'username',
    kind: 'string',
    check: z
      .string()
      .regex(
        USERNAME,
        'must start with a lowercase letter or underscore, then lowercase letters, digits, _ or - (at most 32)',
      )
      .refine((u) => u !== 'root', 'must not be root (root stays locked)'),
    default: 'pi',
    description: 'First user, with sudo. Locked unless a password or an SSH key is given.',
  },
  {
    key: 'password',
    kind: 'string',
    check: z
      .string()
      .min(1)
      .max(256)
      // openssl reads one password per line and /etc/shadow holds one entry per line.
      .regex(/^[^\r\n]*$/, 'must be one line (no line breaks)'),
    secret: true,
    description:
      'Password of the first user (masked; stored hashed). No default: without it and without keys the account is locked. On the CLI prefer RPI_BUILD_PASSWORD or --password-file (a flag is visible in ps).',
  },
  {
    // Read into password by loadConfig; never kept in the validated config.
    key: 'password-file',
    kind: 'string',
    description:
      'A file whose first line is the password of the first user (instead of password; the file stays where it is).',
  },
  {
    key: 'ssh-authorized-keys',
    kind: 'list',
    check: z.array(
      z.string().regex(SSH_KEY, 'is not an OpenSSH public key line ("ssh-ed25519 AAAA… comment")'),
    ),
    perLine: true,
    default: [],
    description: 'SSH public keys for the first user, one per line.',
  },
  {
    key: 'packages',
    kind: 'list',
    check: z.array(z.string().regex(DEB_PACKAGE, 'is not a Debian package name')),
    default: [],
    description: 'Extra Debian packages, separated by spaces, commas or newlines.',
  },
  {
    key: 'native-tools',
    kind: 'bool',
    default: true,
    description:
      "While the root's packages are configured under emulation, the host's own shell and text tools (dash, bash, coreutils, sed, grep, findutils, diffutils, debianutils, mawk, dpkg-deb) run their maintainer scripts and unpack natively; the root's programs are back in place before anything else reads it. false runs everything under emulation (slower, a separate cache entry).",
  },
  {
    key: 'locale',
    kind: 'string',
    check: z.string().regex(LOCALE, 'must look like en_US.UTF-8 or C.UTF-8'),
    default: 'en_US.UTF-8',
    description: 'Default locale.',
  },
  {
    key: 'timezone',
    kind: 'string',
    check: z.string().regex(TIMEZONE, 'must be a zoneinfo name such as Europe/Berlin or Etc/UTC'),
    default: 'Etc/UTC',
    description: 'Time zone (an /usr/share/zoneinfo name).',
  },
  { key: 'overlay', kind: 'string', description: 'Folder copied over the root filesystem.' },
  {
    key: 'customize',
    kind: 'list',
    perLine: true,
    default: [],
    description:
      'Scripts run inside the (emulated) root filesystem, in order; a non-zero exit fails the build.',
  },
  {
    key: 'kernel-dir',
    kind: 'string',
    description:
      "target image (builder debian): the out folder of a kernel build (target kernel's kernel-path output, or its artifact downloaded), installed instead of Debian's kernel: vmlinuz-<release> with its device trees on the boot partition and named by config.txt's kernel= line, its overlays, its modules in /lib/modules/<release> (depmod run), an initramfs made for it.",
  },
  {
    key: 'base-image',
    kind: 'string',
    url: true,
    description:
      'target image: start from this existing image instead of building one: a path in the workspace or an http(s) URL (then base-image-sha256 is required) of an .img, .img.xz, .img.gz, .img.zst or a .zip holding one .img. Its boot (FAT) and root (Linux) partitions are read without writing the file, the customisation inputs you give are applied, and the image is re-assembled with the same labels, UUIDs and PARTUUIDs.',
  },
  {
    key: 'base-image-sha256',
    kind: 'string',
    check: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits (sha256sum prints them)'),
    description:
      'SHA-256 of the base-image file as given (the compressed file, when it is compressed). Required for a URL; for a path, checked when given.',
  },
  {
    key: 'commands',
    kind: 'string',
    check: z.string().min(1).max(65536),
    description:
      'With base-image: shell commands run inside the image (as root, under emulation when the host is not ARM, bash -e when the image has bash), after packages, overlay and customize scripts; a non-zero exit fails the build.',
  },
  {
    key: 'copy-out',
    kind: 'list',
    perLine: true,
    check: z.array(
      z
        .string()
        .regex(
          /^(?!.*\/\.\.?(?:\/|$))\/[^\0\n]*[^/\n]$/,
          'must be an absolute path inside the image, without "." or ".." parts',
        ),
    ),
    default: [],
    description:
      'With base-image: paths inside the image (files or folders, one per line) copied to out-dir after commands ran, named by their last part.',
  },
  {
    key: 'image-out',
    kind: 'bool',
    default: true,
    description:
      'With base-image: false skips re-assembling, boot-testing and publishing the image, when only the copy-out files matter.',
  },
  {
    key: 'image-name',
    kind: 'string',
    check: z
      .string()
      .regex(FILE_NAME, 'must be letters, digits, ".", "_" or "-", starting with a letter or digit'),
    default: 'rpi-build',
    description: 'Base name of the image file.',
  },
  {
    key: 'compression',
    kind: 'string',
    values: COMPRESSIONS,
    default: 'xz',
    description: 'Compression of the image.',
  },
  {
    key: 'compression-level',
    kind: 'int',
    check: z.number().int().min(0).max(19),
    description: `Level of the compression: ${Object.entries(COMPRESSION_LEVELS)
      .map(([tool, l]) => `${tool} ${l.min}-${l.max} (default ${l.default})`)
      .join(
        ', ',
      )}. Higher levels make smaller files, more slowly: a release image may want xz 6 (pi-gen's default) or 9.`,
  },
  {
    key: 'root-margin',
    kind: 'int',
    check: z
      .number()
      .int()
      .min(0)
      .max(1024 * 1024),
    unit: 'MiB',
    default: 512,
    description:
      'Free space in MiB added to the root partition beyond its content (the root also grows to fill the card on first boot).',
  },
  {
    key: 'boot-size',
    kind: 'int',
    check: z.number().int().min(32).max(4096),
    unit: 'MiB',
    default: 256,
    description: 'Size of the FAT boot partition in MiB.',
  },
  {
    key: 'boot-test',
    kind: 'bool',
    default: true,
    description:
      'Boot the image under QEMU and wait for a login prompt. For target kernel, off unless set: true boots the built kernel with a tiny initramfs and passes when its /init runs.',
  },
  {
    key: 'boot-machine',
    kind: 'string',
    values: BOOT_MACHINES,
    default: 'pi',
    description:
      "QEMU machine of the boot test: pi boots the emulated Pi board for the arch (arm64 raspi3b, armhf raspi2b, armel raspi0) from the image's own FAT partition as the firmware does; virt boots QEMU's generic machine with a virtio disk (for a kernel without the board's drivers).",
  },
  {
    key: 'boot-timeout',
    kind: 'int',
    check: z.number().int().min(30).max(7200),
    unit: 'seconds',
    default: 900,
    description: 'Seconds the boot test waits for a login prompt.',
  },
  {
    key: 'test-script',
    kind: 'list',
    perLine: true,
    default: [],
    description:
      'Scripts run as root inside the booted image during the boot test, in order, once it is up (through a unit added to a scratch copy: the image itself never holds them); a non-zero exit fails the build. Repeat --test-script on the CLI for several.',
  },
  {
    key: 'test-timeout',
    kind: 'int',
    check: z.number().int().min(10).max(7200),
    unit: 'seconds',
    default: 300,
    description: 'Seconds the test-script scripts may run in all; one still running then fails the build.',
  },
  {
    key: 'pi-gen-repository',
    kind: 'string',
    check: z.string().regex(GIT_URL, 'must be a git URL (https://, ssh://, git@host:path or file://)'),
    default: 'https://github.com/RPi-Distro/pi-gen',
    url: true,
    description: 'builder pi-gen: git URL of pi-gen (shallow clone).',
  },
  {
    key: 'pi-gen-ref',
    kind: 'string',
    check: z.string().regex(GIT_REF, 'must be a branch or tag name such as arm64 or master'),
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
    check: z
      // pi-gen splits STAGE_LIST on spaces and expands globs: names only, no spaces or wildcards.
      .array(
        z
          .string()
          .regex(
            /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
            'is not a stage folder name (letters, digits, ".", "_" or "-", such as stage2)',
          ),
      )
      .min(1, 'give at least one stage'),
    default: ['stage0', 'stage1', 'stage2'],
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
    check: z
      .string()
      .regex(
        /^[a-z]{2,8}(?::[A-Za-z][A-Za-z0-9 ()._-]{0,63})?$/,
        'must be a keymap such as gb or us, or keymap:layout such as "ch:German (Switzerland)"',
      ),
    default: 'us',
    description:
      'builder pi-gen: keyboard keymap (gb, us, de, fr, …), or keymap:layout for others (e.g. "ch:German (Switzerland)").',
  },
  {
    key: 'wifi-country',
    kind: 'string',
    check: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code in capitals, such as GB or DE'),
    description:
      'builder pi-gen: Wi-Fi regulatory country, an ISO 3166 alpha-2 code such as GB or DE (unset: Wi-Fi stays blocked until set).',
  },
  {
    key: 'free-disk-space',
    kind: 'bool',
    default: false,
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
    check: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*config$/, 'must be a make *config target such as bcm2711_defconfig'),
    description: "target kernel: defconfig to start from (default: the board's, e.g. bcm2711_defconfig).",
  },
  {
    key: 'kernel-config',
    kind: 'list',
    check: z.array(
      z
        .string()
        .regex(
          /^(?:CONFIG_[A-Za-z0-9_]+=[^\n\r]*|[^\n\r=]+)$/,
          'must be a fragment file or a CONFIG_NAME=value line',
        ),
    ),
    default: [],
    description:
      'target kernel: config fragments merged on top of the defconfig: fragment files, or CONFIG_X=y lines.',
  },
  {
    key: 'kernel-source',
    kind: 'string',
    check: z.string().regex(GIT_URL, 'must be a git URL (https://, ssh://, git@host:path or file://)'),
    default: 'https://github.com/raspberrypi/linux',
    url: true,
    description: 'target kernel: git URL of the kernel tree (shallow clone).',
  },
  {
    key: 'kernel-ref',
    kind: 'string',
    check: z.string().regex(GIT_REF, 'must be a branch or tag name such as rpi-6.12.y'),
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
    check: z
      .string()
      .regex(/^[A-Za-z0-9._+~-]{1,64}$/, 'must be up to 64 letters, digits, ".", "_", "+", "~" or "-"'),
    description: 'target kernel: suffix appended to the kernel release (CONFIG_LOCALVERSION), e.g. -ci.',
  },
  {
    key: 'kernel-debs',
    kind: 'bool',
    default: false,
    description: 'target kernel: also build Debian packages (make bindeb-pkg).',
  },
  {
    key: 'toolchain',
    kind: 'string',
    check: z
      .string()
      .regex(
        /^(?:packages|https?:\/\/[^\s'"`$;|&<>\\]+)$/,
        'must be "packages" or the http(s) URL of a toolchain tarball',
      ),
    default: 'packages',
    url: true,
    description:
      'target kernel: cross compiler: "packages" (the distribution\'s cross gcc, kept in the tool cache) or the URL of a toolchain tarball such as the Arm GNU Toolchain.',
  },
  {
    key: 'ccache',
    kind: 'bool',
    default: true,
    description: 'target kernel: compile through ccache, kept in the cache between builds.',
  },
  {
    key: 'ccache-size',
    kind: 'int',
    check: z
      .number()
      .int()
      .min(64)
      .max(1024 * 1024),
    default: 1024,
    description: 'target kernel: cap of the ccache in MiB.',
  },
  {
    key: 'upload',
    kind: 'bool',
    default: true,
    description:
      'In Actions, upload the finished files as a workflow artifact (false: keep them only in out-dir).',
  },
  {
    key: 'artifact-name',
    kind: 'string',
    check: z
      .string()
      .regex(
        /^[^"\\:<>|*?\r\n/]+$/,
        'must not contain " : < > | * ? \\ / or line breaks (GitHub forbids them)',
      ),
    description: 'Name of the artifact (default <image-name>-<suite>-<arch>, unique per matrix leg).',
  },
  {
    key: 'retention-days',
    kind: 'int',
    check: z.number().int().min(1).max(90),
    unit: 'days',
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
    default: true,
    description: "Cache what is slow to make (the root filesystem; pi-gen's stage0) between builds.",
  },
  {
    key: 'cache-read-only',
    kind: 'bool',
    default: false,
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
    check: z.number().int().min(0).max(100_000),
    unit: 'GiB',
    description: 'GiB of free disk the doctor requires where the build writes (default by target).',
  },
] as const satisfies readonly OptionSpec[];

/** The table with each entry's own type (literal keys, the exact zod checks), for schema.ts's types. */
export type OptionTable = typeof TABLE;
export const OPTIONS: readonly OptionSpec[] = TABLE;

export const OPTION_KEYS = OPTIONS.map((o) => o.key);

export function optionSpec(key: string): OptionSpec | undefined {
  return OPTIONS.find((o) => o.key === key);
}

/** The default as the docs and --help show it: lists space-separated, none for an empty list. */
export function defaultText(o: OptionSpec): string | undefined {
  const d = o.default;
  if (d === undefined) return undefined;
  if (typeof d === 'object') return d.length > 0 ? d.join(' ') : undefined;
  return String(d);
}
