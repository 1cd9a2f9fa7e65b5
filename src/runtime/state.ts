// The main -> post hand-off. The post step must do nothing harmful when main failed early,
// so every value is optional and typed here in one place. Main writes through one
// StateWriter (the pipeline is handed it, like actions/cache's StateProvider): the action's
// writes to the runner, the CLI's does nothing, and a sudo child's collects for its parent.
import * as core from '@actions/core';
import type { PendingSave } from './pending.js';

export interface PostState {
  /** Set by main on its first line: the post step knows it is the post step. */
  isPost?: boolean;
  /** Where the build wrote; the post step cleans mounts and loop devices below it. */
  workDir?: string;
  /** 'success' | 'failure' | 'cancelled', written when main ends. */
  outcome?: 'success' | 'failure' | 'cancelled';
  /** Caches to save in the post step, if the build succeeded. */
  pendingSaves?: PendingSave[];
  /** Local cache folder, when the local store serves the run. */
  cacheDir?: string;
  /** The diagnostics bundle main made on failure (secrets removed). */
  diagnosticsBundle?: string;
  /** on-failure | always | never */
  diagnostics?: string;
  /** Base name for artifacts of this matrix leg. */
  artifactName?: string;
}

const KEYS: (keyof PostState)[] = [
  'isPost',
  'workDir',
  'outcome',
  'pendingSaves',
  'cacheDir',
  'diagnosticsBundle',
  'diagnostics',
  'artifactName',
];

export interface StateWriter {
  /** True when a post step reads what is written (then caches are saved there, not now). */
  readonly deferred: boolean;
  save<K extends keyof PostState>(key: K, value: PostState[K]): void;
}

/** The action's main step: state for the post step, through the runner. */
export const actionsState: StateWriter = {
  deferred: true,
  save: (key, value) => core.saveState(key, JSON.stringify(value)),
};

/** The CLI: no post step; caches are saved as soon as the build succeeds. */
export const noState: StateWriter = { deferred: false, save: () => undefined };

/** A sudo child of a deferred parent: what it would write goes back to the parent in its report. */
export function collectState(): StateWriter & { collected: PostState } {
  const collected: PostState = {};
  return {
    deferred: true,
    collected,
    save: (key, value) => {
      collected[key] = value;
    },
  };
}

/** Reads the state once (docker/login-action's state-helper does the same). */
export function readState(): PostState {
  const state: Record<string, unknown> = {};
  for (const k of KEYS) {
    const raw = core.getState(k);
    if (!raw) continue;
    try {
      state[k] = JSON.parse(raw);
    } catch {
      // A value we did not write; ignore rather than fail the post step.
    }
  }
  return state as PostState;
}
