// The pipeline both entry points share: config -> host -> emulation -> builder -> outputs.
import type { BuildConfig } from './config/schema.js';
import { ensureEmulation } from './binfmt/register.js';
import { runDoctor } from './host/doctor.js';
import { buildAsRoot } from './pipeline/as-root.js';
import { inActions, logger } from './runtime/log.js';
import { saveState } from './runtime/state.js';
import { defaultCacheDir } from './cache/local-store.js';
import { selectStore } from './cache/select.js';
import { useToolCacheDir } from './tools/tool-cache.js';
import type { ToolOptions } from './tools/qemu-user.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkWorkDir, defaultWorkDir } from './builders/workspace.js';
import { isRoot, privilegePrefix } from './runtime/privilege.js';
import type { Outputs } from './publish/outputs.js';
import type { RunReport } from './publish/report.js';

export interface PipelineResult {
  outputs: Outputs;
}

export async function setUpEmulation(config: BuildConfig, report?: RunReport): Promise<Outputs> {
  // Emulators missing on the host come from the tool cache (outside Actions: under cache-dir).
  useToolCacheDir(config.cacheDir ?? defaultCacheDir());
  const tools: ToolOptions = {
    ...(config.cache ? { store: selectStore(config) } : {}),
    readOnly: config.cacheReadOnly,
    pending: [],
    scratch: join(process.env.RUNNER_TEMP ?? tmpdir(), 'rpi-build-tools'),
  };
  const r = await logger().group('QEMU emulation', () => ensureEmulation(config.arch, tools));
  // Saved by the post step, and only if the whole run succeeds.
  if (tools.pending.length && inActions()) saveState('toolSaves', tools.pending);
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
  const files = JSON.parse(report.facts.files ?? '[]') as string[];
  if (files.length === 0) return {};
  const { artifactName, uploadFiles } = await import('./publish/artifact.js');
  const up = await uploadFiles(artifactName(config), files, {
    compressed: config.compression !== 'none',
    ...(config.retentionDays ? { retentionDays: config.retentionDays } : {}),
  });
  report.facts['artifact-url'] = up.url;
  return { 'artifact-id': String(up.id), 'artifact-url': up.url, 'artifact-name': up.name };
}

export async function runPipeline(config: BuildConfig, report: RunReport): Promise<PipelineResult> {
  // An image needs root (or passwordless sudo): say so before any work, not at the first mount.
  if (config.target === 'image') await privilegePrefix('building an image');
  // Before any work: a work folder rpi-build may not empty, or one another build holds, is refused.
  if (config.target !== 'qemu') await checkWorkDir(resolve(config.workDir ?? defaultWorkDir()));
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

  // A kernel is cross-compiled: nothing foreign runs, so no emulation is set up.
  const outputs: Outputs = config.target === 'kernel' ? {} : { ...(await setUpEmulation(config, report)) };
  switch (config.target) {
    case 'qemu':
      return { outputs };
    case 'image': {
      let built: Outputs;
      if (!isRoot()) built = await buildAsRoot(config, report);
      else {
        const { buildImage } = await import('./builders/image.js');
        built = await buildImage(config, report);
      }
      return { outputs: { ...outputs, ...built, ...(await publish(config, report)) } };
    }
    case 'kernel': {
      // A cross build needs no root and no emulation; only a native arm64 host skips the cross compiler.
      const { buildKernel } = await import('./builders/kernel.js');
      const built = await buildKernel(config, report);
      return { outputs: { ...outputs, ...built, ...(await publish(config, report)) } };
    }
  }
}
