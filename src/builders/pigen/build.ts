// builder: pi-gen — Raspberry Pi OS images made by upstream pi-gen, run natively as root
// without Docker. Everything pi-gen writes (its WORK_DIR, DEPLOY_DIR, the clone) lives in
// rpi-build's work folder, which the post step unmounts and cleans.
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { commitPending } from '../../cache/rootfs-step.js';
import { selectStore } from '../../cache/select.js';
import type { PendingSave } from '../../cache/store.js';
import type { BuildConfig } from '../../config/schema.js';
import { writeSha256Sums } from '../../image/checksums.js';
import { compressImage } from '../../image/compress.js';
import type { Outputs } from '../../publish/outputs.js';
import type { RunReport } from '../../publish/report.js';
import { InputError } from '../../runtime/errors.js';
import { inActions, logger } from '../../runtime/log.js';
import { saveState } from '../../runtime/state.js';
import { defaultWorkDir, publishLocal, withDiskSpace } from '../workspace.js';
import { cleanBeforeBuild } from './clean.js';
import { writePiGenConfig } from './config.js';
import { ensureDepends } from './depends.js';
import { fetchPiGen } from './fetch.js';
import { runPiGen } from './run.js';
import { packStage0, restoreStage0, stage0Keys, startsWithStage0 } from './stage0-cache.js';

export interface PiGenDirs {
  work: string;
  tree: string;
  piGenWork: string;
  deploy: string;
  stages: string;
  bin: string;
  logs: string;
  configFile: string;
}

export function piGenDirs(workDir: string): PiGenDirs {
  return {
    work: workDir,
    tree: join(workDir, 'pi-gen'),
    piGenWork: join(workDir, 'pi-gen-work'),
    deploy: join(workDir, 'pi-gen-deploy'),
    stages: join(workDir, 'pi-gen-stages'),
    bin: join(workDir, 'bin'),
    logs: join(workDir, 'logs'),
    configFile: join(workDir, 'pi-gen-config'),
  };
}

/** The stage names as folders: the user's (copied from pi-gen-stages-dir) before pi-gen's own. */
export async function resolveStages(config: BuildConfig, tree: string, copies: string): Promise<string[]> {
  const paths: string[] = [];
  for (const name of config.stages) {
    const mine = config.piGenStagesDir !== undefined ? join(resolve(config.piGenStagesDir), name) : undefined;
    if (mine && (await stat(mine).catch(() => undefined))?.isDirectory()) {
      await mkdir(copies, { recursive: true });
      await cp(mine, join(copies, name), { recursive: true, preserveTimestamps: true });
      paths.push(join(copies, name));
    } else if ((await stat(join(tree, name)).catch(() => undefined))?.isDirectory()) {
      paths.push(join(tree, name));
    } else {
      throw new InputError(
        'stages',
        `"${name}" is neither a stage of pi-gen (${tree})${config.piGenStagesDir !== undefined ? ` nor a folder in pi-gen-stages-dir (${config.piGenStagesDir})` : ''}`,
        "Name pi-gen's stages (stage0 … stage5) or folders of pi-gen-stages-dir.",
      );
    }
  }
  return paths;
}

function accountOf(config: BuildConfig): NonNullable<Outputs['account']> {
  const pw = config.password !== undefined;
  const key = config.sshAuthorizedKeys.length > 0;
  return pw && key ? 'password+ssh-key' : pw ? 'password' : key ? 'ssh-key' : 'locked';
}

