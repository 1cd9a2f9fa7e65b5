// Compresses the image with the chosen tool, using every core. The image is sparse and
// mostly zeros, so fast levels lose little. Figures: bench/compress.mjs.
import { stat } from 'node:fs/promises';
import { compressionLevel, type COMPRESSIONS } from '../config/options.js';
import { which } from '../host/tools.js';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';

export type Compression = (typeof COMPRESSIONS)[number];

export const EXTENSIONS: Record<Compression, string> = { xz: '.xz', zstd: '.zst', gzip: '.gz', none: '' };

// -T0: a thread per core. Threaded xz cuts the input into blocks, so its bytes differ from
// one-thread xz's (still one .xz stream that decompresses to the same image). The level comes
// last (compression-level, or the tool's default: config/options.ts, COMPRESSION_LEVELS).
const COMMANDS: Record<Exclude<Compression, 'none'>, [string, string[]]> = {
  xz: ['xz', ['-T0', '--keep', '--force', '--verbose']],
  // --long=27: a 128 MiB window finds the kernel and firmware the image holds twice (root and FAT).
  zstd: ['zstd', ['-T0', '--long=27', '--keep', '--force', '--sparse']],
  gzip: ['gzip', ['--keep', '--force']],
};

/** The tool and its arguments at that level; gzip through pigz when installed (the same .gz on every core). */
async function command(how: Exclude<Compression, 'none'>, level?: number): Promise<[string, string[]]> {
  const [tool, args] = COMMANDS[how];
  const withLevel = [...args, `-${compressionLevel(how, level)}`];
  if (how === 'gzip' && (await which('pigz'))) return ['pigz', withLevel];
  return [tool, withLevel];
}

/**
 * The compressor's niceness. Compression has no deadline; the boot test that runs beside it
 * does: an emulated guest's kernel and systemd keep time by the host's clock, and a guest
 * starved of CPU by a compressor on every core and other jobs (a CI run) reached udev after
 * 8 minutes, then reported soft lockups until boot-timeout. Niced, the compressor takes what
 * the boot leaves; measured beside a Pi 3 boot, that cost no time (bench/boot-beside-compress.mjs).
 */
const NICENESS = '19';

export interface CompressOptions {
  /** compression-level; the tool's default when left out. */
  level?: number;
  logFile?: string;
}

/** Writes `<image><ext>` beside the image and returns its path; `none` returns the image itself. */
export async function compressImage(
  image: string,
  how: Compression,
  opts: CompressOptions = {},
): Promise<string> {
  if (how === 'none') return image;
  const [cmd, args] = await command(how, opts.level);
  const { logFile } = opts;
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
