import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  collectDiagnostics,
  readInputs
} from "./chunks/chunk-HW3KMEYB.js";
import {
  artifactName
} from "./chunks/chunk-4RHPPCP7.js";
import {
  runPipeline,
  writeJobSummary
} from "./chunks/chunk-76R4BNUC.js";
import {
  actionsState,
  newReport
} from "./chunks/chunk-QGTNMPXL.js";
import "./chunks/chunk-DS3RU7S5.js";
import "./chunks/chunk-MULECCNM.js";
import "./chunks/chunk-DKRGG3JU.js";
import {
  configSecrets,
  loadConfig
} from "./chunks/chunk-MN5HCCR3.js";
import "./chunks/chunk-2Y3BNSSO.js";
import "./chunks/chunk-WKCL3XOP.js";
import "./chunks/chunk-FCYPM6WI.js";
import {
  defaultWorkDir
} from "./chunks/chunk-V7FVFHZJ.js";
import "./chunks/chunk-FMBYFL2R.js";
import "./chunks/chunk-AKLGG77D.js";
import "./chunks/chunk-FX24ZEC6.js";
import "./chunks/chunk-G4YZ52AF.js";
import "./chunks/chunk-X2M4GMIQ.js";
import {
  errorMessage,
  killChildren
} from "./chunks/chunk-5XQTGPXW.js";
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
