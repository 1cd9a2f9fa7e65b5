// The action's main step: read inputs, run the pipeline, set outputs; on failure,
// write the diagnostics bundle while the configuration (and so every secret) is known.
import * as core from '@actions/core';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readInputs } from '../config/inputs.js';
import { loadConfig } from '../config/load.js';
import type { BuildConfig } from '../config/schema.js';
import { configSecrets } from '../config/secrets.js';
import { defaultWorkDir } from '../builders/workspace.js';
import { collectDiagnostics } from '../diagnostics/collect.js';
import { runPipeline } from '../pipeline.js';
import { artifactName } from '../publish/artifact.js';
import { newReport, type RunReport } from '../publish/report.js';
import { writeJobSummary } from '../publish/summary.js';
import { errorMessage } from '../runtime/errors.js';
import { killChildren } from '../runtime/exec.js';
import { actionsState } from '../runtime/state.js';

const state = actionsState;

/** On cancellation the runner sends SIGINT/SIGTERM: end our children and return; post cleans up. */
function onCancel(): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      state.save('outcome', 'cancelled');
      core.error(`rpi-build: ${sig} received; stopping the build (the post step cleans up)`);
      void killChildren().then(() => process.exit(1));
    });
  }
}

async function diagnose(config: BuildConfig, report: RunReport): Promise<void> {
  if (config.diagnostics === 'never') return;
  const failed = report.phases.failed();
  const bundle = await collectDiagnostics({
    workDir: resolve(config.workDir ?? defaultWorkDir()),
    outDir: join(process.env.RUNNER_TEMP ?? tmpdir(), 'rpi-build-diagnostics'),
    config,
    secrets: configSecrets(config),
    ...(report.error ? { error: report.error } : {}),
    ...(failed ? { failedPhase: failed.name } : {}),
  });
  state.save('diagnosticsBundle', bundle);
}

export async function run(): Promise<void> {
  state.save('isPost', true);
  onCancel();
  let report: RunReport | undefined;
  let config: BuildConfig | undefined;
  try {
    config = await loadConfig(readInputs());
    state.save('diagnostics', config.diagnostics);
    state.save('artifactName', artifactName(config));
    report = newReport(config.target, config.arch, config.suite);
    const { outputs } = await runPipeline(config, report, state);
    for (const [k, v] of Object.entries(outputs)) core.setOutput(k, v);
    report.outcome = 'success';
    state.save('outcome', 'success');
  } catch (err) {
    state.save('outcome', 'failure');
    if (report) {
      report.outcome = 'failure';
      report.error = errorMessage(err);
    }
    core.setFailed(errorMessage(err));
  }
  if (config && report && (report.outcome === 'failure' || config.diagnostics === 'always')) {
    await diagnose(config, report).catch((err) =>
      core.warning(`could not collect diagnostics: ${errorMessage(err)}`),
    );
  }
  // Bad input fails before any work and before a summary; everything after gets one.
  if (report)
    await writeJobSummary(report, config ? configSecrets(config) : []).catch((err) =>
      core.warning(`could not write the job summary: ${errorMessage(err)}`),
    );
}
