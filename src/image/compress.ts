// Compresses the image with the chosen tool, on every core or on the cores a boot test beside it
// leaves. The image is sparse and mostly zeros, so fast levels lose little. Figures:
// bench/compress.mjs.
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
 * Threads for compression beside a boot test: QEMU's emulated cores are the slower phase, so
 * compression takes all cores but one (at least one) and finishes within the boot instead of
 * slowing it. 0: every core (xz's and zstd's -T0).
 */
export const threadsBesideBoot = (cores: number): number => Math.max(1, cores - 1);

/**
 * Writes `<image><ext>` beside the image and returns its path; `none` returns the image itself.
 * `threads` (xz and zstd): how many; 0 or absent, one per core.
 */
export async function compressImage(
  image: string,
  how: Compression,
  logFile?: string,
  threads = 0,
): Promise<string> {
  if (how === 'none') return image;
  const [cmd, base] = await command(how);
  const args = base.map((a) => (a === '-T0' ? `-T${threads}` : a));
  const out = `${image}${EXTENSIONS[how]}`;
  await exec(cmd, [...args, image], {
    ...(logFile ? { logFile } : {}),
    onLine: (line) => {
      if (/%|MiB/.test(line)) logger().progress(`${how}: ${line.trim()}`);
    },
  });
  await stat(out); // fails loudly if the tool wrote elsewhere
  return out;
}
