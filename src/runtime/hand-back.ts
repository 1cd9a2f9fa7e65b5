// Files the build writes as root go back to the user who ran rpi-build through sudo (a
// GitHub-hosted runner's `runner`): the post step can then save cache tarballs and upload
// logs, and the runner can delete its temp folder and workspace before the next job.
import { existsSync } from 'node:fs';
import { exec } from './exec.js';
import { logger } from './log.js';
import { invokingUser, isRoot } from './privilege.js';

/** chown -R each path (links themselves, never their targets) to the invoking user. */
export async function handBack(paths: string[], opts: { recursive?: boolean } = {}): Promise<void> {
  const owner = invokingUser();
  if (!owner || !isRoot()) return;
  const existing = paths.filter((p) => existsSync(p));
  if (existing.length === 0) return;
  const r = await exec(
    'chown',
    [...(opts.recursive === false ? [] : ['-R']), '-h', `${owner.uid}:${owner.gid}`, '--', ...existing],
    { allowFailure: true },
  );
  if (r.exitCode !== 0)
    logger().warn(`could not hand ${existing.join(', ')} back to uid ${owner.uid}: ${r.stderr.trim()}`);
}