export async function buildPiGenImage(config: BuildConfig, report: RunReport): Promise<Outputs> {
  const arch = config.arch[0]!;
  const workDir = resolve(config.workDir ?? defaultWorkDir());
  const dirs = piGenDirs(workDir);
  const phases = report.phases;
  // Saved first: the post step unmounts and detaches below it even if pi-gen is killed.
  if (inActions()) saveState('workDir', workDir);
  const cleaned = await cleanBeforeBuild(workDir, dirs.piGenWork);
  if (cleaned.debootstrap.length) report.facts['pi-gen-cleaned'] = cleaned.debootstrap.join(', ');
  await mkdir(dirs.logs, { recursive: true });

  const tree = await phases.run('pi-gen-fetch', 'pi-gen: get the build scripts', async () => {
    const t = await fetchPiGen(config, dirs.tree, join(dirs.logs, 'pi-gen-fetch.log'));
    logger().info(`pi-gen: ${t.source}${t.commit ? ` (${t.commit})` : ''}`);
    return t;
  });
  report.facts['pi-gen'] = `${tree.source}${tree.commit ? ` ${tree.commit}` : ''}`;
  const deps = await phases.run('host-tools', "Host tools: pi-gen's depends", () =>
    ensureDepends(tree.dir, dirs.bin),
  );
  const stages = await resolveStages(config, tree.dir, dirs.stages);

  // stage0's root from the cache: pi-gen then skips debootstrap (see stage0-cache.ts).
  const store = config.cache ? selectStore(config) : undefined;
  const pending: PendingSave[] = [];
  const stage0 = {
    root: join(dirs.piGenWork, 'stage0', 'rootfs'),
    tarball: join(workDir, 'cache', 'pi-gen-stage0.tar.zst'),
    log: join(dirs.logs, 'pi-gen-cache.log'),
  };
  const cached =
    store && startsWithStage0(stages)
      ? await phases.run('pi-gen-cache', 'pi-gen: stage0 from the cache', async () => {
          const keys = await stage0Keys(stages[0]!, tree.dir, arch, config);
          await mkdir(dirname(stage0.tarball), { recursive: true });
          const r = await restoreStage0(store, keys, stage0.tarball, stage0.root, stage0.log);
          report.caches.push(r);
          return { keys, report: r };
        })
      : undefined;
  const paths = { work: dirs.piGenWork, deploy: dirs.deploy, stages };
  const removeConfig = await writePiGenConfig(dirs.configFile, config, paths);
  let result;
  try {
    result = await phases.run('pi-gen', `pi-gen: ${config.stages.join(' ')} (${arch})`, () =>
      withDiskSpace(workDir, 'pi-gen', () =>
        runPiGen({
          dir: tree.dir,
          configFile: dirs.configFile,
          work: dirs.piGenWork,
          deploy: dirs.deploy,
          arch,
          logFile: join(dirs.logs, 'pi-gen.log'),
          outsideStages: stages.filter((s) => s.startsWith(`${dirs.stages}/`)),
          env: {
            ...(deps.binDir ? { PATH: `${deps.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}` } : {}),
            ...(tree.commit ? { GIT_HASH: tree.commit } : {}),
          },
        }),
      ),
    );
  } finally {
    await removeConfig();
    // pi-gen's own log (Begin/End lines only) goes with the diagnostics.
    const buildLog = join(dirs.piGenWork, 'build.log');
    if (existsSync(buildLog))
      await writeFile(join(dirs.logs, 'pi-gen-build.log'), await readFile(buildLog)).catch(() => undefined);
  }

  // Only a build that succeeded is worth caching.
  if (cached && !config.cacheReadOnly)
    await packStage0(cached.report, cached.keys, stage0.root, stage0.tarball, stage0.log, pending);

  let image = result.image;
  const others = result.deployed.filter((f) => f !== image);
  if (config.compression === 'zstd') {
    // pi-gen has no zstd: it deployed the bare .img, compressed here.
    const raw = image;
    image = await phases.run('compress', 'Compress (zstd)', () =>
      withDiskSpace(workDir, 'compression', () =>
        compressImage(raw, 'zstd', join(dirs.logs, 'compress.log')),
      ),
    );
    await rm(raw);
  }
  const files = [image, ...others];
  const sums = await writeSha256Sums(dirs.deploy, files);
  const placed = await publishLocal([...files, join(dirs.deploy, 'SHA256SUMS')], resolve(config.outDir));
  await commitPending(store, pending);
  const imagePath = placed[0]!;
  const info = placed.find((f) => f.endsWith('.info'));
  const packages = info
    ? (await readFile(info, 'utf8')).split('\n').filter((l) => l.startsWith('ii ')).length
    : undefined;
  const outputs: Outputs = {
    'image-path': imagePath,
    'image-sha256': sums[basename(image)]!,
    'image-size': String((await stat(imagePath)).size),
    ...(packages !== undefined ? { 'package-count': String(packages) } : {}),
    account: accountOf(config),
    'boot-test': 'skipped (builder pi-gen)',
    'cache-hit': String(cached?.report.status === 'hit'),
  };
  Object.assign(report.facts, outputs);
  report.facts['pi-gen-stages'] = result.stages.map((s) => `${s.name} ${s.seconds.toFixed(0)} s`).join(', ');
  report.facts.files = JSON.stringify(placed);
  return outputs;
}
