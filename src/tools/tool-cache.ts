// Tools kept with @actions/tool-cache: QEMU user-mode emulators and cross toolchains land in
// RUNNER_TOOL_CACHE (outside Actions: <cache-dir>/tools), so a warm run needs no package
// manager. In Actions that folder does not outlive the job, so a fetched tool is also packed
// into the build's cache Store and restored from there by the next run.
import * as tc from '@actions/tool-cache';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { restoreOrWarn, type CacheStore, type PendingSave } from '../cache/store.js';
import { exec } from '../runtime/exec.js';
import { formatBytes, logger } from '../runtime/log.js';
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

const storeKey = (name: string, version: string): string => `tool-${name}-${process.arch}-${version}`;
const storePrefix = (name: string): string => `tool-${name}-${process.arch}-`;

/** Restores a tool the Store holds (packed by an earlier run) into the tool cache. */
export async function restoreTool(
  name: string,
  store: CacheStore,
  scratch: string,
): Promise<CachedTool | undefined> {
  const file = join(scratch, `${name}.tar.zst`);
  await mkdir(scratch, { recursive: true });
  const { hit } = await restoreOrWarn(
    store,
    storePrefix(name),
    [storePrefix(name)],
    file,
    `tool cache entry for ${name}`,
    'fetching it instead',
  );
  if (!hit) return undefined;
  const version = hit.key.slice(storePrefix(name).length);
  const unpacked = await mkdtemp(join(scratch, `${name}-`));
  await exec('tar', ['--extract', '--use-compress-program=zstd -d', '-f', hit.path, '-C', unpacked]);
  const dir = await tc.cacheDir(unpacked, name, version);
  await rm(unpacked, { recursive: true, force: true });
  logger().info(`${name} ${version} restored from the ${store.kind} cache (${formatBytes(hit.size)})`);
  return { dir, version, source: 'cache' };
}

/** Where a tool may come from besides the tool cache, and where a fetched one is queued for saving. */
export interface ToolSources {
  store?: CacheStore;
  readOnly: boolean;
  /** A fixed folder: the Actions cache matches entries by path. */
  scratch: string;
  /** Tool-cache entries to save after a successful build (Actions only). */
  pending: PendingSave[];
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
  if (found) return found;
  if (src.store) {
    const restored = await restoreTool(name, src.store, src.scratch);
    if (restored) return restored;
  }
  const tool = await fetch();
  if (src.store?.kind === 'actions' && !src.readOnly) await packTool(tool, name, src.scratch, src.pending);
  return tool;
}

/** Packs a tool-cache folder for the Store; saved only once the build succeeds. */
export async function packTool(
  tool: CachedTool,
  name: string,
  scratch: string,
  pending: PendingSave[],
): Promise<void> {
  await mkdir(scratch, { recursive: true });
  // The same path restoreTool uses: the Actions cache matches entries by their path too.
  const file = join(scratch, `${name}.tar.zst`);
  await exec('tar', ['--create', '--use-compress-program=zstd -T0 -3', '-f', file, '-C', tool.dir, '.']);
  pending.push({
    what: `tool ${name}`,
    key: storeKey(name, tool.version),
    file,
    restorePrefix: storePrefix(name),
  });
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
    // A fresh runner may not have package lists yet. A mirror half-synced for another suite
    // makes apt-get update fail while the lists we need are fine, so the retry decides.
    await exec('apt-get', ['update', '-q'], {
      privileged: 'apt-get update',
      allowFailure: true,
      ...(logFile ? { logFile } : {}),
    });
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
  const dir = await tc.cacheDir(only, name, '1.0.0');
  await rm(unpacked, { recursive: true, force: true });
  await rm(file, { force: true });
  return { dir, version: '1.0.0', source: 'download' };
}
