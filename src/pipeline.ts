// The pipeline both entry points share, and the one owner of the sequence:
// config -> host doctor -> emulation -> work folder -> builder -> checksums, out-dir, caches
// -> artifact. Builders only make their product (builders/context.ts); all post state is
// written here, through the StateWriter the entry point gives (the CLI's writes nothing).
import type { BuildConfig } from './config/schema.js';
import { ensureEmulation } from './binfmt/register.js';
import type { BuildContext } from './builders/context.js';
import { builderFor } from './builders/select.js';
import { checkWorkDir, defaultWorkDir, freshDir } from './builders/workspace.js';
import { defaultCacheDir } from './cache/local-store.js';
import { selectStore } from './cache/select.js';
import { CacheSession } from './cache/session.js';
import { runDoctor } from './host/doctor.js';
import { buildAsRoot } from './pipeline/as-root.js';
import { finishBuild, type Finished } from './pipeline/finish.js';
import type { Outputs } from './publish/outputs.js';
import type { RunReport } from './publish/report.js';
import { inActions, logger } from './runtime/log.js';
import { isRoot, privilegePrefix } from './runtime/privilege.js';
import type { StateWriter } from './runtime/state.js';
import { useToolCacheDir } from './tools/tool-cache.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface PipelineResult {
  outputs: Outputs;
}

/** The build's caches: the store (none with cache: false), read-only or not, reports into the run report. */
export function cacheSession(config: BuildConfig, report?: RunReport): CacheSession {
  // Emulators and toolchains missing on the host come from the tool cache (outside Actions: under cache-dir).
  useToolCacheDir(config.cacheDir ?? defaultCacheDir());
  return new CacheSession(
    config.cache ? selectStore(config) : undefined,
    config.cacheReadOnly,
    report?.caches,
  );
}

export async function setUpEmulation(
  config: BuildConfig,
  caches: CacheSession,
  report?: RunReport,
): Promise<Outputs> {
  const tools = { caches, scratch: join(process.env.RUNNER_TEMP ?? tmpdir(), 'rpi-build-tools') };
  const r = await logger().group('QEMU emulation', () => ensureEmulation(config.arch, tools));
  if (report) report.emulation = { native: r.native, emulated: r.emulated };
  return { platforms: r.platforms.join(','), native: r.native.join(','), emulated: r.emulated.join(',') };
}

/** In Actions, the finished files become one artifact; elsewhere they stay in out-dir. */
async function publish(config: BuildConfig, report: RunReport): Promise<Outputs> {
  if (!inActions() || !config.upload) return {};
  const { ActionsArtifacts } = await import('./publish/artifact.js');
  if (!ActionsArtifacts.available()) {
    logger().warn(
      'No artifact service on this runner (ACTIONS_RUNTIME_TOKEN missing); the files stay in out-dir.',
    );
    return {};
  }
  if (report.files.length === 0) return {};
  const { artifactName, uploadFiles } = await import('./publish/artifact.js');
  const up = await uploadFiles(artifactName(config), report.files, {
    compressed: config.compression !== 'none',
    ...(config.retentionDays ? { retentionDays: config.retentionDays } : {}),
  });
  report.facts['artifact-url'] = up.url;
  return { 'artifact-id': String(up.id), 'artifact-url': up.url, 'artifact-name': up.name };
}

/**
 * The builder's part, in this process: work folder, product, and what every build ends with.
 * (runPipeline puts the doctor and emulation before it; tests call it alone.)
 */
export async function runBuild(
  config: BuildConfig,
  report: RunReport,
  state: StateWriter,
  caches: CacheSession = cacheSession(config, report),
): Promise<Finished> {
  const workDir = resolve(config.workDir ?? defaultWorkDir());
  const ctx: BuildContext = { config, workDir, phases: report.phases, caches, facts: report.facts };
  const { phases } = ctx;
  if (config.target === 'image' && config.freeDiskSpace) {
    const { freeDiskSpace } = await import('./host/free-disk.js');
    const gained = await phases.run('free-disk', 'Free disk space (hosted runner)', () =>
      freeDiskSpace(config),
    );
    ctx.facts['disk-space-freed'] = String(gained);
  }
  const builder = await builderFor(config);
  if (builder.hostTools) await phases.run('host-tools', 'Host tools', () => builder.hostTools!(ctx));
  await builder.inspect?.(ctx);
  await freshDir(workDir);
  const finished = await finishBuild(ctx, await builder.build(ctx), state);
  Object.assign(report.facts, finished.outputs);
  report.files = finished.files;
  return finished;
}

export async function runPipeline(
  config: BuildConfig,
  report: RunReport,
  state: StateWriter,
): Promise<PipelineResult> {
  // An image needs root (or passwordless sudo): say so before any work, not at the first mount.
  if (config.target === 'image') await privilegePrefix('building an image');
  const workDir = resolve(config.workDir ?? defaultWorkDir());
  // Before any work: a work folder rpi-build may not empty, or one another build holds, is refused.
  if (config.target !== 'qemu') await checkWorkDir(workDir);
  const log = logger();
  const doctor = await log.group('Host doctor', async () => {
    const d = await runDoctor(config);
    for (const p of d.problems) {
      const line = `[${p.id}] ${p.diagnosis} Fix: ${p.fix}`;
      if (p.severity === 'info') log.info(line);
      else log.warn(line);
    }
    return d;
  });
  report.host = {
    machine: doctor.host.machine,
    kernel: doctor.host.kernelRelease,
    userland: doctor.host.userland.arch,
    problems: doctor.problems,
  };
  const diskProblem = doctor.problems.find((p) => p.id === 'low-disk');
  if (diskProblem) throw new Error(`${diskProblem.diagnosis} ${diskProblem.fix}`);

  const caches = cacheSession(config, report);
  // A kernel is cross-compiled: nothing foreign runs, so no emulation is set up.
  const emulation = config.target === 'kernel' ? {} : await setUpEmulation(config, caches, report);
  if (config.target === 'qemu') {
    await caches.commit(state);
    return { outputs: emulation };
  }
  // Written before the work folder is touched: the post step cleans it even if main is killed.
  state.save('workDir', workDir);
  let built: Finished;
  if (config.target === 'image' && !isRoot()) {
    // As a user with sudo: a root child builds; its saves and state come back to be written here.
    const child = await buildAsRoot(config, report);
    caches.adopt(child.state.pendingSaves ?? []);
    await caches.commit(state);
    // The child's local cache folder (root's view of it) is where the post step saves.
    if (child.state.cacheDir) state.save('cacheDir', child.state.cacheDir);
    built = { outputs: child.outputs, files: child.files };
    report.files = child.files; // its facts came back with its report
  } else {
    built = await runBuild(config, report, state, caches);
  }
  const uploaded = await publish(config, report);
  return { outputs: { ...emulation, ...built.outputs, ...uploaded } };
}
