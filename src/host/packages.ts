// Host packages: install what is missing with apt-get (Debian/Ubuntu), through the
// privilege helper; elsewhere, say which package to install.
import { existsSync } from 'node:fs';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';

let updated = false;

export async function packageInstalled(name: string): Promise<boolean> {
  const r = await exec('dpkg-query', ['-W', '-f=${Status}', name], { allowFailure: true }).catch(
    () => undefined,
  );
  return !!r && r.exitCode === 0 && r.stdout.includes('install ok installed');
}

/**
 * apt-get update, once per process. A fresh machine (a new cloud or container image) has
 * empty package lists, so nothing may be looked up or installed before this.
 */
export async function updatePackageLists(): Promise<void> {
  if (updated) return;
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  // A mirror half-synced for another suite makes update fail while the lists we need are
  // fine: the look-up or install that follows decides.
  const r = await exec('apt-get', ['update', '-q'], {
    privileged: 'apt-get update',
    env,
    timeoutMs: 600_000,
    allowFailure: true,
    onLine: (l) => logger().progress(`apt-get update: ${l}`),
  });
  if (r.exitCode !== 0) logger().warn(`apt-get update reported errors: ${r.stderr.trim().split('\n').pop()}`);
  updated = true;
}

async function showVersion(name: string): Promise<string | undefined> {
  const r = await exec('apt-cache', ['show', '--no-all-versions', name], { allowFailure: true }).catch(
    () => undefined,
  );
  return r?.exitCode === 0 ? r.stdout.match(/^Version: (.+)$/m)?.[1] : undefined;
}

/**
 * The version apt would install of a package, or undefined when the package lists lack it
 * even after updating them.
 */
export async function candidateVersion(name: string): Promise<string | undefined> {
  const found = await showVersion(name);
  if (found || updated || !existsSync('/usr/bin/apt-get')) return found;
  await updatePackageLists();
  return showVersion(name);
}

/** Reads apt-get install's output into "what, i of n" progress lines. */
export function aptProgress(): (line: string) => string | undefined {
  let total = 0;
  let got = 0;
  let unpacked = 0;
  let setUp = 0;
  return (line) => {
    const n = /^(\d+) upgraded, (\d+) newly installed/.exec(line);
    if (n) total = Number(n[1]) + Number(n[2]);
    const of = (i: number): string => (total ? `${i} of ${total}` : `${i}`);
    const get = /^Get:\d+ \S+ \S+ \S+ (\S+) /.exec(line);
    if (get) return `downloading ${get[1]} (${of(++got)})`;
    const unpack = /^Unpacking (\S+) /.exec(line);
    if (unpack) return `unpacking ${unpack[1]} (${of(++unpacked)})`;
    const setup = /^Setting up (\S+) /.exec(line);
    if (setup) return `setting up ${setup[1]} (${of(++setUp)})`;
    return undefined;
  };
}

export async function installPackages(names: string[], why: string): Promise<void> {
  const missing: string[] = [];
  for (const n of names) if (!(await packageInstalled(n))) missing.push(n);
  if (missing.length === 0) return;
  if (!existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `This host has no apt-get; install ${missing.join(', ')} (needed for ${why}) with its package manager.`,
    );
  }
  await logger().group(`Installing host packages: ${missing.join(' ')}`, async () => {
    await updatePackageLists();
    const progress = aptProgress();
    await exec('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], {
      privileged: 'apt-get install',
      env: { DEBIAN_FRONTEND: 'noninteractive' },
      timeoutMs: 1_200_000,
      onLine: (l) => {
        const p = progress(l);
        if (p) logger().progress(`host packages: ${p}`);
      },
    }).catch((err: unknown) => {
      const said = err instanceof Error ? err.message : String(err);
      const unknown = /Unable to locate package (\S+)/.exec(said)?.[1];
      throw new Error(
        unknown
          ? `This host's package lists have no ${unknown} (needed for ${why}). On Debian or Ubuntu, check /etc/apt/sources.list, run apt-get update, or install ${unknown} by hand.`
          : `Installing the host packages ${missing.join(', ')} (needed for ${why}) failed: ${said}`,
        { cause: err },
      );
    });
  });
}
