import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  OPTIONS,
  loadConfig,
  runPipeline
} from "./chunks/chunk-H5XUTUBL.js";
import {
  saveState
} from "./chunks/chunk-C5PXELOG.js";
import "./chunks/chunk-F4W3TPLN.js";
import {
  errorMessage,
  getInput,
  setFailed,
  setOutput
} from "./chunks/chunk-CUEJ34R6.js";

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
