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

/** The version apt would install of a package, or undefined when the package lists lack it. */
export async function candidateVersion(name: string): Promise<string | undefined> {
  const r = await exec('apt-cache', ['show', '--no-all-versions', name], { allowFailure: true }).catch(
    () => undefined,
  );
  return r?.exitCode === 0 ? r.stdout.match(/^Version: (.+)$/m)?.[1] : undefined;
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
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    if (!updated) {
      await exec('apt-get', ['update', '-q'], { privileged: 'apt-get update', env, timeoutMs: 600_000 });
      updated = true;
    }
    await exec('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], {
      privileged: 'apt-get install',
      env,
      timeoutMs: 1_200_000,
      onLine: (l) => logger().progress(l),
    });
  });
}
