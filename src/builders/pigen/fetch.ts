// Gets a pi-gen tree: a shallow clone of pi-gen-repository at the ref for this release and
// arch, or the local checkout given as pi-gen-path (used in place, never modified: rpi-build
// passes its own config file and keeps WORK_DIR and DEPLOY_DIR in its work folder).
import { resolve } from 'node:path';
import type { BuildConfig } from '../../config/schema.js';
import { tryOutput } from '../../runtime/exec.js';
import { shallowClone } from '../../runtime/git.js';

/**
 * pi-gen keeps one branch per release and arch: master (armhf) and arm64 follow the newest
 * release (trixie); bookworm and bookworm-arm64 hold the previous one.
 */
export function defaultPiGenRef(suite: string, arch: string): string {
  if (suite === 'trixie') return arch === 'arm64' ? 'arm64' : 'master';
  return arch === 'arm64' ? `${suite}-arm64` : suite;
}

export interface PiGenTree {
  dir: string;
  /** Commit of the tree (git rev-parse HEAD), when it is a git checkout. */
  commit?: string;
  source: string;
}

export async function fetchPiGen(config: BuildConfig, dest: string, logFile: string): Promise<PiGenTree> {
  if (config.piGenPath !== undefined) {
    const dir = resolve(config.piGenPath);
    const commit = await tryOutput('git', ['-C', dir, 'rev-parse', 'HEAD']);
    return { dir, source: `local checkout ${dir}`, ...(commit ? { commit } : {}) };
  }
  const ref = config.piGenRef ?? defaultPiGenRef(config.suite, config.arch[0]!);
  const url = await shallowClone({
    repository: config.piGenRepository,
    ref,
    dest,
    logFile,
    timeoutMs: 600_000,
    // pi-gen's own branch when none was given: a missing one is the repository's fault.
    inputs: { repository: 'pi-gen-repository', ref: config.piGenRef ? 'pi-gen-ref' : 'pi-gen-repository' },
    fix: config.piGenRef
      ? 'Check that the branch or tag exists in pi-gen-repository.'
      : `Check that the repository is reachable from the runner and has the branch ${ref} (pi-gen's branch for this suite and arch), or set pi-gen-ref.`,
  });
  const commit = await tryOutput('git', ['-C', dest, 'rev-parse', 'HEAD']);
  return { dir: dest, source: `${url} at ${ref}`, ...(commit ? { commit } : {}) };
}
