// The action's post step (always): clean up what main left. It never fails the job.
import * as core from '@actions/core';
import { readState, type PostState } from '../runtime/state.js';
import { LocalStore } from '../cache/local-store.js';
import { savePending } from '../cache/session.js';
import { selectStore } from '../cache/select.js';
import { removeBuildTrees } from '../diagnostics/cleanup.js';
import { cleanupWorkDir } from '../runtime/work-cleanup.js';
import { cleanupAsRoot } from '../pipeline/as-root.js';
import { isRoot } from '../runtime/privilege.js';
import { errorMessage } from '../runtime/errors.js';
import { isMarked } from '../runtime/work-folder.js';
import { acquireWorkLock, checkWorkLock } from '../runtime/work-lock.js';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectDiagnostics } from '../diagnostics/collect.js';
import { ActionsArtifacts, uploadFiles } from '../publish/artifact.js';
import { readInputs } from '../config/inputs.js';
import { readConfigFile } from '../config/load.js';
import { registerSecrets, secretsOfSources } from '../config/secrets.js';

/** The work folder carries rpi-build's marker and no other build holds it (then we do). */
async function ownWorkDir(dir: string): Promise<boolean> {
  if (!(await isMarked(dir))) {
    core.info(
      `rpi-build: ${dir} has no rpi-build marker (main stopped before making it); nothing cleaned there.`,
    );
    return false;
  }
  try {
    // As the runner user the folder (made by the sudo build) may not be writable: then only check.
    await acquireWorkLock(dir).catch((err: NodeJS.ErrnoException) =>
      err.code === 'EACCES' || err.code === 'EPERM' ? checkWorkLock(dir) : Promise.reject(err),
    );
    return true;
  } catch (err) {
    core.warning(`rpi-build: not cleaning up ${dir}: ${errorMessage(err)}`);
    return false;
  }
}

/** Caches are saved only here, only when main succeeded, and only under new keys. */
async function saveCaches(state: PostState): Promise<void> {
  const pending = state.pendingSaves ?? [];
  if (pending.length === 0) return;
  if (state.outcome !== 'success') {
    core.info(
      `rpi-build: the build did not succeed; no cache saved (${pending.map((p) => p.what).join(', ')})`,
    );
    return;
  }
  const store = state.cacheDir ? new LocalStore(state.cacheDir) : selectStore({});
  await savePending(store, pending);
}

/**
 * The same secret list main had: state is not secret, so the post step reads the inputs
 * again (a runner gives the post step the same INPUT_* values) and the config file they name.
 */
async function inputSecrets(): Promise<string[]> {
  const { overrides, file } = readInputs();
  const fromFile = file ? await readConfigFile(file).catch(() => ({})) : {};
  const secrets = secretsOfSources({ ...fromFile, ...overrides });
  registerSecrets(secrets);
  return secrets;
}

/** Uploads the diagnostics bundle after a failure (or always, if asked); makes one if main could not. */
async function uploadDiagnostics(state: PostState, cleanup: string): Promise<void> {
  const mode = state.diagnostics ?? 'on-failure';
  if (mode === 'never' || (state.outcome === 'success' && mode !== 'always')) return;
  let bundle = state.diagnosticsBundle;
  if (!bundle && state.workDir) {
    // main was killed (cancelled) before it could collect: gather what is there.
    bundle = await collectDiagnostics({
      workDir: state.workDir,
      outDir: join(process.env.RUNNER_TEMP ?? tmpdir(), 'rpi-build-diagnostics'),
      secrets: await inputSecrets(),
      error: `the main step ended with outcome ${state.outcome ?? 'unknown'}\n${cleanup}`,
    });
  }
  if (!bundle || !existsSync(bundle)) return;
  if (!ActionsArtifacts.available()) {
    core.info(`rpi-build: diagnostics bundle at ${bundle} (no artifact service to upload it to)`);
    return;
  }
  const name = `${state.artifactName ?? 'rpi-build'}-diagnostics`;
  const up = await uploadFiles(name, [bundle], { compressed: true });
  core.info(`rpi-build: diagnostics uploaded as ${name}: ${up.url}`);
}

export async function run(): Promise<void> {
  const state = readState();
  if (!state.isPost) {
    core.info('rpi-build: main step did not start; nothing to clean up.');
    return;
  }
  try {
    let mountsRemain = false;
    let cleanupSummary = '';
    // Only a folder rpi-build marked as its own, and not while another build holds it.
    const ours = state.workDir ? await ownWorkDir(state.workDir) : false;
    if (state.workDir && ours) {
      // As a hosted runner's user, only root can see and end the build's processes, unmount
      // and remove its trees; a sudo child does it and hands back what remains.
      const report = isRoot() ? await cleanupWorkDir(state.workDir) : await cleanupAsRoot(state.workDir);
      core.info(report.summary);
      cleanupSummary = report.summary;
      mountsRemain = report.remaining.length > 0;
      if (mountsRemain)
        core.warning(`rpi-build: still mounted after cleanup: ${report.remaining.join(', ')}`);
    } else if (!state.workDir) {
      core.info('rpi-build: no work folder was created; nothing to clean up.');
    }
    await saveCaches(state);
    await uploadDiagnostics(state, cleanupSummary).catch((err) =>
      core.warning(`rpi-build: could not upload diagnostics: ${errorMessage(err)}`),
    );
    if (state.workDir && ours && !mountsRemain && isRoot()) await removeBuildTrees(state.workDir);
  } catch (err) {
    core.warning(`rpi-build post step could not finish cleaning up: ${errorMessage(err)}`);
  }
}
