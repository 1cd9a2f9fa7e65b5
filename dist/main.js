import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  OPTIONS,
  loadConfig,
  runPipeline
} from "./chunks/chunk-KJBG3DRB.js";
import {
  saveState
} from "./chunks/chunk-6SS3VSFZ.js";
import "./chunks/chunk-3ORPTRXP.js";
import {
  errorMessage,
  getInput,
  setFailed,
  setOutput
} from "./chunks/chunk-DRJFSGOD.js";
import "./chunks/chunk-D7YLWO43.js";

// src/config/inputs.ts
function readInputs() {
  const overrides = {};
  for (const o of OPTIONS) {
    const v = getInput(o.key);
    if (v !== "") overrides[o.key] = v;
  }
  const file = getInput("config");
  return file ? { file, overrides } : { overrides };
}

// src/main.ts
async function run() {
  saveState("isPost", true);
  try {
    const config = await loadConfig(readInputs());
    const { outputs } = await runPipeline(config);
    for (const [k, v] of Object.entries(outputs)) setOutput(k, v);
    saveState("outcome", "success");
  } catch (err) {
    saveState("outcome", "failure");
    setFailed(errorMessage(err));
  }
}
await run();
export {
  run
};
