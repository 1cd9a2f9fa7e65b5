import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  LocalStore,
  cleanupWorkDir,
  removeBuildTrees,
  savePending,
  selectStore
} from "./chunks/chunk-LSHRZ5NO.js";
import {
  readState
} from "./chunks/chunk-AOPZNAHD.js";
import {
  errorMessage,
  info,
  warning
} from "./chunks/chunk-HGA742ZW.js";

// src/post.ts
async function saveCaches(state) {
  const pending = state.pendingSaves ?? [];
  if (pending.length === 0) return;
  if (state.outcome !== "success") {
    info(
      `rpi-build: the build did not succeed; no cache saved (${pending.map((p) => p.what).join(", ")})`
    );
    return;
  }
  const store = state.cacheDir ? new LocalStore(state.cacheDir) : selectStore({});
  await savePending(store, pending);
}
async function run() {
  const state = readState();
  if (!state.isPost) {
    info("rpi-build: main step did not start; nothing to clean up.");
    return;
  }
  try {
    let mountsRemain = false;
    if (state.workDir) {
      const report = await cleanupWorkDir(state.workDir);
      info(report.summary);
      mountsRemain = report.remaining.length > 0;
      if (mountsRemain)
        warning(`rpi-build: still mounted after cleanup: ${report.remaining.join(", ")}`);
    } else {
      info("rpi-build: no work folder was created; nothing to clean up.");
    }
    await saveCaches(state);
    if (state.workDir && !mountsRemain) await removeBuildTrees(state.workDir);
  } catch (err) {
    warning(`rpi-build post step could not finish cleaning up: ${errorMessage(err)}`);
  }
}
await run();
export {
  run
};
