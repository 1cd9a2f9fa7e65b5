// The one shallow clone: kernel-source and pi-gen-repository. Credentials travel in git's
// environment, never in argv (ps), logs or the clone's .git/config; a failure is the input's.
import { exec } from './exec.js';
import { InputError, errorMessage } from './errors.js';
import { logger } from './log.js';
import { gitAuth } from './redact.js';

export interface CloneRequest {
  /** The repository as given (it may carry a login). */
  repository: string;
  /** Branch or tag; none: the repository's default branch. */
  ref?: string;
  dest: string;
  logFile: string;
  timeoutMs: number;
  /** The input a failure names: the ref's when it was given, else the repository's. */
  inputs: { repository: string; ref: string };
  /** The fix a failure suggests. */
  fix: string;
}

/** Clones `ref` of the repository into `dest`, one commit deep; returns the URL without its login. */
export async function shallowClone(c: CloneRequest): Promise<string> {
  const { url, env } = gitAuth(c.repository);
  const at = c.ref ? ` at ${c.ref}` : '';
  logger().info(`cloning ${url}${at} (shallow)`);
  const args = ['clone', '--depth', '1', '--single-branch', ...(c.ref ? ['--branch', c.ref] : [])];
  // "--" ends options: a URL can never be read as a git option.
  await exec('git', [...args, '--', url, c.dest], {
    logFile: c.logFile,
    timeoutMs: c.timeoutMs,
    env: { GIT_TERMINAL_PROMPT: '0', ...env },
  }).catch((err: unknown) => {
    throw new InputError(
      c.ref ? c.inputs.ref : c.inputs.repository,
      `git could not clone ${url}${at}: ${errorMessage(err).split('\n').slice(-3).join(' ')}`,
      c.fix,
    );
  });
  return url;
}
