// `rpi-build boot-test IMAGE [--test-script FILE]`: the same boot test the build runs (built-in
// checks, the user's scripts), on any image file (raw, or compressed with xz, zstd or gzip,
// which is unpacked to a scratch copy first).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BuildConfig } from '../config/schema.js';
import { exec } from '../runtime/exec.js';
import { InputError } from '../runtime/errors.js';
import { logger } from '../runtime/log.js';
import { machineLabel } from './machines.js';
import { bootTest } from './qemu.js';

const DECOMPRESS: Record<string, [string, string[]]> = {
  '.xz': ['xz', ['-dc', '-T0']],
  '.zst': ['zstd', ['-dc']],
  '.gz': ['gzip', ['-dc']],
};

export async function bootTestCommand(image: string, config: BuildConfig): Promise<number> {
  const st = await stat(image).catch(() => undefined);
  if (!st?.isFile())
    throw new InputError(
      'IMAGE',
      `"${image}" is not a file`,
      'Give the path of an .img (or .img.xz, .img.zst, .img.gz).',
    );
  const arch = config.arch[0]!;
  const work = await mkdtemp(join(tmpdir(), 'rpi-build-boot-'));
  try {
    let raw = image;
    const ext = Object.keys(DECOMPRESS).find((e) => image.endsWith(e));
    if (ext) {
      const [cmd, args] = DECOMPRESS[ext]!;
      raw = join(work, basename(image, ext));
      await logger().group(`Decompressing ${basename(image)}`, () =>
        exec(cmd, [...args, image], { stdoutFile: raw }),
      );
    }
    const consoleLog = join(process.cwd(), `${basename(raw, '.img')}.boot.log`);
    const r = await logger().group(`Boot test (${arch}) on ${machineLabel(arch, config.bootMachine)}`, () =>
      bootTest({
        image: raw,
        arch,
        machine: config.bootMachine,
        workDir: work,
        consoleLog,
        timeoutSeconds: config.bootTimeout,
        // Any image: the first user's state is reported, not compared with a build's.
        guest: { scripts: config.testScript, timeoutSeconds: config.testTimeout, username: config.username },
      }),
    );
    const line = `${r.passed ? 'PASSED' : 'FAILED'} after ${r.seconds.toFixed(0)} s: ${r.detail} (console log: ${consoleLog})`;
    if (r.passed) logger().info(line);
    else logger().error(line);
    return r.passed ? 0 : 1;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
