// Action entry point (post step, always): clean up what main left. It never fails the job.
import * as core from '@actions/core';
import { readState } from './runtime/state.js';
import { cleanupWorkDir, removeBuildTrees } from './diagnostics/cleanup.js';
import { errorMessage } from './runtime/errors.js';

export async function run(): Promise<void> {
  const state = readState();
  if (!state.isPost) {
    core.info('rpi-build: main step did not start; nothing to clean up.');
    return;
  }
  try {
    if (state.workDir) {
      const report = await cleanupWorkDir(state.workDir);
      core.info(report.summary);
      if (report.remaining.length > 0)
        core.warning(`rpi-build: still mounted after cleanup: ${report.remaining.join(', ')}`);
      else await removeBuildTrees(state.workDir);
    } else {
      core.info('rpi-build: no work folder was created; nothing to clean up.');
    }
  } catch (err) {
    core.warning(`rpi-build post step could not finish cleaning up: ${errorMessage(err)}`);
  }
}

await run();
