import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  collectDiagnostics,
  readInputs
} from "./chunks/chunk-H4ZVHWZX.js";
import {
  artifactName
} from "./chunks/chunk-5ILGS3F5.js";
import {
  runPipeline,
  writeJobSummary
} from "./chunks/chunk-HSFGDKXP.js";
import {
  actionsState,
  newReport
} from "./chunks/chunk-ICQPBGQ4.js";
import "./chunks/chunk-MWIMASZ6.js";
import "./chunks/chunk-RLXPFIOZ.js";
import "./chunks/chunk-7PRXYFQI.js";
import "./chunks/chunk-JPZUMQ53.js";
import {
  configSecrets,
  loadConfig
} from "./chunks/chunk-ZPPY724S.js";
import "./chunks/chunk-SSUDCTJA.js";
import "./chunks/chunk-WKCL3XOP.js";
import "./chunks/chunk-CL2P6OG3.js";
import {
  defaultWorkDir
} from "./chunks/chunk-T3SORGUS.js";
import "./chunks/chunk-4RUHFV6J.js";
import "./chunks/chunk-MM45DSBM.js";
import "./chunks/chunk-7YG3CPLG.js";
import "./chunks/chunk-G4YZ52AF.js";
import "./chunks/chunk-J4TNNZG7.js";
import {
  errorMessage,
  killChildren
} from "./chunks/chunk-4Z53H52X.js";
import {
  error,
  setFailed,
  setOutput,
  warning
} from "./chunks/chunk-JEISQDF3.js";

// src/entries/main.ts
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
var state = actionsState;
function onCancel() {
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.once(sig, () => {
      state.save("outcome", "cancelled");
      error(`rpi-build: ${sig} received; stopping the build (the post step cleans up)`);
      void killChildren().then(() => process.exit(1));
    });
  }
}
async function diagnose(config, report) {
  if (config.diagnostics === "never") return;
  const failed = report.phases.failed();
  const bundle = await collectDiagnostics({
    workDir: resolve(config.workDir ?? defaultWorkDir()),
    outDir: join(process.env.RUNNER_TEMP ?? tmpdir(), "rpi-build-diagnostics"),
    config,
    secrets: configSecrets(config),
    ...report.error ? { error: report.error } : {},
    ...failed ? { failedPhase: failed.name } : {}
  });
  state.save("diagnosticsBundle", bundle);
}
async function run() {
  state.save("isPost", true);
  onCancel();
  let report;
  let config;
  try {
    config = await loadConfig(readInputs());
    state.save("diagnostics", config.diagnostics);
    state.save("artifactName", artifactName(config));
    report = newReport(config.target, config.arch, config.suite);
    const { outputs } = await runPipeline(config, report, state);
    for (const [k, v] of Object.entries(outputs)) setOutput(k, v);
    report.outcome = "success";
    state.save("outcome", "success");
  } catch (err) {
    state.save("outcome", "failure");
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

// src/main.ts
await run();
