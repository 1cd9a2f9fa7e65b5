// SOURCE_DATE_EPOCH (reproducible-builds.org): files the build itself wrote (hostname, users,
// locale, the initramfs…) get no newer timestamp than the epoch, so two builds of the same
// configuration from the same archive state give root filesystems with the same timestamps.
import { exec } from '../runtime/exec.js';

/** The epoch from the environment, or undefined when unset; a malformed one is an error. */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env.SOURCE_DATE_EPOCH;
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,12}$/.test(v)) {
    throw new Error(
      `SOURCE_DATE_EPOCH must be whole seconds since 1970 (got "${v}"). Unset it or fix its value.`,
    );
  }
  return Number(v);
}

/** Sets every mtime newer than the epoch to the epoch (links themselves, not their targets). */
export async function clampTimestamps(root: string, epoch: number, logFile?: string): Promise<void> {
  await exec(
    'find',
    [
      root,
      '-xdev',
      '-newermt',
      `@${epoch}`,
      '-exec',
      'touch',
      '--no-dereference',
      '--date',
      `@${epoch}`,
      '{}',
      '+',
    ],
    { privileged: 'setting timestamps to SOURCE_DATE_EPOCH', ...(logFile ? { logFile } : {}) },
  );
}
