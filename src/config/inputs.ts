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
  // A pull request's code runs in this build: had it saves, it could plant a cache entry that
  // later builds (of the default branch) unpack and run as root. The workflow may still opt in.
  const event = env.GITHUB_EVENT_NAME ?? '';
  if (['pull_request', 'pull_request_target'].includes(event) && !('cache-read-only' in overrides)) {
    overrides['cache-read-only'] = 'true';
    core.info(
      `cache-read-only: true (default for ${event} events): caches are restored but not saved, so a pull request cannot put an entry in them that later builds would trust. Set the cache-read-only input to false to save anyway.`,
    );
  }
  // Paths given to the action stay inside the job's own folders (see loadConfig).
  const roots = env.GITHUB_WORKSPACE
    ? [env.GITHUB_WORKSPACE, ...(env.RUNNER_TEMP ? [env.RUNNER_TEMP] : [])]
    : [];
  const file = core.getInput('config');
  return { ...(file ? { file } : {}), overrides, ...(roots.length ? { roots } : {}) };
}
