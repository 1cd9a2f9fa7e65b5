// The image's /etc/resolv.conf across a chroot session. The session gives programs in the root
// the host's resolver and removes it afterwards, which used to leave every image without one.
// This keeps what the image should have: what an overlay or a script put there, else the
// caller's choice (systemd-resolved's stub), else what was there before the session.
import { lstat, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withChrootMounts } from './chroot.js';

export type ResolvConf =
  { kind: 'link'; target: string } | { kind: 'file'; data: Buffer; mode: number } | { kind: 'none' };

/** systemd-resolved's stub resolver, as Debian's systemd-resolved package links it. */
export const RESOLVED_STUB: ResolvConf = { kind: 'link', target: '../run/systemd/resolve/stub-resolv.conf' };

const path = (root: string): string => join(root, 'etc', 'resolv.conf');

export async function readResolvConf(root: string): Promise<ResolvConf> {
  const st = await lstat(path(root)).catch(() => undefined);
  if (!st) return { kind: 'none' };
  if (st.isSymbolicLink()) return { kind: 'link', target: await readlink(path(root)) };
  return { kind: 'file', data: await readFile(path(root)), mode: st.mode & 0o7777 };
}

export async function writeResolvConf(root: string, conf: ResolvConf): Promise<void> {
  await rm(path(root), { force: true });
  if (conf.kind === 'link') await symlink(conf.target, path(root));
  if (conf.kind === 'file') await writeFile(path(root), conf.data, { mode: conf.mode });
}

/** True when the file is the host's copy the session put in (or nothing): the image did not set its own. */
function isSessionCopy(conf: ResolvConf, host: Buffer | undefined): boolean {
  return conf.kind === 'none' || (conf.kind === 'file' && host !== undefined && conf.data.equals(host));
}

/** withChrootMounts, then /etc/resolv.conf as the image should have it (see the top of this file). */
export async function withChrootKeepingResolver<T>(
  root: string,
  fn: () => Promise<T>,
  logFile?: string,
  preferred?: ResolvConf,
): Promise<T> {
  const before = await readResolvConf(root);
  const host = await readFile('/etc/resolv.conf').catch(() => undefined);
  let own: ResolvConf | undefined;
  const result = await withChrootMounts(
    root,
    async () => {
      const r = await fn();
      const now = await readResolvConf(root);
      if (!isSessionCopy(now, host)) own = now;
      return r;
    },
    logFile,
  );
  await writeResolvConf(root, own ?? preferred ?? before);
  return result;
}
