// Customising an existing image's root (base-image) instead of one rpi-build built: only what
// the user gave is changed, the way the base expects it. An option left at its default leaves
// the base's own setting alone (an image's last release keeps its host name and locale); the
// base's first-boot machinery (growing the root, host keys) is its own and is not replaced.
import { appendFile, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BuildConfig } from '../config/schema.js';
import { isDefault } from '../config/defaults.js';
import { exists } from '../runtime/files.js';
import { logger } from '../runtime/log.js';
import { inChroot, inChrootShown } from './chroot.js';
import { configureLocale, configureTimezone } from './locale.js';
import { applyOverlayInside, runCustomizeScripts } from './overlay.js';
import { withChrootKeepingResolver } from './resolver.js';
import { accountState, configureUser, hashPassword, setShadowHash, type Account } from './user.js';
import { inRoot, writeRootFile } from './write.js';

export interface BaseCustomizeResult {
  /** How SSH was turned on ('ssh file', 'ssh.service'), or undefined when it was not touched. */
  ssh?: string;
}

/** Raspberry Pi OS names its first user at first boot from userconf.txt (package userconf-pi). */
const USERCONF = 'usr/lib/userconf-pi/userconf';
/** Raspberry Pi OS enables SSH at boot when the boot partition holds a file named ssh. */
const SSHSWITCH = 'lib/systemd/system/sshswitch.service';

async function setHostname(root: string, name: string): Promise<void> {
  await writeRootFile(root, 'etc/hostname', `${name}\n`);
  const hosts = await inRoot(root, 'etc/hosts');
  const text = await readFile(hosts, 'utf8').catch(() => '127.0.0.1\tlocalhost\n');
  const lines = text.split('\n').filter((l) => !/^127\.0\.1\.1\s/.test(l));
  const at = lines.findIndex((l) => /^127\.0\.0\.1\s/.test(l));
  lines.splice(at + 1, 0, `127.0.1.1\t${name}`);
  await writeFile(hosts, lines.join('\n'));
}

async function passwdEntry(root: string, match: (f: string[]) => boolean): Promise<string[] | undefined> {
  const text = await readFile(await inRoot(root, 'etc/passwd'), 'utf8');
  return text
    .split('\n')
    .map((l) => l.split(':'))
    .find(match);
}

