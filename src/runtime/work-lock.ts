// One build per work folder at a time. Node cannot hold flock(2) on an fd across its life, so
// the lock is a file made with O_EXCL holding the owner's pid and its start time (from
// /proc/PID/stat, so a reused pid is not mistaken for the owner). A lock whose owner is gone
// is stale and taken over. A second build refuses at once rather than waiting: a build runs
// for many minutes, and a second folder is the real fix.
import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from './errors.js';
import { WORK_LOCK } from './work-folder.js';

interface Holder {
  pid: number;
  start: string;
  since: string;
}

/** Field 22 of /proc/PID/stat (start time in ticks since boot), or undefined when PID is gone. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const alive = (h: Holder): boolean => startTime(h.pid) === h.start;

async function readHolder(file: string): Promise<Holder | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const h = JSON.parse(text) as Holder;
    if (Number.isInteger(h.pid) && typeof h.start === 'string') return h;
  } catch {
    /* half-written or foreign: treated as stale below */
  }
  return { pid: 0, start: '', since: '' };
}

function inUse(dir: string, h: Holder): InputError {
  return new InputError(
    'work-dir',
    `"${dir}" is in use by another rpi-build (pid ${h.pid}, since ${h.since})`,
    'Wait for that build to finish, or give this build a work-dir of its own.',
  );
}

/** Refuses (without taking it) when another live process holds the folder's lock. */
export async function checkWorkLock(dir: string): Promise<void> {
  const h = await readHolder(join(dir, WORK_LOCK));
  if (h && h.pid !== process.pid && alive(h)) throw inUse(dir, h);
}

const held = new Set<string>();
let exitHook = false;

/** Takes the folder's lock for this process (until it exits), or refuses naming the holder. */
export async function acquireWorkLock(dir: string): Promise<void> {
  const file = join(dir, WORK_LOCK);
  if (held.has(file)) return;
  const me: Holder = {
    pid: process.pid,
    start: startTime(process.pid) ?? '',
    since: new Date().toISOString(),
  };
  const tmp = `${file}.${process.pid}`;
  await writeFile(tmp, JSON.stringify(me));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      // link(2) fails when the lock exists: an atomic create of a complete file.
      const made = await link(tmp, file).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw err;
          return false;
        },
      );
      if (made) {
        held.add(file);
        if (!exitHook) {
          exitHook = true;
          process.on('exit', releaseAll);
        }
        return;
      }
      const h = await readHolder(file);
      if (!h) continue; // released meanwhile
      if (h.pid === process.pid && h.start === me.start) {
        held.add(file);
        return;
      }
      if (alive(h)) throw inUse(dir, h);
      // Stale: move it aside under our own name; only one taker wins the rename.
      const aside = `${file}.stale.${process.pid}`;
      if (
        !(await rename(file, aside).then(
          () => true,
          () => false,
        ))
      )
        continue;
      const moved = await readHolder(aside);
      if (moved && moved.pid !== h.pid && alive(moved)) {
        // We took a live lock that replaced the stale one meanwhile: put it back and yield.
        await link(aside, file).catch(() => undefined);
        await rm(aside, { force: true });
        throw inUse(dir, moved);
      }
      await rm(aside, { force: true });
    }
    throw new Error(`could not take the lock ${file} (it kept changing); try again`);
  } finally {
    await rm(tmp, { force: true });
  }
}

function releaseAll(): void {
  for (const file of held) {
    try {
      const h = JSON.parse(readFileSync(file, 'utf8')) as Holder;
      if (h.pid === process.pid) unlinkSync(file);
    } catch {
      /* already gone */
    }
  }
  held.clear();
}

/** Gives the lock back before exit (tests; a long-lived process done with the folder). */
export function releaseWorkLock(dir: string): void {
  const file = join(dir, WORK_LOCK);
  if (!held.has(file)) return;
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Holder;
    if (h.pid === process.pid) unlinkSync(file);
  } catch {
    /* already gone */
  }
  held.delete(file);
}
