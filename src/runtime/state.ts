// The main -> post hand-off. The post step must do nothing harmful when main failed early,
// so every value is optional and typed here in one place.
import * as core from '@actions/core';

export interface PostState {
  /** Set by main on its first line: the post step knows it is the post step. */
  isPost?: boolean;
  /** Where the build wrote; the post step cleans mounts and loop devices below it. */
  workDir?: string;
  /** Loop devices this run attached. */
  loopDevices?: string[];
  /** 'success' | 'failure' | 'cancelled', written when main ends. */
  outcome?: 'success' | 'failure' | 'cancelled';
  /** Path of the JSON run report (phases, timings) written by main. */
  reportFile?: string;
  /** Caches to save in the post step, if the build succeeded. */
  pendingSaves?: { what: string; key: string; file: string; restorePrefix?: string }[];
  /** Tool-cache entries (QEMU) the emulation step fetched, saved like pendingSaves. */
  toolSaves?: { what: string; key: string; file: string; restorePrefix?: string }[];
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
  'loopDevices',
  'outcome',
  'reportFile',
  'pendingSaves',
  'toolSaves',
  'cacheDir',
  'diagnosticsBundle',
  'diagnostics',
  'artifactName',
];

export function saveState<K extends keyof PostState>(key: K, value: PostState[K]): void {
  core.saveState(key, JSON.stringify(value));
}

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

export function isPost(): boolean {
  return readState().isPost === true;
}
