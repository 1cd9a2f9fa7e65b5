// Builds the BuildConfig from its sources, later ones winning:
// embedded default < YAML file < action inputs or CLI flags.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from '../runtime/errors.js';
import { checkCacheDirPath, checkWorkDirPath } from '../runtime/work-folder.js';
import { DEFAULTS } from './defaults.js';
import { applyBoard, checkKernelDir, checkKernelPaths } from './kernel.js';
import { checkBaseConfig } from './base.js';
import { isUrl } from '../base/source.js';
import { machineProblem } from '../boot/machines.js';
import { checkPiGen } from './pigen.js';
import { COMPRESSION_LEVELS, OPTION_KEYS } from './options.js';
import { readPasswordFile, registerSecrets, secretsOfRaw } from './secrets.js';
import { parseConfig, type BuildConfig, type RawConfig } from './schema.js';
import { closest, didYouMean } from './suggest.js';

/** Rejects keys no option has, with a hint. `where` names the source in the message. */
export function checkKeys(raw: RawConfig, where: string): void {
  for (const key of Object.keys(raw)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new InputError(`${where}: ${key}`, 'is not a known option', didYouMean(key, OPTION_KEYS));
    }
  }
}

export async function readConfigFile(path: string): Promise<RawConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(
      'config',
      `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      'Give the path of a YAML build config.',
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const detail = err instanceof YAMLParseError ? err.message.split('\n')[0] : String(err);
    throw new InputError(
      'config',
      `${path} is not valid YAML: ${detail}`,
      'Fix the YAML syntax (see examples/ for working configs).',
    );
  }
  if (doc === null || doc === undefined) {
    throw new InputError(
      'config',
      `${path} is empty`,
      'Put at least one option in it, or drop the config input.',
    );
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InputError(
      'config',
      `${path} must hold a mapping of options`,
      'Write "key: value" lines such as "arch: arm64".',
    );
  }
  const raw = doc as RawConfig;
  checkKeys(raw, 'config');
  return raw;
}

export interface ConfigSources {
  /** Path of a YAML file (config input / --config). */
  file?: string;
  /** Action inputs or CLI flags, kebab-case keys, unset ones absent. */
  overrides: RawConfig;
  /**
   * In the action: the folders (GITHUB_WORKSPACE, then RUNNER_TEMP) the config file, overlay,
   * customize scripts and out-dir must stay inside. Unset for the CLI: a workstation has no workspace.
   */
  roots?: string[];
}

function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Rejects a path that leaves the workspace ("../..", or an absolute path elsewhere on the runner). */
function checkInside(input: string, path: string, roots: string[]): void {
  if (roots.some((r) => isInside(r, path))) return;
  throw new InputError(
    input,
    `"${path}" is outside the workspace`,
    `Use a path inside the repository checkout (GITHUB_WORKSPACE, ${roots[0]})${roots.length > 1 ? ` or RUNNER_TEMP (${roots[1]})` : ''}, without ".." leading out of it.`,
  );
}

/** overlay: a folder whose contents go over the root filesystem. */
export async function checkOverlay(overlay: string): Promise<void> {
  if (!(await stat(overlay).catch(() => undefined))?.isDirectory())
    throw new InputError(
      'overlay',
      `"${overlay}" is not a folder`,
      'Give a folder whose contents are copied over the root filesystem.',
    );
}

/** customize: each a script file, run inside the image. */
export async function checkCustomizeScript(script: string): Promise<void> {
  if (!(await stat(script).catch(() => undefined))?.isFile())
    throw new InputError(
      'customize',
      `"${script}" is not a file`,
      'Give paths of scripts to run inside the image, one per line.',
    );
}

/** test-script: each a script file, run inside the booted image by the boot test. */
export async function checkTestScript(script: string): Promise<void> {
  if (!(await stat(script).catch(() => undefined))?.isFile())
    throw new InputError(
      'test-script',
      `"${script}" is not a file`,
      'Give paths of scripts to run inside the booted image, one per line (they must exist before the build starts).',
    );
}

/** Paths that must exist are checked now, not after the root filesystem has been built. */
async function checkFiles(config: BuildConfig): Promise<void> {
  if (config.overlay !== undefined) await checkOverlay(config.overlay);
  for (const script of config.customize) await checkCustomizeScript(script);
  for (const script of config.testScript) await checkTestScript(script);
}

/** A zone Node's ICU knows, or one the host's tzdata has (posix/…, right/…). */
function checkTimezone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return;
  } catch {
    if (existsSync(join('/usr/share/zoneinfo', tz))) return;
  }
  const near = closest(tz, Intl.supportedValuesOf('timeZone'));
  throw new InputError(
    'timezone',
    `"${tz}" is not a known time zone`,
    near
      ? `Did you mean "${near}"?`
      : 'Use a name such as Europe/Berlin or Etc/UTC (see /usr/share/zoneinfo).',
  );
}

/** password-file: its first line becomes the password; the path itself is not kept. */
function readPasswordInto(merged: RawConfig): void {
  const file = merged['password-file'];
  if (file === undefined) return;
  delete merged['password-file'];
  if (typeof file !== 'string' || file === '')
    throw new InputError(
      'password-file',
      'must be the path of a file',
      'Give the path of a file holding the password.',
    );
  if ('password' in merged)
    throw new InputError(
      'password-file',
      'is given together with password',
      'Give the password one way: password (or RPI_BUILD_PASSWORD on the CLI) or password-file.',
    );
  let secret: string;
  try {
    secret = readPasswordFile(file);
  } catch (err) {
    throw new InputError(
      'password-file',
      `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      'Give the path of a readable file whose first line is the password.',
    );
  }
  if (secret === '')
    throw new InputError('password-file', `${file} is empty`, 'Put the password on its first line.');
  merged.password = secret; // masked by the caller, like every secret
}

