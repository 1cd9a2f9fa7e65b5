// The CLI's commands: the same pipeline as the action, driven by flags (cli.ts is the entry).
import { writeFile } from 'node:fs/promises';
import { parseCli, USAGE } from '../cli-args.js';
import { loadConfig } from '../config/load.js';
import { formatDoctor, runDoctor } from '../host/doctor.js';
import { PARTS, ensureHostPackages, packagesOf, type Part } from '../host/requirements.js';
import { cacheSession, runPipeline, setUpEmulation } from '../pipeline.js';
import { InputError, errorMessage } from '../runtime/errors.js';
import { newReport, reportData } from '../publish/report.js';
import { summaryText } from '../publish/summary.js';
import { join, resolve } from 'node:path';
import { defaultWorkDir } from '../builders/workspace.js';
import { removeBuildTrees } from '../diagnostics/cleanup.js';
import { cleanupWorkDir } from '../runtime/work-cleanup.js';
import type { ChildReport, CleanupResult } from '../pipeline/as-root.js';
import { inActions } from '../runtime/log.js';
import { collectState, noState } from '../runtime/state.js';
import { handBack } from '../runtime/hand-back.js';
import { isMarked } from '../runtime/work-folder.js';

/** Lists the packages of the named parts (all when none), or installs the missing ones. */
async function hostPackages(names: string[], install: boolean): Promise<number> {
  const bad = names.filter((n) => !(PARTS as readonly string[]).includes(n));
  if (bad.length)
    throw new InputError('PART', `"${bad.join(' ')}" is not a part`, `Parts: ${PARTS.join(', ')}.`);
  const parts = (names.length ? names : [...PARTS]) as Part[];
  if (!install) {
    process.stdout.write(`${packagesOf(parts).join('\n')}\n`);
    return 0;
  }
  const installed = await ensureHostPackages(parts);
  process.stderr.write(
    installed.length ? `installed: ${installed.join(' ')}\n` : 'all host packages are present\n',
  );
  return 0;
}

/**
 * The post step's cleanup, run as root through sudo when the post step is not (cleanupAsRoot):
 * end, unmount and remove what the build left in its (marked) work folder, hand the rest back.
 */
async function cleanup(workDir: unknown): Promise<number> {
  if (typeof workDir !== 'string' || !workDir)
    throw new InputError('--work-dir', 'is missing', 'Usage: rpi-build cleanup --work-dir DIR');
  const dir = resolve(workDir);
  const result: CleanupResult = { summary: '', remaining: [], removed: [] };
  if (!(await isMarked(dir))) {
    result.summary = `rpi-build cleanup: ${dir} has no rpi-build marker; nothing done there.`;
  } else {
    const report = await cleanupWorkDir(dir);
    result.summary = report.summary;
    result.remaining = report.remaining;
    if (report.remaining.length === 0) {
      result.removed = await removeBuildTrees(dir);
      await handBack([dir]);
    }
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

/** Runs one CLI command; resolves to the exit code (errors are thrown, the entry reports them). */
export async function run(argv: string[]): Promise<number> {
  const cli = parseCli(argv);
  if (cli.command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (cli.command === 'host-packages') return hostPackages(cli.positionals, cli.install);
  if (cli.command === 'cleanup') return cleanup(cli.overrides['work-dir']);
  if (cli.command === 'doctor' && !cli.overrides.target) cli.overrides.target = 'image';
  const config = await loadConfig({ overrides: cli.overrides, ...(cli.file ? { file: cli.file } : {}) });
  switch (cli.command) {
    case 'doctor': {
      const report = await runDoctor(config);
      process.stdout.write(cli.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatDoctor(report)}\n`);
      return report.ok ? 0 : 1;
    }
    case 'qemu': {
      const caches = cacheSession(config);
      const out = await setUpEmulation(config, caches);
      await caches.commit(noState);
      for (const [k, v] of Object.entries(out)) process.stdout.write(`${k}=${v}\n`);
      return 0;
    }
    case 'boot-test': {
      const image = cli.positionals[0];
      if (!image)
        throw new InputError(
          'IMAGE',
          'is missing',
          'Usage: rpi-build boot-test IMAGE [--arch arm64|armhf|armel]',
        );
      const { bootTestCommand } = await import('../boot/command.js');
      return bootTestCommand(image, config);
    }
    case 'image':
    case 'kernel':
    case 'build': {
      const report = newReport(config.target, config.arch, config.suite);
      // A sudo child of the action collects the post state for its parent to write.
      const state = cli.outputsFile && inActions() ? collectState() : undefined;
      let outputs: Record<string, string> = {};
      try {
        outputs = (await runPipeline(config, report, state ?? noState)).outputs;
        report.outcome = 'success';
      } catch (err) {
        report.outcome = 'failure';
        report.error = errorMessage(err);
        throw err;
      } finally {
        // Through sudo: what the user's post step and the runner must read or delete goes back.
        if (cli.outputsFile) {
          const workDir = resolve(config.workDir ?? defaultWorkDir());
          await handBack([join(workDir, 'logs'), join(workDir, 'cache')]);
          await handBack([workDir], { recursive: false });
          // The sudo hand-off reads this back, on failure too (phases for the summary).
          const back: ChildReport = {
            outputs,
            report: reportData(report),
            ...(state ? { state: state.collected } : {}),
          };
          await writeFile(cli.outputsFile, JSON.stringify(back));
        }
        const text = summaryText(report);
        if (text && !cli.outputsFile) process.stderr.write(`${text}\n`);
      }
      for (const [k, v] of Object.entries(outputs)) process.stdout.write(`${k}=${v}\n`);
      return 0;
    }
  }
}
