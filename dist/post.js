import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  collectDiagnostics,
  readInputs
} from "./chunks/chunk-UYQCZ7SC.js";
import {
  ActionsArtifacts,
  uploadFiles
} from "./chunks/chunk-4RHPPCP7.js";
import {
  removeBuildTrees
} from "./chunks/chunk-KWEBL65I.js";
import {
  LocalStore,
  cleanupAsRoot,
  readState,
  savePending,
  selectStore
} from "./chunks/chunk-TADEBJLL.js";
import "./chunks/chunk-DS3RU7S5.js";
import "./chunks/chunk-NYPTKA4T.js";
import {
  readConfigFile,
  registerSecrets,
  secretsOfSources
} from "./chunks/chunk-MJZLRWWY.js";
import "./chunks/chunk-MTW55NNC.js";
import "./chunks/chunk-WKCL3XOP.js";
import "./chunks/chunk-FCYPM6WI.js";
import {
  acquireWorkLock,
  checkWorkLock,
  cleanupWorkDir,
  isMarked
} from "./chunks/chunk-M7MSI67S.js";
import "./chunks/chunk-KM5ZZME6.js";
import "./chunks/chunk-G4YZ52AF.js";
import "./chunks/chunk-MQB7SEVM.js";
import {
  errorMessage,
  isRoot
} from "./chunks/chunk-ICWOZ6BD.js";
import {
  info,
  warning
} from "./chunks/chunk-HN3MK2TO.js";

// src/entries/post.ts
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
async function ownWorkDir(dir) {
  if (!await isMarked(dir)) {
    info(
      `rpi-build: ${dir} has no rpi-build marker (main stopped before making it); nothing cleaned there.`
    );
    return false;
  }
  try {
    await acquireWorkLock(dir).catch(
      (err) => err.code === "EACCES" || err.code === "EPERM" ? checkWorkLock(dir) : Promise.reject(err)
    );
    return true;
  } catch (err) {
    warning(`rpi-build: not cleaning up ${dir}: ${errorMessage(err)}`);
    return false;
  }
}
async function saveCaches(state) {
  const pending = state.pendingSaves ?? [];
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
async function inputSecrets() {
  const { overrides, file } = readInputs();
  const fromFile = file ? await readConfigFile(file).catch(() => ({})) : {};
  const secrets = secretsOfSources({ ...fromFile, ...overrides });
  registerSecrets(secrets);
  return secrets;
}
async function uploadDiagnostics(state, cleanup) {
  const mode = state.diagnostics ?? "on-failure";
  if (mode === "never" || state.outcome === "success" && mode !== "always") return;
  let bundle = state.diagnosticsBundle;
  if (!bundle && state.workDir) {
    bundle = await collectDiagnostics({
      workDir: state.workDir,
      outDir: join(process.env.RUNNER_TEMP ?? tmpdir(), "rpi-build-diagnostics"),
      secrets: await inputSecrets(),
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
    const ours = state.workDir ? await ownWorkDir(state.workDir) : false;
    if (state.workDir && ours) {
      const report = isRoot() ? await cleanupWorkDir(state.workDir) : await cleanupAsRoot(state.workDir);
      info(report.summary);
      cleanupSummary = report.summary;
      mountsRemain = report.remaining.length > 0;
      if (mountsRemain)
        warning(`rpi-build: still mounted after cleanup: ${report.remaining.join(", ")}`);
    } else if (!state.workDir) {
      info("rpi-build: no work folder was created; nothing to clean up.");
    }
    await saveCaches(state);
    await uploadDiagnostics(state, cleanupSummary).catch(
      (err) => warning(`rpi-build: could not upload diagnostics: ${errorMessage(err)}`)
    );
    if (state.workDir && ours && !mountsRemain && isRoot()) await removeBuildTrees(state.workDir);
  } catch (err) {
    warning(`rpi-build post step could not finish cleaning up: ${errorMessage(err)}`);
  }
}

// src/post.ts
await run();
