// Tools kept with @actions/tool-cache: QEMU user-mode emulators and cross toolchains land in
// RUNNER_TOOL_CACHE (outside Actions: <cache-dir>/tools), so a warm run needs no package
// manager. In Actions that folder does not outlive the job, so a fetched tool is also packed
// into the build's cache Store and restored from there by the next run.
// QEMU emulators from here are registered as binfmt interpreters and run as root, so every
// entry records the SHA-256 of each of its files when it is made, and is checked against
// that record before use; a restored entry's key also names the record's own hash.
import * as tc from '@actions/tool-cache';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UnusableEntry } from '../cache/archive.js';
import type { CacheEntry, CacheSession } from '../cache/session.js';
import { updatePackageLists } from '../host/packages.js';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import { basicAuth, withoutCredentials } from '../runtime/redact.js';

export type ToolSource = 'tool-cache' | 'cache' | 'packages' | 'download';

export interface CachedTool {
  /** Folder of the tool inside the tool cache. */
  dir: string;
  version: string;
  source: ToolSource;
}

/**
 * Outside Actions, the tool cache lives beside the other caches. (RUNNER_TEMP is left alone:
 * it decides the default work folder; every download here is given its own destination.)
 */
export function useToolCacheDir(cacheDir: string, env: NodeJS.ProcessEnv = process.env): string {
  env.RUNNER_TOOL_CACHE ||= join(cacheDir, 'tools');
  return env.RUNNER_TOOL_CACHE;
}

/** tool-cache wants semver; Debian's "1:7.2+dfsg-7+deb12u16" becomes 7.2.0. */
export function semverOf(version: string): string {
  const upstream = version.replace(/^\d+:/, '').match(/^(\d+)(?:\.(\d+))?(?:\.(\d+))?/);
  if (!upstream) throw new Error(`cannot read a version number from "${version}"`);
  return `${upstream[1]}.${upstream[2] ?? '0'}.${upstream[3] ?? '0'}`;
}

/** The newest cached version of a tool for this host, or undefined. */
export function findTool(name: string): CachedTool | undefined {
  const dir = tc.find(name, '*');
  if (!dir) return undefined;
  return { dir, version: dir.split('/').at(-2)!, source: 'tool-cache' };
}

/** The record of an entry's files, kept inside it: "<sha256>  <path>" lines, sorted. */
export const MANIFEST = '.rpi-build-sha256';

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

async function fileHash(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The manifest text of a folder as it is now (a symlink is recorded by its target). */
async function manifestOf(dir: string, rel = ''): Promise<string> {
  let out = '';
  const entries = await readdir(join(dir, rel), { withFileTypes: true });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (r === MANIFEST) continue;
    const p = join(dir, r);
    if (e.isDirectory()) out += await manifestOf(dir, r);
    else if (e.isSymbolicLink()) out += `${sha256(`symlink\0${await readlink(p)}`)}  ${r}\n`;
    else if (e.isFile()) out += `${await fileHash(p)}  ${r}\n`;
    else throw new Error(`${p} is neither a file, a folder nor a symlink`);
  }
  return out;
}

/** Records the hashes of every file in a folder about to enter the tool cache. */
async function writeManifest(dir: string): Promise<void> {
  await writeFile(join(dir, MANIFEST), await manifestOf(dir));
}

/** The recorded manifest's own hash (named in Store keys); the entry is checked first. */
export async function verifyTool(dir: string): Promise<{ digest: string } | { problem: string }> {
  const recorded = await readFile(join(dir, MANIFEST), 'utf8').catch(() => undefined);
  if (recorded === undefined) return { problem: 'has no recorded hashes (made by an older rpi-build?)' };
  const now = await manifestOf(dir);
  if (now !== recorded) {
    const [was, is] = [new Set(recorded.split('\n')), new Set(now.split('\n'))];
    const odd = [...is].find((l) => !was.has(l)) ?? [...was].find((l) => !is.has(l)) ?? '';
    return { problem: `does not match the hashes recorded when it was made (${odd.slice(66)} differs)` };
  }
  return { digest: sha256(recorded).slice(0, 16) };
}

