import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  saveState
} from "./chunks/chunk-RWFDSUMB.js";
import {
  OPTIONS,
  loadConfig,
  runPipeline
} from "./chunks/chunk-OWUSOSJQ.js";
import {
  errorMessage,
  getInput,
  setFailed,
  setOutput
} from "./chunks/chunk-YWVHDHHC.js";
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
