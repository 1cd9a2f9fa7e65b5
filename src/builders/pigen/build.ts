// builder: pi-gen — Raspberry Pi OS images made by upstream pi-gen, run natively as root
// without Docker. Everything pi-gen writes (its WORK_DIR, DEPLOY_DIR, the clone) lives in
// rpi-build's work folder, which the post step unmounts and cleans.
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BuildConfig } from '../../config/schema.js';
import { compressImage } from '../../image/compress.js';
import type { Outputs } from '../../publish/outputs.js';
import { InputError } from '../../runtime/errors.js';
import { logger } from '../../runtime/log.js';
import type { BuildContext, Builder, Product } from '../context.js';
import { withDiskSpace } from '../workspace.js';
import { staleDebootstrap } from './clean.js';
import { writePiGenConfig } from './config.js';
import { ensureDepends } from './depends.js';
import { fetchPiGen } from './fetch.js';
import { runPiGen } from './run.js';
import { hasStage0Root, stage0Entry, stage0Keys, startsWithStage0 } from './stage0-cache.js';

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

/** Upstream pi-gen run natively; the pipeline publishes what it deployed. */
export const piGenBuilder: Builder = {
  // pi-gen would skip debootstrap over a half-made stage root: say what an earlier failed
  // build left before the pipeline empties the work folder.
  inspect: async ({ workDir, facts }) => {
    const stale = await staleDebootstrap(piGenDirs(workDir).piGenWork);
    for (const d of stale)
      logger().info(
        `removing ${d}, left by an earlier failed debootstrap (pi-gen would reuse the broken rootfs)`,
      );
    if (stale.length) facts['pi-gen-cleaned'] = stale.join(', ');
  },
  build: buildPiGenImage,
};

async function buildPiGenImage({ config, workDir, phases, caches, facts }: BuildContext): Promise<Product> {
  const arch = config.arch[0]!;
  const dirs = piGenDirs(workDir);
  await mkdir(dirs.logs, { recursive: true });

  const tree = await phases.run('pi-gen-fetch', 'pi-gen: get the build scripts', async () => {
    const t = await fetchPiGen(config, dirs.tree, join(dirs.logs, 'pi-gen-fetch.log'));
    logger().info(`pi-gen: ${t.source}${t.commit ? ` (${t.commit})` : ''}`);
    return t;
  });
  facts['pi-gen'] = `${tree.source}${tree.commit ? ` ${tree.commit}` : ''}`;
  const deps = await phases.run('host-tools', "Host tools: pi-gen's depends", () =>
    ensureDepends(tree.dir, dirs.bin),
  );
  const stages = await resolveStages(config, tree.dir, dirs.stages);

  // stage0's root from the cache: pi-gen then skips debootstrap (see stage0-cache.ts).
  const stage0Paths = {
    root: join(dirs.piGenWork, 'stage0', 'rootfs'),
    tarball: join(workDir, 'cache', 'pi-gen-stage0.tar.zst'),
    log: join(dirs.logs, 'pi-gen-cache.log'),
  };
  const stage0 =
    caches.store && startsWithStage0(stages)
      ? await phases.run('pi-gen-cache', 'pi-gen: stage0 from the cache', async () => {
          const entry = stage0Entry(await stage0Keys(stages[0]!, tree.dir, arch, config), stage0Paths);
          return { entry, restored: await caches.restore(entry) };
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
  if (stage0 && caches.wants(stage0.entry, stage0.restored)) {
    if (await hasStage0Root(stage0Paths.root)) await caches.save(stage0.entry, stage0.restored);
    else logger().warn(`pi-gen left no stage0 root at ${stage0Paths.root}; nothing to cache`);
  }

  let image = result.image;
  const others = result.deployed.filter((f) => f !== image);
  if (config.compression === 'zstd') {
    // pi-gen has no zstd: it deployed the bare .img, compressed here.
    const raw = image;
    image = await phases.run('compress', 'Compress (zstd)', () =>
      withDiskSpace(workDir, 'compression', () =>
        compressImage(raw, 'zstd', {
          level: config.compressionLevel,
          logFile: join(dirs.logs, 'compress.log'),
        }),
      ),
    );
    await rm(raw);
  }
  const info = others.find((f) => f.endsWith('.info'));
  const packages = info
    ? (await readFile(info, 'utf8')).split('\n').filter((l) => l.startsWith('ii ')).length
    : undefined;
  facts['pi-gen-stages'] = result.stages.map((s) => `${s.name} ${s.seconds.toFixed(0)} s`).join(', ');
  return {
    files: [image, ...others],
    dir: dirs.deploy,
    outputs: {
      ...(packages !== undefined ? { 'package-count': String(packages) } : {}),
      account: accountOf(config),
      'boot-test': 'skipped (builder pi-gen)',
      'cache-hit': String(stage0?.restored.report.status === 'hit'),
    },
  };
}
