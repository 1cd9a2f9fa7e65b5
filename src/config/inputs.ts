// Action inputs -> raw config. Inputs have no defaults in action.yml, so an empty
// input means "not given" and the YAML config or the embedded default applies.
import * as core from '@actions/core';
import { OPTIONS } from './options.js';
import type { RawConfig } from './schema.js';

export function readInputs(): { file?: string; overrides: RawConfig } {
  const overrides: RawConfig = {};
  for (const o of OPTIONS) {
    const v = core.getInput(o.key);
    if (v !== '') overrides[o.key] = v;
  }
  const file = core.getInput('config');
  return file ? { file, overrides } : { overrides };
}