const storePrefix = (name: string): string => `tool-${name}-${process.arch}-`;
const storeKey = (name: string, version: string, digest: string): string =>
  `${storePrefix(name)}${version}-${digest}`;

/**
 * A tool-cache folder as a cache entry: restored from the newest entry of its name (checked
 * against its recorded hashes, then put in the tool cache), saved under its version and the
 * hash of its record. `onRestore` receives the restored tool; `tool` is the one to pack.
 */
function toolEntry(
  name: string,
  scratch: string,
  onRestore: (tool: CachedTool) => void,
  save?: { tool: CachedTool; digest: string },
): CacheEntry {
  return {
    name: `tool ${name}`,
    what: `${name} tool cache`,
    instead: 'fetching it instead',
    key: storePrefix(name),
    restoreKeys: [storePrefix(name)],
    ...(save ? { saveKey: storeKey(name, save.tool.version, save.digest) } : {}),
    // The same path for restore and save: the Actions cache matches entries by their path too.
    tarball: join(scratch, `${name}.tar.zst`),
    anyHitIsHit: true,
    unreported: true,
    unpack: async (path, hit) => {
      const m = /^(.+)-([0-9a-f]{16})$/.exec(hit.key.slice(storePrefix(name).length));
      if (!m) throw new UnusableEntry('has no recorded hashes (made by an older rpi-build?)');
      const unpacked = await mkdtemp(join(scratch, `${name}-`));
      try {
        await exec('tar', ['--extract', '--use-compress-program=zstd -d', '-f', path, '-C', unpacked]);
        const checked = await verifyTool(unpacked);
        if ('problem' in checked) throw new UnusableEntry(checked.problem);
        if (checked.digest !== m[2])
          throw new UnusableEntry(`holds hashes ${checked.digest}, not the ${m[2]} its key names`);
        const dir = await tc.cacheDir(unpacked, name, m[1]!);
        onRestore({ dir, version: m[1]!, source: 'cache' });
      } finally {
        await rm(unpacked, { recursive: true, force: true });
      }
    },
    pack: async (file) => {
      if (!save) throw new Error(`no ${name} tool to pack`);
      await exec('tar', [
        '--create',
        '--use-compress-program=zstd -T0 -3',
        '-f',
        file,
        '-C',
        save.tool.dir,
        '.',
      ]);
    },
  };
}

/** Restores a tool the Store holds (packed by an earlier run) into the tool cache, checked first. */
export async function restoreTool(
  name: string,
  caches: CacheSession,
  scratch: string,
): Promise<CachedTool | undefined> {
  if (!caches.store) return undefined;
  await mkdir(scratch, { recursive: true });
  let restored: CachedTool | undefined;
  await caches.restore(toolEntry(name, scratch, (t) => (restored = t)));
  return restored;
}

/** Where a tool may come from besides the tool cache, and where a fetched one is queued for saving. */
export interface ToolSources {
  /** The build's caches: the Store to restore from, and the saves queued for after it succeeds. */
  caches: CacheSession;
  /** A fixed folder: the Actions cache matches entries by path. */
  scratch: string;
}

/**
 * The tool from the tool cache, else from the Store, else from `fetch`. A fetched tool is
 * packed for the Actions cache (the hosted runner's tool cache does not outlive the job).
 */
