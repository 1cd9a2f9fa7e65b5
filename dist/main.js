import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  collectDiagnostics
} from "./chunks/chunk-6RRYVPBE.js";
import {
  loadConfig,
  newReport,
  runPipeline,
  writeJobSummary
} from "./chunks/chunk-NOTF34UV.js";
import {
  OPTIONS
} from "./chunks/chunk-NTN64I3L.js";
import {
  artifactName
} from "./chunks/chunk-OTUUIOZO.js";
import "./chunks/chunk-X6OXMRVZ.js";
import "./chunks/chunk-6EFLWPV5.js";
import "./chunks/chunk-65Q4FPQX.js";
import "./chunks/chunk-WKCL3XOP.js";
import {
  defaultWorkDir
} from "./chunks/chunk-44HS2LWG.js";
import "./chunks/chunk-UAGOCF4D.js";
import {
  saveState
} from "./chunks/chunk-MBPLPZK6.js";
import "./chunks/chunk-ETIVXEBC.js";
import "./chunks/chunk-MWIMASZ6.js";
import {
  errorMessage,
  killChildren
} from "./chunks/chunk-U6F4K6BP.js";
import {
  error,
  getInput,
  setFailed,
  setOutput,
  warning
} from "./chunks/chunk-JEISQDF3.js";

// src/main.ts
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// src/config/inputs.ts
function readInputs(env = process.env) {
  const overrides = {};
  for (const o of OPTIONS) {
    const v = getInput(o.key);
    if (v !== "") overrides[o.key] = v;
  }
  const roots = env.GITHUB_WORKSPACE ? [env.GITHUB_WORKSPACE, ...env.RUNNER_TEMP ? [env.RUNNER_TEMP] : []] : [];
  const file = getInput("config");
  return { ...file ? { file } : {}, overrides, ...roots.length ? { roots } : {} };
}

// src/main.ts
function onCancel() {
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.once(sig, () => {
      saveState("outcome", "cancelled");
      error(`rpi-build: ${sig} received; stopping the build (the post step cleans up)`);
      void killChildren().then(() => process.exit(1));
    });
  }
}
async function diagnose(config, report) {
  if (config.diagnostics === "never") return;
  const failed = report.phases.timings.find((p) => !p.ok);
  const bundle = await collectDiagnostics({
    workDir: resolve(config.workDir ?? defaultWorkDir()),
    outDir: join(process.env.RUNNER_TEMP ?? tmpdir(), "rpi-build-diagnostics"),
    config,
    secrets: [config.password ?? ""],
    ...report.error ? { error: report.error } : {},
    ...failed ? { failedPhase: failed.name } : {}
  });
  saveState("diagnosticsBundle", bundle);
}
async function run() {
  saveState("isPost", true);
  onCancel();
  let report;
  let config;
  try {
    config = await loadConfig(readInputs());
    saveState("diagnostics", config.diagnostics);
    saveState("artifactName", artifactName(config));
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
  if (config && report && (report.outcome === "failure" || config.diagnostics === "always")) {
    await diagnose(config, report).catch(
      (err) => warning(`could not collect diagnostics: ${errorMessage(err)}`)
    );
  }
  if (report)
    await writeJobSummary(report, [config?.password ?? ""]).catch(
      (err) => warning(`could not write the job summary: ${errorMessage(err)}`)
    );
}
await run();
export {
  run
};
