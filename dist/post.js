import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  cleanupWorkDir
} from "./chunks/chunk-6QCGBI47.js";
import {
  readState
} from "./chunks/chunk-6SS3VSFZ.js";
import {
  errorMessage,
  info,
  warning
} from "./chunks/chunk-DRJFSGOD.js";
import "./chunks/chunk-D7YLWO43.js";

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
