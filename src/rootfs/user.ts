// The first user: the account (useradd in the chroot), sudo without a password, the
// password's hash in /etc/shadow and the SSH keys in its home.
import { chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import type { BuildConfig } from '../config/schema.js';
import { exec } from '../runtime/exec.js';
import { inChroot } from './chroot.js';
import { inRoot, writeRootFile } from './write.js';

/** The first user's account state, for the summary. */
export type Account = 'password' | 'ssh-key' | 'password+ssh-key' | 'locked';

/** SHA-512 crypt hash made natively by openssl; the password goes through stdin, never argv. */
export async function hashPassword(password: string): Promise<string> {
  const r = await exec('openssl', ['passwd', '-6', '-stdin'], { input: `${password}\n` });
  const hash = r.stdout.trim();
  // Exactly one hash: it becomes one field of one /etc/shadow line.
  if (!/^\$6\$[^\s:]+$/.test(hash)) throw new Error('openssl did not return one SHA-512 crypt hash');
  return hash;
}

export async function setShadowHash(root: string, user: string, hash: string): Promise<void> {
  const path = await inRoot(root, 'etc/shadow');
  const lines = (await readFile(path, 'utf8')).split('\n').map((l) => {
    const f = l.split(':');
    if (f[0] !== user) return l;
    f[1] = hash;
    return f.join(':');
  });
  await writeFile(path, lines.join('\n'), { mode: 0o640 });
}

async function userIds(root: string, user: string): Promise<{ uid: number; gid: number; home: string }> {
  const line = (await readFile(await inRoot(root, 'etc/passwd'), 'utf8'))
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`user ${user} was not created`);
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]), home: f[5]! };
}

async function existingGroups(root: string, wanted: string[]): Promise<string[]> {
  const groups = new Set(
    (await readFile(await inRoot(root, 'etc/group'), 'utf8')).split('\n').map((l) => l.split(':')[0]),
  );
  return wanted.filter((g) => groups.has(g));
}

export async function configureUser(root: string, config: BuildConfig, logFile: string): Promise<Account> {
  const groups = await existingGroups(root, [
    'sudo',
    'adm',
    'dialout',
    'plugdev',
    'video',
    'audio',
    'input',
    'render',
    'netdev',
    'gpio',
    'i2c',
    'spi',
  ]);
  await inChroot(
    root,
    [
      'useradd',
      '--create-home',
      '--shell',
      '/bin/bash',
      '--user-group',
      '--groups',
      groups.join(','),
      config.username,
    ],
    { logFile },
  );
  // Like Raspberry Pi OS's first user: sudo without a password (the account itself may be key-only).
  await writeRootFile(
    root,
    `etc/sudoers.d/010_${config.username}-nopasswd`,
    `${config.username} ALL=(ALL) NOPASSWD: ALL\n`,
    0o440,
  );
  if (config.password) await setShadowHash(root, config.username, await hashPassword(config.password));
  if (config.sshAuthorizedKeys.length > 0) {
    const { uid, gid, home } = await userIds(root, config.username);
    const dir = await inRoot(root, `${home}/.ssh`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = await inRoot(root, `${home}/.ssh/authorized_keys`);
    await writeFile(file, `${config.sshAuthorizedKeys.join('\n')}\n`, {
      mode: 0o600,
    });
    await chown(dir, uid, gid);
    await chown(file, uid, gid);
  }
  return accountState(config.password !== undefined, config.sshAuthorizedKeys.length > 0);
}

/** The account state the first user gets from having a password, keys, both or neither. */
export function accountState(hasPassword: boolean, hasKeys: boolean): Account {
  if (hasPassword && hasKeys) return 'password+ssh-key';
  if (hasPassword) return 'password';
  if (hasKeys) return 'ssh-key';
  return 'locked';
}
