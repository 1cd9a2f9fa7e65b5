// Which folders rpi-build may empty, kill in and unmount below. Only its own: a work folder it
// made carries a marker file; a folder given as work-dir must be new, empty or marked, and
// never a system folder, the workspace or RUNNER_TEMP. cache-dir gets the path checks.
import { randomUUID } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { InputError } from './errors.js';

/** The marker file; it holds a random id per folder. */
export const WORK_MARKER = '.rpi-build-work';
export const WORK_LOCK = '.rpi-build-lock';

/**
 * Everything a builder puts in its work folder (debian, kernel, pi-gen, the boot test). An
 * unmarked default folder (.work, RUNNER_TEMP/rpi-build, from before the marker) holding
 * only these is adopted.
 */
export const BUILD_NAMES: readonly string[] = [
  ...['rootfs', 'boot', 'stage', 'logs', 'hooks', 'cache', 'boot-test'],
  ...['build', 'source', 'source.unpack', 'scratch', 'ccache'],
  ...['pi-gen', 'pi-gen-work', 'pi-gen-deploy', 'pi-gen-stages', 'pi-gen-config', 'bin'],
  WORK_LOCK,
];

/** The folder and everything below it are the system's. */
const SYSTEM_TREES = ['/bin', '/boot', '/dev', '/etc', '/lib', '/proc', '/sbin', '/sys'];
/** The folder itself is the system's or shared (its subfolders may be a build's). */
const SYSTEM_FOLDERS = ['/home', '/media', '/mnt', '/opt', '/root', '/run', '/snap', '/srv', '/tmp'];
/** Each direct subfolder is the system's too (/usr/lib, /var/tmp, /usr/local/bin). */
const SYSTEM_PARENTS = ['/usr', '/var', '/usr/local'];

function inside(parent: string, path: string): boolean {
  const rel = relative(parent, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/** The path with symlinks resolved as far as it exists (a link to / is /). */
export function realPath(path: string): string {
  const abs = resolve(path);
  let head = abs;
  const tail: string[] = [];
  while (!existsSync(head) && dirname(head) !== head) {
    tail.unshift(basename(head));
    head = dirname(head);
  }
  try {
    return join(realpathSync(head), ...tail);
  } catch {
    return abs;
  }
}

function systemFolder(p: string): boolean {
  if (p === '/' || /^\/lib[^/]*($|\/)/.test(p)) return true;
  if (SYSTEM_TREES.some((t) => inside(t, p))) return true;
  if (SYSTEM_FOLDERS.includes(p)) return true;
  return SYSTEM_PARENTS.some((s) => p === s || dirname(p) === s);
}

/** Why `path` may not be used as `input`, or undefined. */
function refusal(path: string, env: NodeJS.ProcessEnv, what: 'work' | 'cache'): string | undefined {
  const p = realPath(path);
  if (p === '/') return 'is the root folder';
  if (systemFolder(p)) return `is a system folder (${p})`;
  const named: [string, string | undefined][] = [
    ['the GitHub workspace (GITHUB_WORKSPACE)', env.GITHUB_WORKSPACE],
    ['the runner temp folder (RUNNER_TEMP)', env.RUNNER_TEMP],
    ['your home folder (HOME)', env.HOME],
  ];
  for (const [name, v] of named) {
    if (!v) continue;
    const r = realPath(v);
    if (p === r) return `is ${name} itself`;
    // Emptying a folder that holds the workspace would empty the workspace too.
    if (what === 'work' && inside(p, r)) return `holds ${name} (${r})`;
  }
  return undefined;
}

/** Path checks for work-dir, before any work: never a folder rpi-build would harm by emptying. */
export function checkWorkDirPath(path: string, env: NodeJS.ProcessEnv = process.env): void {
  const why = refusal(path, env, 'work');
  if (why)
    throw new InputError(
      'work-dir',
      `"${path}" ${why}; rpi-build empties its work folder before each build`,
      'Give a new or empty folder of its own (e.g. a subfolder such as /var/tmp/rpi-build-work), or leave work-dir unset.',
    );
}

/** Path checks for cache-dir: entries are written and old ones pruned there. */
export function checkCacheDirPath(path: string, env: NodeJS.ProcessEnv = process.env): void {
  const why = refusal(path, env, 'cache');
  if (why)
    throw new InputError(
      'cache-dir',
      `"${path}" ${why}`,
      'Give a folder of its own for the cache (e.g. ~/.cache/rpi-build), or leave cache-dir unset.',
    );
}

/** The folder carries rpi-build's marker (a regular file, not a link). */
export async function isMarked(dir: string): Promise<boolean> {
  const st = await lstat(join(dir, WORK_MARKER)).catch(() => undefined);
  return !!st?.isFile();
}

/**
 * May rpi-build work (and so delete) in `dir`? Yes when it is missing, empty or marked, and
 * for the default folder also when it holds only what an earlier build made there.
 * Read-only: the pipeline calls it before any work, the builder again before it claims.
 */
export async function checkWorkDirContents(dir: string, isDefault: boolean): Promise<void> {
  const st = await lstat(dir).catch(() => undefined);
  if (!st) return;
  if (!st.isDirectory())
    throw new InputError(
      'work-dir',
      `"${dir}" is not a folder`,
      'Give a new or empty folder for the build, or leave work-dir unset.',
    );
  if (await isMarked(dir)) return;
  // lost+found: the folder is a fresh file system mounted for the build (it stays untouched).
  const entries = (await readdir(dir)).filter((e) => e !== 'lost+found');
  if (entries.length === 0) return;
  if (isDefault && entries.every((e) => BUILD_NAMES.includes(e))) return;
  const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', …' : '');
  throw new InputError(
    'work-dir',
    `"${dir}" holds files rpi-build did not make (${shown}) and it empties its work folder before each build`,
    isDefault
      ? `Move those files away or remove ${dir}, or set work-dir to a new or empty folder.`
      : 'Give a new or empty folder (rpi-build marks it as its own), or remove the files there first.',
  );
}

/** Checks, creates if missing, and marks `dir` as rpi-build's own. */
export async function markWorkDir(dir: string, isDefault: boolean): Promise<void> {
  await checkWorkDirContents(dir, isDefault);
  await mkdir(dir, { recursive: true });
  if (await isMarked(dir)) return;
  const id = randomUUID();
  await writeFile(
    join(dir, WORK_MARKER),
    `rpi-build work folder ${id}\nrpi-build empties this folder before each build; keep nothing of yours here.\n`,
    { flag: 'wx' },
  ).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
}
