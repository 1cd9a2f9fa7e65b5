// Compresses the image with the chosen tool, using every core. The image is sparse and
// mostly zeros, so fast levels lose little. Figures: bench/compress.mjs.
import { stat } from 'node:fs/promises';
import { which } from '../host/tools.js';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';

export type Compression = 'xz' | 'zstd' | 'gzip' | 'none';

export const EXTENSIONS: Record<Compression, string> = { xz: '.xz', zstd: '.zst', gzip: '.gz', none: '' };

// -T0: a thread per core. Threaded xz cuts the input into blocks, so its bytes differ from
// one-thread xz's (still one .xz stream that decompresses to the same image).
const COMMANDS: Record<Exclude<Compression, 'none'>, [string, string[]]> = {
  // -1: measured 2.4x faster than -3 on a default image for 8% more bytes.
  xz: ['xz', ['-T0', '-1', '--keep', '--force', '--verbose']],
  zstd: ['zstd', ['-T0', '-10', '--long=27', '--keep', '--force', '--sparse']],
  gzip: ['gzip', ['-6', '--keep', '--force']],
};

/** gzip through pigz when it is installed: the same .gz format on every core. */
async function command(how: Exclude<Compression, 'none'>): Promise<[string, string[]]> {
  if (how === 'gzip' && (await which('pigz'))) return ['pigz', COMMANDS.gzip[1]];
  return COMMANDS[how];
}

/**
 * The compressor's niceness. Compression has no deadline; the boot test that runs beside it
 * does: an emulated guest's kernel and systemd keep time by the host's clock, and a guest
 * starved of CPU by a compressor on every core and other jobs (a CI run) reached udev after
 * 8 minutes, then reported soft lockups until boot-timeout. Niced, the compressor takes what
 * the boot leaves; measured beside a Pi 3 boot, that cost no time (bench/boot-beside-compress.mjs).
 */
const NICENESS = '19';

/** Writes `<image><ext>` beside the image and returns its path; `none` returns the image itself. */
export async function compressImage(image: string, how: Compression, logFile?: string): Promise<string> {
  if (how === 'none') return image;
  const [cmd, args] = await command(how);
  const out = `${image}${EXTENSIONS[how]}`;
  // nice(1) runs the tool itself (no shell): its threads start at that niceness.
  await exec('nice', ['-n', NICENESS, cmd, ...args, image], {
    ...(logFile ? { logFile } : {}),
    onLine: (line) => {
      if (/%|MiB/.test(line)) logger().progress(`${how}: ${line.trim()}`);
    },
  });
  await stat(out); // fails loudly if the tool wrote elsewhere
  return out;
}