async function addKeys(root: string, entry: string[], keys: string[]): Promise<void> {
  const [uid, gid, home] = [Number(entry[2]), Number(entry[3]), entry[5]!];
  const dir = await inRoot(root, `${home}/.ssh`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = await inRoot(root, `${home}/.ssh/authorized_keys`);
  await appendFile(file, `${keys.join('\n')}\n`, { mode: 0o600 });
  await chown(dir, uid, gid);
  await chown(file, uid, gid);
}

/** What the user gave for the first user, or undefined when the base's users are left alone. */
function accountOf(config: BuildConfig): Account | undefined {
  const { password, sshAuthorizedKeys: keys } = config;
  if (!password && keys.length === 0 && isDefault(config, 'username')) return undefined;
  return accountState(password !== undefined, keys.length > 0);
}

const isPiOs = (root: string): Promise<boolean> => exists(join(root, USERCONF));

/**
 * The first user's account, without its secrets (this part is cached): created as on built
 * images when the base lacks it. Raspberry Pi OS needs nothing here: its first boot makes the
 * user from userconf.txt, written with the secrets.
 */
async function prepareUser(root: string, config: BuildConfig, logFile: string): Promise<void> {
  if (accountOf(config) === undefined || (await isPiOs(root))) return;
  if (await passwdEntry(root, (f) => f[0] === config.username)) return;
  await configureUser(root, { ...config, password: undefined, sshAuthorizedKeys: [] }, logFile);
}

/**
 * The secrets, after the cache (never in it), natively: Raspberry Pi OS gets userconf.txt on
 * the boot partition (its first boot renames the uid-1000 user and sets the hash; the console
 * wizard then does not run) and the keys in that user's home; other bases the hash in
 * /etc/shadow and the keys in the user's home.
 */
export async function applyAccess(
  root: string,
  bootDir: string,
  config: BuildConfig,
): Promise<Account | undefined> {
  const account = accountOf(config);
  if (account === undefined) return undefined;
  const { password, sshAuthorizedKeys: keys, username } = config;
  const hash = password ? await hashPassword(password) : undefined;
  if (await isPiOs(root)) {
    await writeFile(join(bootDir, 'userconf.txt'), `${username}:${hash ?? '!'}\n`, { mode: 0o600 });
    const first = await passwdEntry(root, (f) => f[2] === '1000');
    if (keys.length && first) await addKeys(root, first, keys);
    return account;
  }
  const entry = await passwdEntry(root, (f) => f[0] === username);
  if (!entry) throw new Error(`the first user ${username} is missing from the customised base`);
  if (hash) await setShadowHash(root, username, hash);
  if (keys.length) await addKeys(root, entry, keys);
  return account;
}

/** SSH on, the way the base turns it on, when the user gave a way in. */
async function enableSsh(root: string, bootDir: string, logFile: string): Promise<string | undefined> {
  if (await exists(join(root, SSHSWITCH))) {
    await writeFile(join(bootDir, 'ssh'), '');
    return 'ssh file';
  }
  if (await exists(join(root, 'lib', 'systemd', 'system', 'ssh.service'))) {
    await inChroot(root, ['systemctl', 'enable', 'ssh.service'], { logFile });
    return 'ssh.service';
  }
  return undefined;
}

async function installPackages(root: string, packages: string[], logFile: string): Promise<void> {
  // "N newly installed" gives the count; each "Setting up" is one more of it.
  let total = 0;
  let done = 0;
  const say = (l: string): void => {
    const n = /(\d+) newly installed/.exec(l);
    if (n) total = Number(n[1]);
    const m = /^(Get:\d+|Unpacking|Setting up) (\S+)/.exec(l);
    if (m?.[1] === 'Setting up') done++;
    if (!m) return;
    // A package's Get line: Get:N URL suite/component arch name arch version [size]; an index's is shorter.
    const f = l.split(' ');
    const what = m[1]!.startsWith('Get')
      ? `downloading ${f.length >= 8 ? f[4] : f[3]}`
      : `${m[1]!.toLowerCase()} ${m[2]}`;
    logger().progress(`packages: ${what}${total ? ` (${done} of ${total} set up)` : ''}`);
  };
  await logger().group(`packages: ${packages.join(' ')}`, async () => {
    await inChroot(root, ['apt-get', 'update'], { logFile, onLine: say });
    await inChroot(root, ['apt-get', 'install', '-y', '--no-install-recommends', ...packages], {
      logFile,
      onLine: say,
    });
    await inChroot(root, ['apt-get', 'clean'], { logFile });
  });
}

/** commands: written to a file inside the root and run from there (never a host shell string). */
async function runCommands(root: string, commands: string, logFile: string): Promise<void> {
  const rel = 'tmp/rpi-build-commands.sh';
  await writeRootFile(root, rel, `${commands}\n`, 0o700);
  const bash = await exists(await inRoot(root, 'bin/bash'));
  try {
    await inChrootShown(
      root,
      [bash ? '/bin/bash' : '/bin/sh', '-e', `/${rel}`],
      'commands',
      'commands',
      logFile,
    );
  } finally {
    await rm(join(await inRoot(root, 'tmp'), basename(rel)), { force: true });
  }
}

export async function customizeBase(
  root: string,
  bootDir: string,
  config: BuildConfig,
  logFile: string,
): Promise<BaseCustomizeResult> {
  const result: BaseCustomizeResult = {};
  await withChrootKeepingResolver(
    root,
    async () => {
      if (!isDefault(config, 'hostname')) await setHostname(root, config.hostname);
      if (!isDefault(config, 'locale')) await configureLocale(root, config, logFile);
      if (!isDefault(config, 'timezone')) await configureTimezone(root, config);
      await prepareUser(root, config, logFile);
      const account = accountOf(config);
      if (account !== undefined && account !== 'locked') {
        const ssh = await enableSsh(root, bootDir, logFile);
        if (ssh) result.ssh = ssh;
      }
      if (config.packages.length) await installPackages(root, config.packages, logFile);
      if (config.overlay) await applyOverlayInside(root, config.overlay, logFile);
      if (config.customize.length) await runCustomizeScripts(root, config.customize, logFile);
      if (config.commands !== undefined) await runCommands(root, config.commands, logFile);
    },
    logFile,
  );
  return result;
}
