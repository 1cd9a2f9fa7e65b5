// Bad input fails before any work, names the input and says how to fix it (issue #9).
// One table across the three ways in: action inputs (INPUT_* as a runner passes them, with
// GITHUB_WORKSPACE set), CLI flags, and the YAML config file. A handful then go through the
// real CLI and the bundled action to show the process stops at once and creates nothing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli-args.js';
import { readInputs } from '../src/config/inputs.js';
import { loadConfig } from '../src/config/load.js';
import { OPTIONS } from '../src/config/options.js';
import { InputError } from '../src/runtime/errors.js';
import { ROOT, Runner } from './support/runner.js';
import { makeKernelBuilds } from './support/kernel-builds.js';

const scratch = mkdtempSync(join(tmpdir(), 'rpi-bad-input-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const WS = join(scratch, 'workspace'); // GITHUB_WORKSPACE
const TEMP = join(scratch, 'temp'); // RUNNER_TEMP
mkdirSync(join(WS, 'overlay'), { recursive: true });
mkdirSync(TEMP, { recursive: true });
writeFileSync(join(WS, 'setup.sh'), '#!/bin/sh\ntrue\n');
const kernels = makeKernelBuilds(WS);

let files = 0;
function yamlFile(text: string): string {
  const p = join(WS, `config-${++files}.yml`);
  writeFileSync(p, text);
  return p;
}

type Source =
  | { inputs: Record<string, string> } // the action: INPUT_* variables, GITHUB_WORKSPACE, RUNNER_TEMP
  | { flags: string[] } // rpi-build image <flags>
  | { yaml: string }; // rpi-build build --config <file>

interface Case {
  what: string;
  source: Source;
  /** InputError.input: the exact input name (or "--flag", or "config: key" for a key in the file). */
  input: string;
  /** Part of the message that says what to do. */
  hint: string;
}

const inputEnv = (name: string): string => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
const ENV_KEYS = [
  'GITHUB_WORKSPACE',
  'RUNNER_TEMP',
  ...['config', ...OPTIONS.map((o) => o.key)].map(inputEnv),
];
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** Runs the source through the same calls main.ts and cli.ts make, up to the validated config. */
async function load(source: Source): Promise<unknown> {
  if ('inputs' in source) {
    for (const k of ENV_KEYS) delete process.env[k];
    process.env.GITHUB_WORKSPACE = WS;
    process.env.RUNNER_TEMP = TEMP;
    // A runner starts the step in the workspace; vitest's cwd is the repository, so keep the
    // default out-dir ("out", relative to the cwd) inside WS unless a case sets it.
    const inputs = { 'out-dir': join(WS, 'out'), ...source.inputs };
    for (const [k, v] of Object.entries(inputs)) process.env[inputEnv(k)] = v;
    return loadConfig(readInputs());
  }
  if ('flags' in source) {
    const cli = parseCli(['image', ...source.flags]);
    return loadConfig({ overrides: cli.overrides, ...(cli.file ? { file: cli.file } : {}) });
  }
  return loadConfig({ file: yamlFile(source.yaml), overrides: {} });
}

const ARTIFACT_FIX = 'must not contain " : < > | * ? \\ / or line breaks (GitHub forbids them)';
const HOSTNAME_FIX = 'must be 1-63 letters, digits or hyphens, not starting or ending with a hyphen';
const USER_FIX = 'must start with a lowercase letter or underscore';
const KEY_FIX = 'is not an OpenSSH public key line ("ssh-ed25519 AAAA… comment")';
const OUTSIDE = 'is outside the workspace. Use a path inside the repository checkout (GITHUB_WORKSPACE';

const CASES: Case[] = [
  // --- the YAML config file ---
  {
    what: 'unknown key',
    source: { yaml: 'hostnme: pi\n' },
    input: 'config: hostnme',
    hint: 'Did you mean "hostname"?',
  },
  {
    what: 'snake_case key',
    source: { yaml: 'boot_size: 64\n' },
    input: 'config: boot_size',
    hint: 'Did you mean "boot-size"?',
  },
  {
    what: 'camelCase key',
    source: { yaml: 'rootMargin: 64\n' },
    input: 'config: rootMargin',
    hint: 'Did you mean "root-margin"?',
  },
  {
    what: 'key far from any option',
    source: { yaml: 'wifi-password: x\n' },
    input: 'config: wifi-password',
    hint: 'Known names: target, builder, arch',
  },
  { what: 'empty file', source: { yaml: '' }, input: 'config', hint: 'Put at least one option in it' },
  {
    what: 'only comments',
    source: { yaml: '# arch: arm64\n' },
    input: 'config',
    hint: 'Put at least one option in it',
  },
  {
    what: 'a list, not a mapping',
    source: { yaml: '- arch: arm64\n- suite: trixie\n' },
    input: 'config',
    hint: 'Write "key: value" lines',
  },
  { what: 'a bare word', source: { yaml: 'arm64\n' }, input: 'config', hint: 'Write "key: value" lines' },
  {
    what: 'broken syntax',
    source: { yaml: 'packages: [vim\n' },
    input: 'config',
    hint: 'Fix the YAML syntax',
  },
  {
    what: 'number where a list belongs',
    source: { yaml: 'packages: 5\n' },
    input: 'packages',
    hint: 'Give a YAML list such as [a, b]',
  },
  {
    what: 'mapping where a list belongs',
    source: { yaml: 'ssh-authorized-keys: {a: 1}\n' },
    input: 'ssh-authorized-keys',
    hint: 'Give a YAML list',
  },
  {
    what: 'a number inside a list',
    source: { yaml: 'packages: [vim, 5]\n' },
    input: 'packages',
    hint: 'Give one text value',
  },
  {
    what: 'list where text belongs',
    source: { yaml: 'hostname: [a, b]\n' },
    input: 'hostname',
    hint: 'Give one text value',
  },
  {
    what: 'empty value',
    source: { yaml: 'hostname:\n' },
    input: 'hostname',
    hint: 'expected string but got nothing',
  },
  {
    what: 'negative size',
    source: { yaml: 'boot-size: -5\n' },
    input: 'boot-size',
    hint: 'Give a whole number from 32 to 4096 MiB',
  },
  {
    what: 'fractional size',
    source: { yaml: 'boot-size: 12.5\n' },
    input: 'boot-size',
    hint: 'Give a whole number of MiB',
  },
  {
    what: 'retention below 1',
    source: { yaml: 'retention-days: 0\n' },
    input: 'retention-days',
    hint: 'from 1 to 90 days',
  },
  {
    what: 'package name with a space',
    source: { yaml: 'packages: ["vim emacs"]\n' },
    input: 'packages',
    hint: 'is not a Debian package name',
  },
  {
    what: 'boolean as a word',
    source: { yaml: 'cache: yes please\n' },
    input: 'cache',
    hint: 'Use true or false',
  },

  // --- action inputs ---
  {
    what: 'host name too long',
    source: { inputs: { hostname: 'a'.repeat(64) } },
    input: 'hostname',
    hint: HOSTNAME_FIX,
  },
  {
    what: 'host name with a leading hyphen',
    source: { inputs: { hostname: '-pi' } },
    input: 'hostname',
    hint: HOSTNAME_FIX,
  },
  {
    what: 'host name with an underscore',
    source: { inputs: { hostname: 'my_pi' } },
    input: 'hostname',
    hint: HOSTNAME_FIX,
  },
  {
    what: 'host name with a dot',
    source: { inputs: { hostname: 'pi.local' } },
    input: 'hostname',
    hint: HOSTNAME_FIX,
  },
  { what: 'upper-case user', source: { inputs: { username: 'Pi' } }, input: 'username', hint: USER_FIX },
  {
    what: 'root as the user',
    source: { inputs: { username: 'root' } },
    input: 'username',
    hint: 'must not be root',
  },
  {
    what: 'user starting with a digit',
    source: { inputs: { username: '1pi' } },
    input: 'username',
    hint: USER_FIX,
  },
  {
    what: 'user name too long',
    source: { inputs: { username: 'a'.repeat(33) } },
    input: 'username',
    hint: '(at most 32)',
  },
  {
    what: 'negative margin',
    source: { inputs: { 'root-margin': '-5' } },
    input: 'root-margin',
    hint: 'Give a whole number of MiB, without a unit (default 512)',
  },
  {
    what: 'margin with a unit',
    source: { inputs: { 'root-margin': '512M' } },
    input: 'root-margin',
    hint: 'without a unit',
  },
  {
    what: 'boot size as a word',
    source: { inputs: { 'boot-size': 'big' } },
    input: 'boot-size',
    hint: 'Give a whole number of MiB',
  },
  {
    what: 'boot size with a unit',
    source: { inputs: { 'boot-size': '1G' } },
    input: 'boot-size',
    hint: 'Give a whole number of MiB',
  },
  {
    what: 'boot size too small',
    source: { inputs: { 'boot-size': '8' } },
    input: 'boot-size',
    hint: 'from 32 to 4096 MiB',
  },
  {
    what: 'fractional free disk',
    source: { inputs: { 'min-free-disk': '1.5' } },
    input: 'min-free-disk',
    hint: 'Give a whole number of GiB',
  },
  {
    what: 'negative free disk',
    source: { inputs: { 'min-free-disk': '-1' } },
    input: 'min-free-disk',
    hint: 'of GiB',
  },
  {
    what: 'arch spelled the kernel way',
    source: { inputs: { arch: 'aarch64' } },
    input: 'arch',
    hint: 'Accepted values: arm64, armhf, armel',
  },
  {
    what: 'unknown suite',
    source: { inputs: { suite: 'bullseye' } },
    input: 'suite',
    hint: 'Accepted values: bookworm, trixie',
  },
  {
    what: 'unknown boot machine',
    source: { flags: ['--boot-machine', 'raspi3b'] },
    input: 'boot-machine',
    hint: 'Accepted values: pi, virt',
  },
  {
    what: 'virt for armel, whose kernel has no virtio',
    source: { inputs: { arch: 'armel', 'boot-machine': 'virt' } },
    input: 'boot-machine',
    hint: 'Set boot-machine: pi (the default) for armel.',
  },
  {
    what: 'unknown target',
    source: { inputs: { target: 'firmware' } },
    input: 'target',
    hint: 'Accepted values: image, kernel, qemu',
  },
  {
    what: 'unknown builder',
    source: { inputs: { builder: 'pigen' } },
    input: 'builder',
    hint: 'Accepted values: debian, pi-gen',
  },
  {
    what: 'unknown compression',
    source: { inputs: { compression: 'bzip2' } },
    input: 'compression',
    hint: 'Accepted values: xz, zstd, gzip, none',
  },
  {
    what: 'xz level above 9',
    source: { inputs: { 'compression-level': '12' } },
    input: 'compression-level',
    hint: 'Give 0 to 9 for xz',
  },
  {
    what: 'compression level as a word',
    source: { inputs: { 'compression-level': 'best' } },
    input: 'compression-level',
    hint: 'whole number',
  },
  {
    what: 'compression level without compression',
    source: { yaml: 'compression: none\ncompression-level: 6\n' },
    input: 'compression-level',
    hint: 'Leave compression-level out, or set compression to xz, zstd or gzip.',
  },
  {
    what: 'unknown diagnostics',
    source: { inputs: { diagnostics: 'sometimes' } },
    input: 'diagnostics',
    hint: 'Accepted values: on-failure, always, never',
  },
  {
    what: 'boot timeout as a word',
    source: { inputs: { 'boot-timeout': 'soon' } },
    input: 'boot-timeout',
    hint: 'Give a whole number of seconds',
  },
  {
    what: 'zero boot timeout',
    source: { inputs: { 'boot-timeout': '0' } },
    input: 'boot-timeout',
    hint: 'from 30 to 7200 seconds',
  },
  {
    what: 'retention above 90',
    source: { inputs: { 'retention-days': '91' } },
    input: 'retention-days',
    hint: 'from 1 to 90 days',
  },
  {
    what: 'zero retention',
    source: { inputs: { 'retention-days': '0' } },
    input: 'retention-days',
    hint: 'from 1 to 90 days',
  },
  { what: 'overlay ../..', source: { inputs: { overlay: '../..' } }, input: 'overlay', hint: OUTSIDE },
  {
    what: 'overlay elsewhere on the runner',
    source: { inputs: { overlay: '/etc' } },
    input: 'overlay',
    hint: OUTSIDE,
  },
  {
    what: 'overlay climbing out through the workspace',
    source: { inputs: { overlay: `${WS}/../../etc` } },
    input: 'overlay',
    hint: OUTSIDE,
  },
  {
    what: 'overlay that is not there',
    source: { inputs: { overlay: join(WS, 'missing') } },
    input: 'overlay',
    hint: 'Give a folder whose contents are copied',
  },
  {
    what: 'customize script outside',
    source: { inputs: { customize: '/usr/bin/env' } },
    input: 'customize',
    hint: OUTSIDE,
  },
  {
    what: 'second customize script ../',
    source: { inputs: { customize: `${join(WS, 'setup.sh')}\n../../x.sh` } },
    input: 'customize',
    hint: OUTSIDE,
  },
  {
    what: 'customize script that is not there',
    source: { inputs: { customize: join(WS, 'missing.sh') } },
    input: 'customize',
    hint: 'Give paths of scripts',
  },
  { what: 'out-dir at /', source: { inputs: { 'out-dir': '/' } }, input: 'out-dir', hint: OUTSIDE },
  {
    what: 'out-dir ../../',
    source: { inputs: { 'out-dir': '../../images' } },
    input: 'out-dir',
    hint: OUTSIDE,
  },
  {
    what: 'config file outside',
    source: { inputs: { config: '/etc/passwd' } },
    input: 'config',
    hint: OUTSIDE,
  },
  ...['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'].map((c): Case => ({
    what: `artifact name with ${JSON.stringify(c)}`,
    source: { inputs: { 'artifact-name': `image${c}arm64` } },
    input: 'artifact-name',
    hint: ARTIFACT_FIX,
  })),
  {
    what: 'package with ;',
    source: { inputs: { packages: 'vim;rm -rf /' } },
    input: 'packages',
    hint: 'is not a Debian package name',
  },
  {
    what: 'package $(…)',
    source: { inputs: { packages: 'curl $(id)' } },
    input: 'packages',
    hint: 'is not a Debian package name',
  },
  {
    what: 'package with backticks',
    source: { inputs: { packages: '`id`' } },
    input: 'packages',
    hint: 'is not a Debian package name',
  },
  {
    what: 'key without its type',
    source: { inputs: { 'ssh-authorized-keys': 'AAAAC3NzaC1lZDI1NTE5AAAAIG9 me@laptop' } },
    input: 'ssh-authorized-keys',
    hint: KEY_FIX,
  },
  {
    what: 'a private key',
    source: { inputs: { 'ssh-authorized-keys': '-----BEGIN OPENSSH PRIVATE KEY-----' } },
    input: 'ssh-authorized-keys',
    hint: KEY_FIX,
  },
  {
    what: 'key type only',
    source: { inputs: { 'ssh-authorized-keys': 'ssh-ed25519' } },
    input: 'ssh-authorized-keys',
    hint: KEY_FIX,
  },
  {
    what: 'unknown key type',
    source: { inputs: { 'ssh-authorized-keys': 'ssh-foo AAAAB3NzaC1yc2E= me' } },
    input: 'ssh-authorized-keys',
    hint: KEY_FIX,
  },
  {
    what: 'ftp mirror',
    source: { inputs: { mirror: 'ftp://ftp.debian.org/debian' } },
    input: 'mirror',
    hint: 'must be an http(s):// or file:// URL',
  },
  {
    what: 'mirror without a scheme',
    source: { inputs: { mirror: 'deb.debian.org/debian' } },
    input: 'mirror',
    hint: 'must be an http(s):// or file:// URL',
  },
  {
    what: 'mirror with shell characters',
    source: { inputs: { mirror: 'http://x/$(id)' } },
    input: 'mirror',
    hint: 'must be an http(s):// or file:// URL',
  },
  {
    what: 'ftp security mirror',
    source: { inputs: { 'security-mirror': 'ftp://security.debian.org/debian-security' } },
    input: 'security-mirror',
    hint: 'must be an http(s):// or file:// URL, or none',
  },
  {
    what: 'password file that is not there',
    source: { flags: ['--password-file', join(scratch, 'no-password')] },
    input: 'password-file',
    hint: 'Give the path of a readable file whose first line is the password',
  },
  {
    what: 'password and password-file together',
    source: { yaml: `password: one\npassword-file: ${join(WS, 'setup.sh')}\n` },
    input: 'password-file',
    hint: 'Give the password one way',
  },
  {
    what: 'locale with a space',
    source: { inputs: { locale: 'en US' } },
    input: 'locale',
    hint: 'must look like en_US.UTF-8 or C.UTF-8',
  },
  {
    what: 'locale with shell characters',
    source: { inputs: { locale: 'en_US.UTF-8;reboot' } },
    input: 'locale',
    hint: 'must look like en_US.UTF-8',
  },
  {
    what: 'time zone that does not exist',
    source: { inputs: { timezone: 'Mars/Olympus_Mons' } },
    input: 'timezone',
    hint: 'Use a name such as Europe/Berlin or Etc/UTC',
  },
  {
    what: 'misspelt time zone',
    source: { inputs: { timezone: 'Europe/Berln' } },
    input: 'timezone',
    hint: 'Did you mean "Europe/Berlin"?',
  },
  {
    what: 'time zone as a path',
    source: { inputs: { timezone: '../../etc/passwd' } },
    input: 'timezone',
    hint: 'must be a zoneinfo name such as Europe/Berlin',
  },
  {
    what: 'boolean as yes',
    source: { inputs: { upload: 'yes' } },
    input: 'upload',
    hint: 'Use true or false',
  },
  {
    what: 'two arches for an image',
    source: { inputs: { arch: 'arm64,armhf' } },
    input: 'arch',
    hint: 'Use a matrix with one arch per job',
  },

  {
    what: 'password over two lines',
    source: { inputs: { password: 'one\ntwo' } },
    input: 'password',
    hint: '(hidden) must be one line (no line breaks)',
  },

  // --- CLI flags ---
  {
    what: 'misspelt flag',
    source: { flags: ['--arhc', 'arm64'] },
    input: '--arhc',
    hint: 'Did you mean "arch"?',
  },
  {
    what: 'misspelt flag',
    source: { flags: ['--pasword', 'x'] },
    input: '--pasword',
    hint: 'Did you mean "password"?',
  },
  {
    what: '--no- on a text option',
    source: { flags: ['--no-hostname'] },
    input: '--no-hostname',
    hint: 'Did you mean "hostname"?',
  },
  { what: 'unknown flag', source: { flags: ['--wifi'] }, input: '--wifi', hint: 'Known names:' },
  { what: 'empty host name', source: { flags: ['--hostname='] }, input: 'hostname', hint: HOSTNAME_FIX },
  { what: 'upper-case user', source: { flags: ['--username=Admin'] }, input: 'username', hint: USER_FIX },
  {
    what: 'negative margin',
    source: { flags: ['--root-margin=-1'] },
    input: 'root-margin',
    hint: 'Give a whole number of MiB',
  },
  {
    what: 'unknown compression',
    source: { flags: ['--compression', 'rar'] },
    input: 'compression',
    hint: 'Accepted values: xz, zstd, gzip, none',
  },
  {
    what: 'zstd level 0',
    source: { flags: ['--compression', 'zstd', '--compression-level', '0'] },
    input: 'compression-level',
    hint: 'Give 1 to 19 for zstd',
  },
  {
    what: 'relative file: mirror',
    source: { flags: ['--mirror', 'file:mirror'] },
    input: 'mirror',
    hint: 'must be an http(s):// or file:// URL',
  },
  {
    what: 'artifact name with a colon',
    source: { flags: ['--artifact-name', 'a:b'] },
    input: 'artifact-name',
    hint: ARTIFACT_FIX,
  },
  {
    what: 'package list with $(…)',
    source: { flags: ['--packages', 'vim,$(id)'] },
    input: 'packages',
    hint: 'is not a Debian package name',
  },
  {
    what: 'zero boot timeout',
    source: { flags: ['--boot-timeout', '0'] },
    input: 'boot-timeout',
    hint: 'from 30 to 7200 seconds',
  },
  {
    what: 'a year of retention',
    source: { flags: ['--retention-days', '365'] },
    input: 'retention-days',
    hint: 'from 1 to 90 days',
  },
  {
    what: 'boolean as 1',
    source: { flags: ['--boot-test', '1'] },
    input: 'boot-test',
    hint: 'Use true or false',
  },
  {
    what: 'kernel-dir that is not there',
    source: { flags: ['--kernel-dir', join(WS, 'no-kernel')] },
    input: 'kernel-dir',
    hint: "Give the out folder of a kernel build (rpi-build kernel's out-dir",
  },
  {
    what: 'kernel-dir that is a source tree, not a build',
    source: { inputs: { 'kernel-dir': kernels.notABuild } },
    input: 'kernel-dir',
    hint: 'boot/kernel*.img, config-<release>, modules-<release>.tar.gz',
  },
  {
    what: "kernel-dir holding only kernel-debs' packages",
    source: { flags: ['--kernel-dir', kernels.debsOnly] },
    input: 'kernel-dir',
    hint: 'Give the whole out folder the kernel build wrote with kernel-debs: true',
  },
  {
    what: 'kernel-dir with an arm64 kernel for an armhf image',
    source: { yaml: `arch: armhf\nkernel-dir: ${kernels.arm64}\n` },
    input: 'kernel-dir',
    hint: 'Use arch arm64, or build the kernel for armhf (board pi2 or pi4).',
  },
  {
    what: 'kernel-dir whose kernel8.img is no kernel',
    source: { flags: ['--kernel-dir', kernels.notAKernel] },
    input: 'kernel-dir',
    hint: 'boot/kernel*.img',
  },
  {
    what: 'kernel-dir whose config builds modules but whose modules tarball is missing',
    source: { flags: ['--kernel-dir', kernels.noModules] },
    input: 'kernel-dir',
    hint: 'with its modules tarball',
  },
  {
    what: 'kernel-dir whose modules tarball reaches outside lib/modules/<release>',
    source: { flags: ['--kernel-dir', kernels.strayModules] },
    input: 'kernel-dir',
    hint: 'only lib/modules/<release>/ inside',
  },
  {
    what: 'kernel-dir with the pi-gen builder',
    source: { inputs: { builder: 'pi-gen', 'kernel-dir': kernels.arm64 } },
    input: 'kernel-dir',
    hint: 'use it with target image and builder debian',
  },
  {
    what: 'kernel-dir outside the workspace',
    source: { inputs: { 'kernel-dir': '/usr/src' } },
    input: 'kernel-dir',
    hint: 'inside the repository checkout',
  },
  {
    what: 'base-image that is not there',
    source: { flags: ['--base-image', join(WS, 'nope.img.xz')] },
    input: 'base-image',
    hint: 'Give the path of an image file in the workspace, or an http(s) URL.',
  },
  {
    what: 'base-image that is no image by its name',
    source: { inputs: { 'base-image': join(WS, 'setup.sh') } },
    input: 'base-image',
    hint: 'with its usual file ending',
  },
  {
    what: 'base-image as an ftp URL',
    source: { yaml: 'base-image: ftp://example.invalid/pi.img.xz\n' },
    input: 'base-image',
    hint: 'Give an http:// or https:// URL',
  },
  {
    what: 'base-image outside the workspace',
    source: { inputs: { 'base-image': '/usr/share/pi.img' } },
    input: 'base-image',
    hint: 'inside the repository checkout',
  },
  {
    what: 'base-image with the pi-gen builder',
    source: {
      inputs: {
        builder: 'pi-gen',
        'base-image': 'https://example.invalid/pi.img.xz',
        'base-image-sha256': 'a'.repeat(64),
      },
    },
    input: 'base-image',
    hint: 'use it with target image',
  },
  {
    what: 'base-image-sha256 that is not 64 hex digits',
    source: { flags: ['--base-image', 'https://example.invalid/pi.img.xz', '--base-image-sha256', 'abc123'] },
    input: 'base-image-sha256',
    hint: 'sha256sum prints them',
  },
  {
    what: 'copy-out that is a relative path',
    source: {
      yaml:
        'base-image: https://example.invalid/pi.img.xz\nbase-image-sha256: ' +
        'b'.repeat(64) +
        '\ncopy-out: home/pi/app\n',
    },
    input: 'copy-out',
    hint: 'absolute path inside the image',
  },
  {
    what: 'copy-out that climbs out with ..',
    source: {
      inputs: {
        'base-image': 'https://example.invalid/pi.img.xz',
        'base-image-sha256': 'c'.repeat(64),
        'copy-out': '/home/../../etc/shadow',
      },
    },
    input: 'copy-out',
    hint: 'without "." or ".." parts',
  },
  {
    what: 'image-out false with nothing to copy out',
    source: {
      inputs: {
        'base-image': 'https://example.invalid/pi.img.xz',
        'base-image-sha256': 'd'.repeat(64),
        'image-out': 'false',
      },
    },
    input: 'image-out',
    hint: 'Give copy-out paths',
  },
  {
    what: 'commands without base-image',
    source: { flags: ['--commands', 'make install'] },
    input: 'commands',
    hint: 'Give base-image',
  },
  {
    what: 'config file that is not there',
    source: { flags: ['--config', join(scratch, 'nope.yml')] },
    input: 'config',
    hint: 'Give the path of a YAML build config',
  },
];

// Should validation ever let a value through, the build it starts fails at once on this mirror.
const DEAD_MIRROR = 'http://127.0.0.1:9/debian';

const where = (s: Source): string => ('inputs' in s ? 'input' : 'flags' in s ? 'flag' : 'yaml');

describe('bad input', () => {
  it('the table is large and covers every way in', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(45);
    for (const w of ['input', 'flag', 'yaml']) expect(CASES.some((c) => where(c.source) === w)).toBe(true);
  });

  it.each(CASES.map((c) => [`${where(c.source)} ${c.input}: ${c.what}`, c] as const))(
    '%s',
    async (_name, c) => {
      const err = await load(c.source).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, 'accepted a bad value').toBeInstanceOf(InputError);
      const e = err as InputError;
      expect(e.input).toBe(c.input);
      expect(e.message.startsWith(`${c.input}: `), e.message).toBe(true);
      expect(e.fix.trim(), e.message).not.toBe('');
      expect(e.message).toContain(c.hint);
    },
  );

  it('the action accepts paths inside the workspace and RUNNER_TEMP', async () => {
    mkdirSync(join(TEMP, 'overlay'), { recursive: true });
    writeFileSync(join(TEMP, 'late.sh'), '#!/bin/sh\n');
    const config = await load({
      inputs: {
        overlay: join(WS, 'overlay'),
        customize: `${join(WS, 'setup.sh')}\n${join(TEMP, 'late.sh')}`,
        'out-dir': join(WS, 'images'),
        config: yamlFile('hostname: ok\n'),
        timezone: 'Europe/Berlin',
      },
    });
    expect(config).toMatchObject({ hostname: 'ok', outDir: join(WS, 'images') });
    await expect(
      load({ inputs: { overlay: join(TEMP, 'overlay'), 'out-dir': join(TEMP, 'out') } }),
    ).resolves.toBeDefined();
  });

  it('the CLI keeps paths outside the current folder (a workstation has no workspace)', async () => {
    await expect(load({ flags: ['--overlay', '/etc', '--out', '../images'] })).resolves.toMatchObject({
      overlay: '/etc',
      outDir: '../images',
    });
  });
});

