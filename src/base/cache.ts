// The customised base as a cache entry: the root and boot folders after every input that is
// not a secret was applied, with the base's partition facts beside them (base.json), keyed by
// the base file's SHA-256 and those inputs. A hit skips unpacking, copying the root out and all
// the emulated work; the password hash and SSH keys are applied after restore on every run, so
// neither the entry nor its key holds anything of them.
import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { CacheEntry } from '../cache/session.js';
import { packRootfs, unpackRootfs } from '../cache/rootfs-cache.js';
import type { BuildConfig } from '../config/schema.js';
import { isDefault } from '../config/defaults.js';

/** Bump when what the customising does to a base changes. */
export const BASE_RECIPE = 'v1';

const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

/** A folder's names, types, modes, link targets and contents, in a stable order (owners: cp drops them). */
export async function treeDigest(dir: string): Promise<string> {
  const h = createHash('sha256');
  const walk = async (d: string): Promise<void> => {
    for (const name of (await readdir(d)).sort()) {
      const p = join(d, name);
      const st = await lstat(p);
      h.update(`${relative(dir, p)}\0${st.mode}\0`);
      if (st.isSymbolicLink()) h.update(`->${await readlink(p)}\0`);
      else if (st.isFile()) h.update(sha(await readFile(p)));
      else if (st.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return h.digest('hex');
}

/** The key: everything that changes the cached folders, no secret and no host path. */
export async function baseKey(config: BuildConfig, baseSha256: string): Promise<string> {
  const changed = (k: 'hostname' | 'locale' | 'timezone') => (isDefault(config, k) ? null : config[k]);
  const parts = {
    recipe: BASE_RECIPE,
    base: baseSha256,
    arch: config.arch[0],
    hostname: changed('hostname'),
    locale: changed('locale'),
    timezone: changed('timezone'),
    username: config.username,
    // Whether a way in was given (it turns SSH on), not what it is.
    access: config.password !== undefined || config.sshAuthorizedKeys.length > 0,
    packages: [...config.packages].sort(),
    overlay: config.overlay !== undefined ? await treeDigest(config.overlay) : null,
    customize: await Promise.all(config.customize.map(async (s) => sha(await readFile(s)))),
    commands: config.commands ?? null,
  };
  return `rpi-build-base-${BASE_RECIPE}-${config.arch[0]}-${sha(JSON.stringify(parts)).slice(0, 24)}`;
}

/** The facts re-assembly needs, kept beside the folders so a hit needs no base file. */
export const BASE_FACTS = 'base.json';

export function baseEntry(key: string, paths: { workDir: string; tarball: string; log: string }): CacheEntry {
  return {
    name: 'base',
    what: 'customised base cache',
    instead: 'customising the base again',
    key,
    restoreKeys: [],
    tarball: paths.tarball,
    policy: { devicesUnder: 'rootfs/dev', privileged: 'checking the cached base' },
    unpack: (file) => unpackRootfs(file, paths.workDir, paths.log),
    pack: (file) => packRootfs(paths.workDir, file, paths.log, ['./rootfs', './boot', `./${BASE_FACTS}`]),
  };
}

/** The download's name in the base folder (and in its cache entry). */
export const DOWNLOAD = 'download';

/** A URL's download, kept under its SHA-256 so a miss above does not download it again. */
export function downloadEntry(
  sha256: string,
  paths: { dir: string; tarball: string; log: string },
): CacheEntry {
  return {
    name: 'base-download',
    what: 'base image download cache',
    instead: 'downloading it',
    key: `rpi-build-base-download-${sha256}`,
    restoreKeys: [],
    tarball: paths.tarball,
    unpack: (file) => unpackRootfs(file, paths.dir, paths.log),
    pack: (file) => packRootfs(paths.dir, file, paths.log, [`./${DOWNLOAD}`]),
  };
}
