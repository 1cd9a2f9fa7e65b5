// CLI arguments -> command and raw config overrides. Flags share the option table's names.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { checkKeys } from './config/load.js';
import { OPTIONS, OPTION_KEYS, defaultText } from './config/options.js';
import type { RawConfig } from './config/schema.js';
import { didYouMean } from './config/suggest.js';
import { InputError, errorMessage } from './runtime/errors.js';

export const COMMANDS = [
  'doctor',
  'qemu',
  'image',
  'kernel',
  'build',
  'boot-test',
  'host-packages',
  'cleanup',
  'help',
] as const;
type Command = (typeof COMMANDS)[number];

export const USAGE = `rpi-build: build Raspberry Pi images and kernels in CI and on workstations

Usage:
  rpi-build doctor [--json] [--arch LIST] [--target T]   probe this host and explain what is wrong
  rpi-build qemu --arch arm64,armhf                      register QEMU emulation for what the CPU cannot run
  rpi-build image [--out DIR] [options]                  build an SD-card image (default: Debian arm64)
  rpi-build kernel [--board B] [--kernel-path P] [options] cross-compile a Raspberry Pi kernel (default: pi4-64)
  rpi-build build --config FILE [options]                run the build a YAML config describes
  rpi-build boot-test IMAGE [--arch A] [--test-script F] boot an image under QEMU, check it, run test scripts
  rpi-build host-packages [PART...] [--install]          list (or install) the host packages of image, boot,
                                                         kernel, pigen, tests (all parts when none is named)
  rpi-build cleanup --work-dir DIR                       end, unmount and remove what a build left in its
                                                         work folder (what the action's post step runs)

Options (also YAML keys and action inputs):
${OPTIONS.map((o) => `  --${o.key.padEnd(22)} ${o.description}${defaultText(o) ? ` [${defaultText(o)}]` : ''}${o.values ? ` (${o.values.join('|')})` : ''}`).join('\n')}
  --config FILE            YAML build config; flags override it
  --out DIR                same as --out-dir
  --json                   doctor: print one JSON object
  --outputs-file FILE      also write the outputs as a JSON object to FILE

Environment:
  RPI_BUILD_PASSWORD       the first user's password (better than --password, which ps shows)
`;

function argSpec(): ParseArgsConfig['options'] {
  const spec: NonNullable<ParseArgsConfig['options']> = {
    config: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    install: { type: 'boolean' },
    'outputs-file': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const o of OPTIONS) {
    // A per-line list (customize, test-script) may be given once per item: --test-script a --test-script b.
    spec[o.key] = o.kind === 'list' && o.perLine ? { type: 'string', multiple: true } : { type: 'string' };
    if (o.kind === 'bool') spec[`no-${o.key}`] = { type: 'boolean' };
  }
  return spec;
}

export interface ParsedCli {
  command: Command;
  positionals: string[];
  file?: string;
  overrides: RawConfig;
  json: boolean;
  /** host-packages: install what is missing instead of listing. */
  install: boolean;
  /** Also write the outputs as JSON here (the sudo hand-off). */
  outputsFile?: string;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedCli {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: argSpec(), allowPositionals: true, strict: true });
  } catch (err) {
    const m = /Unknown option '--?([^']+)'/.exec(errorMessage(err));
    if (m)
      throw new InputError(
        `--${m[1]}`,
        'is not a known flag',
        didYouMean(m[1]!, [...OPTION_KEYS, 'config', 'out', 'json', 'install', 'outputs-file']),
      );
    throw new InputError('command line', errorMessage(err), 'See rpi-build --help.');
  }
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const [first, ...positionals] = parsed.positionals;
  const command = (values.help ? 'help' : (first ?? 'help')) as Command;
  if (!COMMANDS.includes(command)) {
    throw new InputError(
      'command',
      `"${first}" is not a command`,
      `${didYouMean(first ?? '', COMMANDS)} Commands: ${COMMANDS.join(', ')}.`,
    );
  }
  const overrides: RawConfig = {};
  for (const o of OPTIONS) {
    const v = values[o.key];
    if (typeof v === 'string') overrides[o.key] = v;
    if (Array.isArray(v)) overrides[o.key] = v.join('\n');
    if (values[`no-${o.key}`] === true) overrides[o.key] = false;
  }
  if (typeof values.out === 'string') overrides['out-dir'] = values.out;
  // The password from the environment: unlike a flag, it is not visible in ps.
  const secretFromEnv = env.RPI_BUILD_PASSWORD;
  if (secretFromEnv && !('password' in overrides) && !('password-file' in overrides))
    overrides.password = secretFromEnv; // the secret, masked by loadConfig
  if (command === 'qemu' || command === 'doctor')
    overrides.target ??= command === 'qemu' ? 'qemu' : overrides.target;
  if (command === 'image') overrides.target = 'image';
  if (command === 'kernel') overrides.target = 'kernel';
  checkKeys(overrides, 'flag');
  return {
    command,
    positionals,
    ...(typeof values.config === 'string' ? { file: values.config } : {}),
    overrides,
    json: values.json === true,
    install: values.install === true,
    ...(typeof values['outputs-file'] === 'string' ? { outputsFile: values['outputs-file'] } : {}),
  };
}