export async function obtainTool(
  name: string,
  src: ToolSources,
  fetch: () => Promise<CachedTool>,
): Promise<CachedTool> {
  const found = findTool(name);
  if (found) {
    const checked = await verifyTool(found.dir);
    if (!('problem' in checked)) return found;
    // Fetched again below: tc.cacheDir replaces the folder of that version.
    logger().warn(`${name} in the tool cache (${found.dir}) ${checked.problem}; not using it`);
  }
  const restored = await restoreTool(name, src.caches, src.scratch);
  if (restored) return restored;
  const tool = await fetch();
  // A local store's tool cache lives beside it already: only the Actions cache needs a copy.
  if (src.caches.store?.kind === 'actions') await packTool(tool, name, src.caches, src.scratch);
  return tool;
}

/** Packs a tool-cache folder for the Store; saved only once the build succeeds. */
export async function packTool(
  tool: CachedTool,
  name: string,
  caches: CacheSession,
  scratch: string,
): Promise<void> {
  await mkdir(scratch, { recursive: true });
  const checked = await verifyTool(tool.dir);
  if ('problem' in checked) throw new Error(`the tool cache entry ${tool.dir} ${checked.problem}`);
  await caches.save(toolEntry(name, scratch, () => undefined, { tool, digest: checked.digest }));
}

/**
 * Puts the files of Debian packages into the tool cache without installing them: apt-get
 * download (no root, no dpkg database) and dpkg-deb -x into one folder.
 */
export async function cacheFromPackages(
  name: string,
  packages: string[],
  version: string,
  scratch: string,
  logFile?: string,
  /** Keep only these paths (relative to /) of what the packages hold. */
  keep?: string[],
): Promise<CachedTool> {
  await mkdir(scratch, { recursive: true });
  const work = await mkdtemp(join(scratch, `${name}-debs-`));
  const root = join(work, 'root');
  await mkdir(root);
  const download = (): Promise<unknown> =>
    exec('apt-get', ['download', '-q', ...packages], { cwd: work, ...(logFile ? { logFile } : {}) });
  try {
    await download();
  } catch {
    // A fresh runner may not have package lists yet.
    await updatePackageLists();
    await download();
  }
  for (const deb of (await readdir(work)).filter((f) => f.endsWith('.deb'))) {
    await exec('dpkg-deb', ['-x', join(work, deb), root]);
  }
  let source = root;
  if (keep) {
    source = join(work, 'kept');
    for (const rel of keep) {
      await mkdir(dirname(join(source, rel)), { recursive: true });
      await copyFile(join(root, rel), join(source, rel));
      await chmod(join(source, rel), 0o755);
    }
  }
  await writeFile(join(source, 'PACKAGES'), `${packages.join('\n')}\n${version}\n`);
  await writeManifest(source);
  const dir = await tc.cacheDir(source, name, semverOf(version));
  await rm(work, { recursive: true, force: true });
  return { dir, version: semverOf(version), source: 'packages' };
}

/** A tool from a tarball URL (e.g. the Arm GNU Toolchain), named by the URL's hash. */
export function urlToolName(prefix: string, url: string): string {
  return `${prefix}-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
}

export async function cacheFromUrl(name: string, url: string, scratch: string): Promise<CachedTool> {
  await mkdir(scratch, { recursive: true });
  // Credentials go in the Authorization header, never in a URL the library logs.
  const dest = join(scratch, `${name}.download`);
  const file = await tc.downloadTool(withoutCredentials(url), dest, basicAuth(url));
  const unpacked = await mkdtemp(join(scratch, `${name}-`));
  // tar picks the decompressor from the contents (xz, gz, bz2, zst).
  await exec('tar', ['--extract', '-f', file, '-C', unpacked]);
  // Toolchain tarballs usually hold one top folder (arm-gnu-toolchain-…); cache its contents.
  const top = await readdir(unpacked, { withFileTypes: true });
  const only = top.length === 1 && top[0]!.isDirectory() ? join(unpacked, top[0]!.name) : unpacked;
  await writeManifest(only);
  const dir = await tc.cacheDir(only, name, '1.0.0');
  await rm(unpacked, { recursive: true, force: true });
  await rm(file, { force: true });
  return { dir, version: '1.0.0', source: 'download' };
}
