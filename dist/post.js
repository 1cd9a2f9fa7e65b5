import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  cleanupWorkDir,
  removeBuildTrees
} from "./chunks/chunk-RANCJ2BA.js";
import {
  readState
} from "./chunks/chunk-C5PXELOG.js";
import {
  errorMessage,
  info,
  warning
} from "./chunks/chunk-CUEJ34R6.js";

// src/post.ts
async function run() {
  const state = readState();
  if (!state.isPost) {
    info("rpi-build: main step did not start; nothing to clean up.");
    return;
  }
  try {
    if (state.workDir) {
      const report = await cleanupWorkDir(state.workDir);
      info(report.summary);
      if (report.remaining.length > 0)
        warning(`rpi-build: still mounted after cleanup: ${report.remaining.join(", ")}`);
      else await removeBuildTrees(state.workDir);
    } else {
      info("rpi-build: no work folder was created; nothing to clean up.");
    }
  } catch (err) {
    warning(`rpi-build post step could not finish cleaning up: ${errorMessage(err)}`);
  }
}
await run();
export {
  run
};
