import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  collectDiagnostics
} from "./chunks/chunk-6RRYVPBE.js";
import "./chunks/chunk-NTN64I3L.js";
import {
  ActionsArtifacts,
  uploadFiles
} from "./chunks/chunk-OTUUIOZO.js";
import "./chunks/chunk-6EFLWPV5.js";
import "./chunks/chunk-WKCL3XOP.js";
import {
  savePending
} from "./chunks/chunk-UNW2JFY3.js";
import {
  cleanupWorkDir,
  removeBuildTrees
} from "./chunks/chunk-UAGOCF4D.js";
import {
  LocalStore,
  readState,
  selectStore
} from "./chunks/chunk-MBPLPZK6.js";
import "./chunks/chunk-ETIVXEBC.js";
import "./chunks/chunk-MWIMASZ6.js";
import {
  errorMessage
} from "./chunks/chunk-U6F4K6BP.js";
import {
  info,
  warning
} from "./chunks/chunk-JEISQDF3.js";

// src/post.ts
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
async function saveCaches(state) {
  const pending = [...state.pendingSaves ?? [], ...state.toolSaves ?? []];
  if (pending.length === 0) return;
  if (state.outcome !== "success") {
    info(
      `rpi-build: the build did not succeed; no cache saved (${pending.map((p) => p.what).join(", ")})`
    );
    return;
  }
  const store = state.cacheDir ? new LocalStore(state.cacheDir) : selectStore({});
  await savePending(store, pending);
}
async function uploadDiagnostics(state, cleanup) {
  const mode = state.diagnostics ?? "on-failure";
  if (mode === "never" || state.outcome === "success" && mode !== "always") return;
  let bundle = state.diagnosticsBundle;
  if (!bundle && state.workDir) {
    bundle = await collectDiagnostics({
      workDir: state.workDir,
      outDir: join(process.env.RUNNER_TEMP ?? tmpdir(), "rpi-build-diagnostics"),
      secrets: [],
      error: `the main step ended with outcome ${state.outcome ?? "unknown"}
${cleanup}`
    });
  }
  if (!bundle || !existsSync(bundle)) return;
  if (!ActionsArtifacts.available()) {
    info(`rpi-build: diagnostics bundle at ${bundle} (no artifact service to upload it to)`);
    return;
  }
  const name = `${state.artifactName ?? "rpi-build"}-diagnostics`;
  const up = await uploadFiles(name, [bundle], { compressed: true });
  info(`rpi-build: diagnostics uploaded as ${name}: ${up.url}`);
}
async function run() {
  const state = readState();
  if (!state.isPost) {
    info("rpi-build: main step did not start; nothing to clean up.");
    return;
  }
  try {
    let mountsRemain = false;
    let cleanupSummary = "";
    if (state.workDir) {
      const report = await cleanupWorkDir(state.workDir);
      info(report.summary);
      cleanupSummary = report.summary;
      mountsRemain = report.remaining.length > 0;
      if (mountsRemain)
        warning(`rpi-build: still mounted after cleanup: ${report.remaining.join(", ")}`);
    } else {
      info("rpi-build: no work folder was created; nothing to clean up.");
    }
    await saveCaches(state);
    await uploadDiagnostics(state, cleanupSummary).catch(
      (err) => warning(`rpi-build: could not upload diagnostics: ${errorMessage(err)}`)
    );
    if (state.workDir && !mountsRemain) await removeBuildTrees(state.workDir);
  } catch (err) {
    warning(`rpi-build post step could not finish cleaning up: ${errorMessage(err)}`);
  }
}
await run();
export {
  run
};
