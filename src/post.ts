// Action entry point (post step, always): clean up what main left. It never fails the job.
import * as core from '@actions/core';
import { readState, type PostState } from './runtime/state.js';
import { LocalStore } from './cache/local-store.js';
import { savePending } from './cache/rootfs-step.js';
import { selectStore } from './cache/select.js';
import { cleanupWorkDir, removeBuildTrees } from './diagnostics/cleanup.js';
import { errorMessage } from './runtime/errors.js';

/** Caches are saved only here, only when main succeeded, and only under new keys. */
async function saveCaches(state: PostState): Promise<void> {
  const pending = state.pendingSaves ?? [];
  if (pending.length === 0) return;
  if (state.outcome !== 'success') {
    core.info(
      `rpi-build: the build did not succeed; no cache saved (${pending.map((p) => p.what).join(', ')})`,
    );
    return;
  }
  const store = state.cacheDir ? new LocalStore(state.cacheDir) : selectStore({});
  await savePending(store, pending);
}

export async function run(): Promise<void> {
  const state = readState();
  if (!state.isPost) {
    core.info('rpi-build: main step did not start; nothing to clean up.');
    return;
  }
  try {
    let mountsRemain = false;
    if (state.workDir) {
      const report = await cleanupWorkDir(state.workDir);
      core.info(report.summary);
      mountsRemain = report.remaining.length > 0;
      if (mountsRemain)
        core.warning(`rpi-build: still mounted after cleanup: ${report.remaining.join(', ')}`);
    } else {
      core.info('rpi-build: no work folder was created; nothing to clean up.');
    }
    await saveCaches(state);
    if (state.workDir && !mountsRemain) await removeBuildTrees(state.workDir);
  } catch (err) {
    core.warning(`rpi-build post step could not finish cleaning up: ${errorMessage(err)}`);
  }
}

await run();
