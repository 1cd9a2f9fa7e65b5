// pi-gen's slowest stage, stage0 (debootstrap under emulation, then the firmware and kernel
// packages), cached through the Store as its root filesystem. pi-gen's own rule does the
// rest: stage0's prerun bootstraps only when the stage's rootfs folder is missing, so with a
// restored root the bootstrap is skipped while stage0's steps still run (apt-get update and
// dist-upgrade, locale, firmware) and bring it up to date in place; nothing goes stale.
// Only stage0 is cached: stage1 sets the first user's password, which must not land in a cache.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { Arch, BuildConfig } from '../../config/schema.js';
import { ROOTFS_ARCHIVE, packRootfs, unpackRootfs } from '../../cache/rootfs-cache.js';
import type { CacheEntry } from '../../cache/session.js';

/** Bump when what rpi-build puts in the tarball changes. */
export const STAGE0_RECIPE = 'v1';

export interface Stage0Keys {
  key: string;
  /** The same stage0 from an earlier week: restored, then brought up to date by stage0 itself. */
  restorePrefix: string;
}

/** Every file below dir as [relative path, content], sorted: what the stage does. */
async function filesWithContents(dir: string, base = dir): Promise<[string, Buffer][]> {
  const out: [string, Buffer][] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesWithContents(p, base)));
    else if (e.isFile()) out.push([relative(base, p), await readFile(p)]);
  }
  return out;
}

/** ISO 8601 week, as 2026w47: a new entry each week keeps the dist-upgrade on restore small. */
export function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day); // the Thursday of this week decides its year
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}w${String(week).padStart(2, '0')}`;
}

/**
 * Keys from what decides stage0's result: the stage's own files, pi-gen's build.sh and
 * scripts/ (the bootstrap function), the release, the locale, the architecture.
 */
export async function stage0Keys(
  stageDir: string,
  tree: string,
  arch: Arch,
  config: Pick<BuildConfig, 'suite' | 'locale'>,
  now = new Date(),
): Promise<Stage0Keys> {
  const h = createHash('sha256');
  h.update(JSON.stringify({ recipe: STAGE0_RECIPE, arch, release: config.suite, locale: config.locale }));
  const parts: [string, string][] = [
    ['stage0', stageDir],
    ['scripts', join(tree, 'scripts')],
  ];
  for (const [label, dir] of parts)
    for (const [rel, content] of await filesWithContents(dir))
      h.update(`\0${label}/${rel}\0`).update(content);
  const buildSh = await readFile(join(tree, 'build.sh')).catch(() => Buffer.alloc(0));
  h.update('\0build.sh\0').update(buildSh);
  const restorePrefix = `rpi-build-pigen-stage0-${STAGE0_RECIPE}-${arch}-${config.suite}-${h.digest('hex').slice(0, 16)}-`;
  return { key: `${restorePrefix}${isoWeek(now)}`, restorePrefix };
}

/** Is the first stage pi-gen's stage0 (the one that bootstraps)? */
export const startsWithStage0 = (stages: string[]): boolean =>
  stages.length > 0 && basename(stages[0]!) === 'stage0';

/** stage0's root as a cache entry, restored into pi-gen's WORK_DIR (stage0/rootfs). */
export function stage0Entry(
  keys: Stage0Keys,
  paths: { root: string; tarball: string; log: string },
): CacheEntry {
  return {
    name: 'pi-gen-stage0',
    what: 'pi-gen stage0 cache',
    instead: 'pi-gen bootstraps as usual',
    key: keys.key,
    restoreKeys: [keys.restorePrefix],
    tarball: paths.tarball,
    policy: ROOTFS_ARCHIVE,
    olderHit: 'from an earlier week (pi-gen updates it)',
    unpack: (file) => unpackRootfs(file, paths.root, paths.log),
    pack: (file) => packRootfs(paths.root, file, paths.log),
  };
}

/** pi-gen left stage0's root (it may not have, if the stage list skipped it). */
export const hasStage0Root = async (root: string): Promise<boolean> =>
  (await stat(root).catch(() => undefined))?.isDirectory() === true;
