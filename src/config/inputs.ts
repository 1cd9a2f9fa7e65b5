// Action inputs -> raw config. Inputs have no defaults in action.yml, so an empty
// input means "not given" and the YAML config or the embedded default applies.
import * as core from '@actions/core';
import { OPTIONS } from './options.js';
import type { ConfigSources } from './load.js';
import type { RawConfig } from './schema.js';

export function readInputs(env: NodeJS.ProcessEnv = process.env): ConfigSources {
  const overrides: RawConfig = {};
  for (const o of OPTIONS) {
    const v = core.getInput(o.key);
    if (v !== '') overrides[o.key] = v;
  }
  // Paths given to the action stay inside the job's own folders (see loadConfig).
  const roots = env.GITHUB_WORKSPACE
    ? [env.GITHUB_WORKSPACE, ...(env.RUNNER_TEMP ? [env.RUNNER_TEMP] : [])]
    : [];
  const file = core.getInput('config');
  return { ...(file ? { file } : {}), overrides, ...(roots.length ? { roots } : {}) };
}
