import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  getState,
  saveState
} from "./chunk-JEISQDF3.js";

// src/runtime/state.ts
var KEYS = [
  "isPost",
  "workDir",
  "loopDevices",
  "outcome",
  "failedPhase",
  "reportFile",
  "pendingSaves",
  "toolSaves",
  "cacheDir",
  "diagnosticsBundle",
  "diagnostics",
  "artifactName"
];
function saveState2(key, value) {
  saveState(key, JSON.stringify(value));
}
function readState() {
  const state = {};
  for (const k of KEYS) {
    const raw = getState(k);
    if (!raw) continue;
    try {
      state[k] = JSON.parse(raw);
    } catch {
    }
  }
  return state;
}

// src/runtime/files.ts
import { cp, rename, rm } from "node:fs/promises";
async function moveFile(src, dest) {
  await rename(src, dest).catch(async (err) => {
    if (err.code !== "EXDEV") throw err;
    await cp(src, dest, { recursive: true, preserveTimestamps: true });
    await rm(src, { recursive: true });
  });
}

export {
  moveFile,
  saveState2 as saveState,
  readState
};