// The real processes: exit at once, before any step, leaving no work or cache folder behind.
function cleanEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/.test(k)) env[k] = v;
  return { ...env, HOME: home, XDG_CACHE_HOME: join(home, '.cache') };
}

describe('bad input through the real CLI', () => {
  const emptyYaml = join(scratch, 'empty.yml');
  writeFileSync(emptyYaml, '\n');
  it.each([
    [['--hostname=-pi'], 'hostname', HOSTNAME_FIX],
    [['--arhc', 'arm64'], '--arhc', 'Did you mean "arch"?'],
    [['--artifact-name', 'nightly|arm64'], 'artifact-name', ARTIFACT_FIX],
    [['--retention-days', '91'], 'retention-days', 'from 1 to 90 days'],
    [['--config', emptyYaml], 'config', 'Put at least one option in it'],
    [['--packages', 'vim;rm -rf /'], 'packages', 'is not a Debian package name'],
    [['--timezone', 'Europe/Berln'], 'timezone', 'Did you mean "Europe/Berlin"?'],
    [['--boot-size', '1G'], 'boot-size', 'without a unit'],
  ])('image %j exits 2 at once with no work folder', (args, input, hint) => {
    const cwd = mkdtempSync(join(scratch, 'cwd-'));
    const home = mkdtempSync(join(scratch, 'home-'));
    const started = Date.now();
    const r = spawnSync('node', [join(ROOT, 'dist', 'cli.js'), 'image', '--mirror', DEAD_MIRROR, ...args], {
      cwd,
      env: cleanEnv(home),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status, r.stderr).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.stderr.startsWith(`rpi-build: ${input}: `), r.stderr).toBe(true);
    expect(r.stderr).toContain(hint);
    expect(r.stderr).not.toContain('==>'); // no phase started
    expect(readdirSync(cwd)).toEqual([]); // no .work, no out
    expect(readdirSync(home)).toEqual([]); // no ~/.cache/rpi-build
  });
});

describe('bad input through the bundled action', () => {
  it.each([
    [{ overlay: '../..' }, 'overlay: "../.." is outside the workspace'],
    [{ customize: '/etc/shadow' }, 'customize: "/etc/shadow" is outside the workspace'],
    [{ 'artifact-name': 'nightly:arm64' }, 'artifact-name: "nightly:arm64" must not contain'],
    [
      { 'retention-days': '120' },
      'retention-days: 120 is out of range. Give a whole number from 1 to 90 days',
    ],
  ])('%j fails the step before any group starts', async (inputs, message) => {
    const runner = new Runner();
    const main = await runner.main({ inputs: { mirror: DEAD_MIRROR, ...inputs }, timeoutMs: 30_000 });
    expect(main.exitCode).toBe(1);
    expect(main.stdout).toContain(`::error::${message}`);
    expect(main.stdout).not.toContain('::group::');
    expect(main.outputs).toEqual({});
    expect(main.summary).toBe('');
    expect(readdirSync(runner.temp)).toEqual([]); // no RUNNER_TEMP/rpi-build work folder
    expect(readdirSync(runner.workspace)).toEqual([]);
  });
});
