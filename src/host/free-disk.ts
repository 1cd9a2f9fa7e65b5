// free-disk-space: on a GitHub-hosted runner (a VM thrown away after the job) the image
// ships toolsets a Pi build never uses; removing them gains tens of GiB. Anywhere else this
// would delete someone's software, so it is refused (checkFreeDiskSpace names the input; the
// config checks call it too, so the refusal comes before any work).
import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import type { BuildConfig } from '../config/schema.js';
import { InputError } from '../runtime/errors.js';
import { exec } from '../runtime/exec.js';
import { formatBytes, logger } from '../runtime/log.js';

/** True on a GitHub-hosted runner (a throwaway VM), where deleting preinstalled toolsets is harmless. */
export function onHostedRunner(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.RUNNER_ENVIRONMENT === 'github-hosted' && !!env.ImageOS;
}

export function checkFreeDiskSpace(config: BuildConfig, env: NodeJS.ProcessEnv = process.env): void {
  if (!config.freeDiskSpace || onHostedRunner(env)) return;
  throw new InputError(
    'free-disk-space',
    `refusing to delete preinstalled toolsets here: this is not a GitHub-hosted runner (RUNNER_ENVIRONMENT=${env.RUNNER_ENVIRONMENT ?? 'unset'}, ImageOS ${env.ImageOS ? 'set' : 'unset'})`,
    'Drop free-disk-space (it deletes /usr/share/dotnet, /opt/ghc and the like, which only a throwaway hosted runner can spare), or free space yourself.',
  );
}

/** Large preinstalled toolsets of the hosted Ubuntu images. */
export const HOSTED_TOOLSETS = [
  '/usr/share/dotnet',
  '/usr/local/lib/android',
  '/opt/ghc',
  '/usr/local/.ghcup',
  '/opt/hostedtoolcache/CodeQL',
  '/usr/local/share/boost',
  '/usr/share/swift',
  '/usr/local/share/powershell',
  '/usr/local/share/chromium',
  '/usr/local/julia*',
];

async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

export async function freeDiskSpace(config: BuildConfig, measureAt = '/'): Promise<number> {
  checkFreeDiskSpace(config);
  const before = await freeBytes(measureAt);
  for (const p of HOSTED_TOOLSETS) {
    const paths = p.endsWith('*') ? [p] : existsSync(p) ? [p] : [];
    for (const q of paths) {
      if (q.endsWith('*')) {
        // A glob: let find match it without a shell.
        const parent = q.slice(0, q.lastIndexOf('/'));
        const name = q.slice(q.lastIndexOf('/') + 1);
        await exec('find', [parent, '-maxdepth', '1', '-name', name, '-exec', 'rm', '-rf', '{}', '+'], {
          privileged: 'freeing disk space',
          allowFailure: true,
        });
      } else await exec('rm', ['-rf', q], { privileged: 'freeing disk space', allowFailure: true });
    }
  }
  const gained = Math.max(0, (await freeBytes(measureAt)) - before);
  logger().info(
    `free-disk-space: removed preinstalled toolsets, gained ${formatBytes(gained)} (${formatBytes(before + gained)} free)`,
  );
  return gained;
}
