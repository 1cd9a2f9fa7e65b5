// target: kernel — cross-compiles a Raspberry Pi kernel: toolchain from the tool cache,
// ccache from the cache Store, out-of-tree build, outputs laid out for the boot partition.
import { readFile, rename, readdir, writeFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { BuildConfig } from '../config/schema.js';
import {
  ccacheEnv,
  ccacheKey,
  ccachePrefix,
  ccacheStats,
  packCcache,
  restoreCcache,
} from '../cache/ccache.js';
import { defaultCacheDir } from '../cache/local-store.js';
import { commitPending, type CacheReport } from '../cache/rootfs-step.js';
import { selectStore } from '../cache/select.js';
import type { PendingSave } from '../cache/store.js';
import { ensureHostPackages } from '../host/requirements.js';
import { writeSha256Sums } from '../image/checksums.js';
import { configureKernel, fragmentLines, parseConfigLines } from '../kernel/configure.js';
import { installKernel, listFiles } from '../kernel/install.js';
import { kmake, type MakeContext } from '../kernel/make.js';
import { BOARDS, boardFor } from '../kernel/presets.js';
import { prepareSource } from '../kernel/source.js';
import type { Outputs } from '../publish/outputs.js';
import type { RunReport } from '../publish/report.js';
import { exec } from '../runtime/exec.js';
import { inActions, logger } from '../runtime/log.js';
import { saveState } from '../runtime/state.js';
import { useToolCacheDir } from '../tools/tool-cache.js';
import { resolveToolchain } from '../tools/toolchain.js';
import { defaultWorkDir, freshDir, publishLocal } from './workspace.js';

/** What Kbuild itself runs on the host, by Debian package. */
export async function buildKernel(config: BuildConfig, report: RunReport): Promise<Outputs> {
  const log = logger();
  const phases = report.phases;
  const board = boardFor(config.board, config.arch[0]!);
  const preset = BOARDS[board];
  const karch = preset.karch;
  const defconfig = config.defconfig ?? preset.defconfig;
  const workDir = resolve(config.workDir ?? defaultWorkDir());
  if (inActions()) saveState('workDir', workDir);
  await phases.run('host-tools', 'Host tools', () => ensureHostPackages(['kernel'], config));
  await freshDir(workDir);
  const dirs = {
    build: join(workDir, 'build'),
    stage: join(workDir, 'stage'),
    logs: join(workDir, 'logs'),
    scratch: join(workDir, 'scratch'),
    ccache: join(workDir, 'ccache'),
  };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  const logFile = (name: string): string => join(dirs.logs, `${name}.log`);
  useToolCacheDir(config.cacheDir ?? defaultCacheDir());
  const store = config.cache ? selectStore(config) : undefined;
  const pending: PendingSave[] = [];

  const toolchain = await phases.run('toolchain', `Cross toolchain for ${karch}`, async () => {
    const t = await resolveToolchain({
      karch,
      toolchain: config.toolchain,
      ...(store ? { store } : {}),
      readOnly: config.cacheReadOnly,
      scratch: dirs.scratch,
      pending,
      logFile: logFile('toolchain'),
    });
    log.info(
      t.source === 'native'
        ? `native gcc ${t.version}: this arm64 host builds arm64 without a cross compiler`
        : `${t.prefix}gcc (${t.version}) from the ${t.source}: ${t.binDir}`,
    );
    return t;
  });
  const toolReport: CacheReport = {
    name: 'toolchain',
    status: toolchain.source === 'tool-cache' || toolchain.source === 'cache' ? 'hit' : 'miss',
    key: `${toolchain.prefix || 'native-'}gcc ${toolchain.version} (${toolchain.source})`,
  };
  report.caches.push(toolReport);

  const source = await phases.run('source', 'Kernel source', () =>
    prepareSource(config, karch, workDir, logFile('source')),
  );
  log.info(`kernel tree: ${source.origin}`);

  const ccache = config.ccache ? ccacheEnv(dirs.ccache, config.ccacheSize, workDir) : undefined;
  const ctx: MakeContext = {
    srcDir: source.dir,
    buildDir: dirs.build,
    karch,
    toolchain,
    ...(ccache ? { ccache } : {}),
    logFile: logFile('build'),
  };
  const prefix = ccachePrefix(karch, defconfig);
  // One path for restore and save: the Actions cache matches entries by their paths too.
  const ccacheTarball = join(dirs.scratch, 'ccache.tar.zst');
  if (ccache) {
    const r = store
      ? await restoreCcache(store, prefix, dirs.ccache, ccacheTarball)
      : { name: 'ccache', status: 'disabled' as const };
    report.caches.push(r);
    await exec('ccache', ['--zero-stats'], { env: ccache });
  }

  const configured = await phases.run(
    'configure',
    `Configure: ${defconfig}${config.kernelConfig.length ? ' + fragments' : ''}`,
    async () =>
      configureKernel(ctx, defconfig, await fragmentLines(config.kernelConfig, config.localversion)),
  );
  const kconfig = parseConfigLines((await readFile(join(dirs.build, '.config'), 'utf8')).split('\n'));
  const withModules = kconfig.get('CONFIG_MODULES') === 'y';
  const targets = [
    preset.makeTarget,
    ...(withModules ? ['modules'] : []),
    ...(kconfig.get('CONFIG_OF') === 'y' ? ['dtbs'] : []),
  ];

  await phases.run('build', `Build: make ${targets.join(' ')} (ARCH=${karch})`, async () => {
    await kmake(ctx, targets, { progress: 'kernel' });
  });
  let stats;
  if (ccache) {
    stats = await ccacheStats(ccache);
    const total = stats.hits + stats.misses;
    log.info(
      `ccache: ${stats.hits} hits, ${stats.misses} misses${total ? ` (${((100 * stats.hits) / total).toFixed(0)}% hit rate)` : ''}`,
    );
    report.facts.ccache = `${stats.hits} hits, ${stats.misses} misses`;
  }
  const release = (await kmake(ctx, ['kernelrelease'], { quiet: true })).stdout.trim().split('\n').pop()!;

  const installed = await phases.run('install', `Install: boot files, modules, config (${release})`, () =>
    installKernel(ctx, preset, release, dirs.stage, withModules),
  );
  const files = [...installed.files];
  if (config.kernelDebs) {
    await phases.run('debs', 'Debian packages (make bindeb-pkg)', async () => {
      await kmake(ctx, ['bindeb-pkg', `KDEB_PKGVERSION=${release}-1`], { progress: 'bindeb-pkg' });
      // bindeb-pkg writes next to the build folder.
      for (const f of await readdir(dirname(dirs.build)))
        if (f.endsWith('.deb')) {
          await rename(join(dirname(dirs.build), f), join(dirs.stage, f));
          files.push(join(dirs.stage, f));
        }
    });
  }
  const bootFiles = await listFiles(installed.bootDir);
  await writeSha256Sums(dirs.stage, [...files, ...bootFiles]);
  const outDir = resolve(config.outDir);
  await publishLocal([...files, installed.bootDir, join(dirs.stage, 'SHA256SUMS')], outDir);
  // Only now, with every file in place, is the build a success worth caching.
  if (ccache && store && !config.cacheReadOnly) {
    await packCcache(ccache, dirs.ccache, ccacheTarball, ccacheKey(karch, defconfig), prefix, pending);
  }
  await commitPending(store, pending);

  const placed = [
    ...files.map((f) => join(outDir, f.split('/').pop()!)),
    ...bootFiles.map((f) => join(outDir, 'boot', f.slice(installed.bootDir.length + 1))),
    join(outDir, 'SHA256SUMS'),
  ];
  await writeFile(join(dirs.logs, 'phases.txt'), `${phases.table()}\n`);
  const outputs: Outputs = {
    'kernel-release': release,
    'kernel-path': outDir,
    'cache-hit': String(report.caches.some((c) => c.name === 'ccache' && c.status === 'hit')),
  };
  Object.assign(report.facts, outputs, {
    board: `${board} (${preset.description})`,
    defconfig,
    'kernel-image': `boot/${preset.firmwareName}`,
    'device-trees': `${installed.dtbs} dtb, ${installed.overlays} overlays`,
    modules: String(installed.modules),
    ...(configured.dropped.length ? { 'config-dropped': configured.dropped.join(', ') } : {}),
  });
  report.facts.files = JSON.stringify(placed);
  return outputs;
}
