// target: kernel — cross-compiles a Raspberry Pi kernel: toolchain from the tool cache,
// ccache from the cache Store, out-of-tree build, outputs laid out for the boot partition.
import { mkdir, readFile, readdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ccacheEntry, ccacheEnv, ccacheStats } from '../cache/ccache.js';
import { ensureHostPackages } from '../host/requirements.js';
import { configureKernel, fragmentLines, parseConfigLines } from '../kernel/configure.js';
import { installKernel } from '../kernel/install.js';
import { kmake, type MakeContext } from '../kernel/make.js';
import { BOARDS, boardFor } from '../kernel/presets.js';
import { prepareSource } from '../kernel/source.js';
import { bootKernel, type KernelBootResult } from '../boot/kernel-boot.js';
import { keepFailedConsole } from '../boot/failed-console.js';
import { PI_BOARD, machineLabel } from '../boot/machines.js';
import type { Arch } from '../config/schema.js';
import { InputError } from '../runtime/errors.js';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import { resolveToolchain } from '../tools/toolchain.js';
import type { BuildContext, Builder, Product } from './context.js';

/** The device tree of QEMU's Pi board for the arch, under the upstream or the Raspberry Pi kernel's name. */
async function boardDtb(bootDir: string, arch: Arch): Promise<string> {
  const board = PI_BOARD[arch];
  const names = await readdir(bootDir);
  const found = [board.dtb, board.forkDtb].find((n) => names.includes(n));
  if (!found)
    throw new InputError(
      'boot-machine',
      `the kernel build made neither ${board.dtb} nor ${board.forkDtb}, the device tree of QEMU's ${board.machine}`,
      "Build the board's device trees (the Pi presets do), or set boot-machine virt.",
    );
  return join(bootDir, found);
}

/** A cross-compiled kernel laid out for the boot partition; the pipeline publishes it. */
export const kernelBuilder: Builder = {
  // What Kbuild itself runs on the host, by Debian package.
  hostTools: ({ config }) => ensureHostPackages(['kernel'], config).then(() => undefined),
  build: buildKernel,
};

async function buildKernel({ config, workDir, phases, caches, facts }: BuildContext): Promise<Product> {
  const log = logger();
  const board = boardFor(config.board, config.arch[0]!);
  const preset = BOARDS[board];
  const karch = preset.karch;
  const defconfig = config.defconfig ?? preset.defconfig;
  const dirs = {
    build: join(workDir, 'build'),
    stage: join(workDir, 'stage'),
    logs: join(workDir, 'logs'),
    scratch: join(workDir, 'scratch'),
    ccache: join(workDir, 'ccache'),
  };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  const logFile = (name: string): string => join(dirs.logs, `${name}.log`);

  const toolchain = await phases.run('toolchain', `Cross toolchain for ${karch}`, async () => {
    const t = await resolveToolchain({
      karch,
      toolchain: config.toolchain,
      caches,
      scratch: dirs.scratch,
      logFile: logFile('toolchain'),
    });
    log.info(
      t.source === 'native'
        ? `native gcc ${t.version}: this arm64 host builds arm64 without a cross compiler`
        : `${t.prefix}gcc (${t.version}) from the ${t.source}: ${t.binDir}`,
    );
    return t;
  });
  caches.reports.push({
    name: 'toolchain',
    status: toolchain.source === 'tool-cache' || toolchain.source === 'cache' ? 'hit' : 'miss',
    key: `${toolchain.prefix || 'native-'}gcc ${toolchain.version} (${toolchain.source})`,
  });

  const source = await phases.run('source', 'Kernel source', () =>
    prepareSource(config, karch, workDir, logFile('source')),
  );
  log.info(`kernel tree: ${source.origin}`);
  facts['kernel-source'] = source.origin;

  const ccache = config.ccache ? ccacheEnv(dirs.ccache, config.ccacheSize, workDir) : undefined;
  const ctx: MakeContext = {
    srcDir: source.dir,
    buildDir: dirs.build,
    karch,
    toolchain,
    ...(ccache ? { ccache } : {}),
    logFile: logFile('build'),
  };
  const ccacheCache = ccache
    ? ccacheEntry(karch, defconfig, dirs.ccache, join(dirs.scratch, 'ccache.tar.zst'), ccache)
    : undefined;
  const ccacheRestored = ccacheCache ? await caches.restore(ccacheCache) : undefined;
  if (ccache) await exec('ccache', ['--zero-stats'], { env: ccache });

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
  if (ccache) {
    const stats = await ccacheStats(ccache);
    const total = stats.hits + stats.misses;
    log.info(
      `ccache: ${stats.hits} hits, ${stats.misses} misses${total ? ` (${((100 * stats.hits) / total).toFixed(0)}% hit rate)` : ''}`,
    );
    facts.ccache = `${stats.hits} hits, ${stats.misses} misses`;
  }
  const release = (await kmake(ctx, ['kernelrelease'], { quiet: true })).stdout.trim().split('\n').pop()!;

  const installed = await phases.run('install', `Install: boot files, modules, config (${release})`, () =>
    installKernel(ctx, preset, release, dirs.stage, withModules),
  );
  const files = [...installed.files];
  // Asked for (boot-test: true): the kernel must start and run /init before anything is published.
  let booted: KernelBootResult | undefined;
  if (config.bootTest) {
    const consoleLog = join(dirs.stage, 'boot-test.log');
    booted = await phases.run(
      'boot-test',
      `Boot test: the kernel on ${machineLabel(config.arch[0]!, config.bootMachine)}`,
      async () => {
        const r = await bootKernel({
          kernel: join(installed.bootDir, preset.firmwareName),
          arch: config.arch[0]!,
          machine: config.bootMachine,
          ...(config.bootMachine === 'pi' ? { dtb: await boardDtb(installed.bootDir, config.arch[0]!) } : {}),
          workDir,
          consoleLog,
          timeoutSeconds: config.bootTimeout,
        });
        if (!r.passed) {
          const kept = await keepFailedConsole(consoleLog, dirs.logs);
          throw new Error(
            `Kernel boot test failed after ${r.seconds.toFixed(0)} s: ${r.detail}. Console log: ${kept}`,
          );
        }
        log.info(`Kernel boot test passed in ${r.seconds.toFixed(0)} s: ${r.detail}`);
        return r;
      },
    );
    files.push(consoleLog);
  }
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
  // Trimmed and packed now; saved only once the pipeline has published the kernel.
  if (ccacheCache) await caches.save(ccacheCache, ccacheRestored);

  Object.assign(facts, {
    board: `${board} (${preset.description})`,
    defconfig,
    'kernel-image': `boot/${preset.firmwareName}`,
    'device-trees': `${installed.dtbs} dtb, ${installed.overlays} overlays`,
    modules: String(installed.modules),
    ...(configured.dropped.length ? { 'config-dropped': configured.dropped.join(', ') } : {}),
  });
  return {
    files: [...files, installed.bootDir],
    dir: dirs.stage,
    outputs: {
      'kernel-release': release,
      'cache-hit': String(ccacheRestored?.report.status === 'hit'),
      'boot-test': booted ? `passed in ${booted.seconds.toFixed(0)} s` : 'skipped',
    },
  };
}
