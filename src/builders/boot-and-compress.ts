// How every image builder ends: the boot test beside compression. The boot test only reads the
// image (its writes go to an overlay), so compression runs beside it; a failed boot discards
// the compressed file with everything else. The uncompressed image is removed once compressed.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { keepFailedConsole } from '../boot/failed-console.js';
import { machineLabel } from '../boot/machines.js';
import { bootTest } from '../boot/qemu.js';
import { compressImage } from '../image/compress.js';
import { logger } from '../runtime/log.js';
import type { BuildContext } from './context.js';
import { withDiskSpace } from './workspace.js';

export interface BootAndCompressed {
  compressed: string;
  /** The console log, when the image was booted. */
  bootLog?: string;
  /** The boot-test output: "passed in N s" or "skipped". */
  bootTest: string;
}

export async function bootAndCompress(
  { config, workDir, phases, facts }: BuildContext,
  image: string,
  opts: { bootLog: string; compressLog: string; account?: string },
): Promise<BootAndCompressed> {
  const arch = config.arch[0]!;
  const booting = config.bootTest
    ? phases.run('boot-test', `Boot test on ${machineLabel(arch, config.bootMachine)}`, async () => {
        const r = await bootTest({
          image,
          arch,
          machine: config.bootMachine,
          workDir,
          consoleLog: opts.bootLog,
          timeoutSeconds: config.bootTimeout,
          guest: {
            scripts: config.testScript,
            timeoutSeconds: config.testTimeout,
            username: config.username,
            ...(opts.account !== undefined ? { account: opts.account } : {}),
          },
        });
        Object.assign(facts, r.facts); // each test script's and built-in check's line, failed or not
        if (!r.passed) {
          const kept = await keepFailedConsole(opts.bootLog, join(workDir, 'logs'));
          throw new Error(
            `Boot test failed after ${r.seconds.toFixed(0)} s: ${r.detail}. Console log: ${kept}`,
          );
        }
        logger().info(
          `Boot test passed in ${r.seconds.toFixed(0)} s: "${r.detail}"${r.firstboot ? `; ${r.firstboot}` : ''}`,
        );
        return r;
      })
    : Promise.resolve(undefined);
  const compressing = phases.run('compress', `Compress (${config.compression})`, () =>
    withDiskSpace(workDir, 'compression', () =>
      compressImage(image, config.compression, { level: config.compressionLevel, logFile: opts.compressLog }),
    ),
  );
  const [boot, compressed] = await Promise.all([booting, compressing]);
  if (compressed !== image) await rm(image);
  return {
    compressed,
    ...(boot ? { bootLog: opts.bootLog } : {}),
    bootTest: boot ? `passed in ${boot.seconds.toFixed(0)} s` : 'skipped',
  };
}