function checkBootMachine(config: BuildConfig): void {
  if (config.target === 'qemu' || !config.bootTest) return;
  for (const arch of config.arch) {
    const problem = machineProblem(arch, config.bootMachine);
    if (problem)
      throw new InputError('boot-machine', problem, 'Set boot-machine: pi (the default) for armel.');
  }
}

/** compression-level within the chosen compressor's levels (options.ts, COMPRESSION_LEVELS). */
function checkCompressionLevel(config: BuildConfig): void {
  const level = config.compressionLevel;
  if (level === undefined) return;
  if (config.compression === 'none')
    throw new InputError(
      'compression-level',
      'is given, but compression is none',
      'Leave compression-level out, or set compression to xz, zstd or gzip.',
    );
  const range = COMPRESSION_LEVELS[config.compression];
  if (level < range.min || level > range.max)
    throw new InputError(
      'compression-level',
      `${level} is not a level of ${config.compression}`,
      `Give ${range.min} to ${range.max} for ${config.compression} (higher: smaller and slower), or leave it out for ${range.default}.`,
    );
}

export async function loadConfig(sources: ConfigSources): Promise<BuildConfig> {
  checkKeys(sources.overrides, 'input');
  const roots = sources.roots?.length ? sources.roots : undefined;
  if (roots && sources.file) checkInside('config', sources.file, roots);
  const fromFile = sources.file ? await readConfigFile(sources.file) : {};
  const merged: RawConfig = { ...DEFAULTS, ...fromFile, ...sources.overrides };
  // Mask secrets (the password, credentials in URLs) before anything can print them, even a validation error.
  registerSecrets(secretsOfRaw(merged));
  readPasswordInto(merged);
  registerSecrets(secretsOfRaw(merged));
  const config = parseConfig(merged);
  // Folders rpi-build would empty or prune: never /, a system folder or the workspace.
  if (config.workDir !== undefined) checkWorkDirPath(config.workDir);
  if (config.cacheDir !== undefined) checkCacheDirPath(config.cacheDir);
  if (roots) {
    if (config.overlay !== undefined) checkInside('overlay', config.overlay, roots);
    for (const script of config.customize) checkInside('customize', script, roots);
    for (const script of config.testScript) checkInside('test-script', script, roots);
    checkInside('out-dir', config.outDir, roots);
  }
  checkTimezone(config.timezone);
  await checkFiles(config);
  applyBoard(config, 'arch' in fromFile || 'arch' in sources.overrides);
  // A kernel is boot-tested only when asked: boot-test's default (true) is the image's.
  if (config.target === 'kernel' && !('boot-test' in fromFile || 'boot-test' in sources.overrides))
    config.bootTest = false;
  checkBootMachine(config);
  checkCompressionLevel(config);
  if (roots && config.target === 'kernel' && config.kernelPath !== undefined)
    checkInside('kernel-path', config.kernelPath, roots);
  await checkKernelPaths(config);
  if (roots && config.kernelDir !== undefined) checkInside('kernel-dir', config.kernelDir, roots);
  await checkKernelDir(config);
  if (roots && config.baseImage !== undefined && !isUrl(config.baseImage))
    checkInside('base-image', config.baseImage, roots);
  await checkBaseConfig(config);
  if (roots && config.builder === 'pi-gen') {
    if (config.piGenPath !== undefined) checkInside('pi-gen-path', config.piGenPath, roots);
    if (config.piGenStagesDir !== undefined) checkInside('pi-gen-stages-dir', config.piGenStagesDir, roots);
  }
  await checkPiGen(config);
  return config;
}
