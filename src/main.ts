// Action entry point (main step): read inputs, run the pipeline, set outputs.
import * as core from '@actions/core';
import { readInputs } from './config/inputs.js';
import { loadConfig } from './config/load.js';
import { runPipeline } from './pipeline.js';
import { saveState } from './runtime/state.js';
import { errorMessage } from './runtime/errors.js';

export async function run(): Promise<void> {
  saveState('isPost', true);
  try {
    const config = await loadConfig(readInputs());
    const { outputs } = await runPipeline(config);
    for (const [k, v] of Object.entries(outputs)) core.setOutput(k, v);
    saveState('outcome', 'success');
  } catch (err) {
    saveState('outcome', 'failure');
    core.setFailed(errorMessage(err));
  }
}

await run();
