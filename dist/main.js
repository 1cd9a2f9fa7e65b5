import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  collectDiagnostics,
  readInputs
} from "./chunks/chunk-LTVEIULU.js";
import {
  runPipeline,
  writeJobSummary
} from "./chunks/chunk-WDTAEQUL.js";
import {
  configSecrets,
  loadConfig,
  newReport
} from "./chunks/chunk-XJETIR46.js";
import {
  artifactName
} from "./chunks/chunk-MRFVJSEO.js";
import "./chunks/chunk-7ZX3QPPZ.js";
import "./chunks/chunk-FL6OFBTR.js";
import "./chunks/chunk-6EFLWPV5.js";
import "./chunks/chunk-DFJIRLE2.js";
import "./chunks/chunk-MUO7QHWY.js";
import "./chunks/chunk-WKCL3XOP.js";
import {
  defaultWorkDir
} from "./chunks/chunk-EQEZTI6V.js";
import {
  saveState
} from "./chunks/chunk-LMUW2J3D.js";
import "./chunks/chunk-HNKHE42U.js";
import {
  errorMessage,
  killChildren
} from "./chunks/chunk-7IY5XED5.js";
import "./chunks/chunk-MWIMASZ6.js";
import {
  error,
  setFailed,
  setOutput,
  warning
} from "./chunks/chunk-JEISQDF3.js";

// src/main.ts
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
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
    secrets: configSecrets(config),
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
    await writeJobSummary(report, config ? configSecrets(config) : []).catch(
      (err) => warning(`could not write the job summary: ${errorMessage(err)}`)
    );
}
await run();
export {
  run
};
