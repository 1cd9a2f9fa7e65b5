import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  collectDiagnostics,
  readInputs
} from "./chunks/chunk-UYQCZ7SC.js";
import {
  artifactName
} from "./chunks/chunk-4RHPPCP7.js";
import {
  runPipeline,
  writeJobSummary
} from "./chunks/chunk-IDBFKO5J.js";
import {
  actionsState,
  newReport
} from "./chunks/chunk-TADEBJLL.js";
import "./chunks/chunk-DS3RU7S5.js";
import "./chunks/chunk-WWMXI5AG.js";
import "./chunks/chunk-NYPTKA4T.js";
import {
  configSecrets,
  loadConfig
} from "./chunks/chunk-MJZLRWWY.js";
import "./chunks/chunk-MTW55NNC.js";
import "./chunks/chunk-WKCL3XOP.js";
import "./chunks/chunk-FCYPM6WI.js";
import {
  defaultWorkDir
} from "./chunks/chunk-XEISMBYS.js";
import "./chunks/chunk-M7MSI67S.js";
import "./chunks/chunk-KM5ZZME6.js";
import "./chunks/chunk-ZA2QISKQ.js";
import "./chunks/chunk-G4YZ52AF.js";
import "./chunks/chunk-MQB7SEVM.js";
import {
  errorMessage,
  killChildren
} from "./chunks/chunk-ICWOZ6BD.js";
import {
  error,
  setFailed,
  setOutput,
  warning
} from "./chunks/chunk-HN3MK2TO.js";

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
