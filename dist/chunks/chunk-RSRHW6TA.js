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

export {
  saveState2 as saveState,
  readState
};
