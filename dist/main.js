import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  OPTIONS,
  loadConfig,
  newReport,
  runPipeline,
  writeJobSummary
} from "./chunks/chunk-Q35DJZMJ.js";
import {
  saveState
} from "./chunks/chunk-AOPZNAHD.js";
import "./chunks/chunk-6EFLWPV5.js";
import {
  errorMessage,
  getInput,
  setFailed,
  setOutput,
  warning
} from "./chunks/chunk-HGA742ZW.js";

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
  let report;
  try {
    const config = await loadConfig(readInputs());
    report = newReport(config.target, config.arch, config.suite);
    const { outputs } = await runPipeline(config, report);
    for (const [k, v] of Object.entries(outputs)) setOutput(k, v);
    report.outcome = "success";
    saveState("outcome", "success");
  } catch (err) {
    saveState("outcome", "failure");
    if (report) {
      report.outcome = "failure";
      report.error = errorMessage(err);
    }
    setFailed(errorMessage(err));
  }
  if (report)
    await writeJobSummary(report).catch(
      (err) => warning(`could not write the job summary: ${errorMessage(err)}`)
    );
}
await run();
export {
  run
};
