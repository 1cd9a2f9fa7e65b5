// Action entry point (main step): read inputs, run the pipeline, set outputs.
import * as core from '@actions/core';
import { readInputs } from './config/inputs.js';
import { loadConfig } from './config/load.js';
import { runPipeline } from './pipeline.js';
import { saveState } from './runtime/state.js';
import { errorMessage } from './runtime/errors.js';
import { newReport, type RunReport } from './publish/report.js';
import { writeJobSummary } from './publish/summary.js';

export async function run(): Promise<void> {
  saveState('isPost', true);
  let report: RunReport | undefined;
  try {
    const config = await loadConfig(readInputs());
    report = newReport(config.target, config.arch, config.suite);
    const { outputs } = await runPipeline(config, report);
    for (const [k, v] of Object.entries(outputs)) core.setOutput(k, v);
    report.outcome = 'success';
    saveState('outcome', 'success');
  } catch (err) {
    saveState('outcome', 'failure');
    if (report) {
      report.outcome = 'failure';
      report.error = errorMessage(err);
    }
    core.setFailed(errorMessage(err));
  }
  // Bad input fails before any work and before a summary; everything after gets one.
  if (report)
    await writeJobSummary(report).catch((err) =>
      core.warning(`could not write the job summary: ${errorMessage(err)}`),
    );
}

await run();
