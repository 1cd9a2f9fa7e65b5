// The kernel -> image -> boot loop end to end, cold (empty cache folder: cross gcc from the
// packages, empty ccache, root filesystem built) and warm (the same again: toolchain and ccache
// hit, root filesystem restored), side by side by phase with the time to the login prompt.
// Debian's linux-source, arm64 tinyconfig plus examples/kernel-boot-arm64.config, installed
// into the default image with --kernel-dir and booted on the Pi 3 board.
// Run as root: node bench/run.mjs kernel-image [/usr/src/linux-source-X.tar.xz] [--boot-machine virt]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINUX_SOURCE } from '../__tests__/support/kernel-builds.js';
import { printSideBySide, runCli, type Run } from './cold-warm.js';

const args = process.argv.slice(2);
const machineAt = args.indexOf('--boot-machine');
const machine = machineAt >= 0 ? args.splice(machineAt, 2)[1]! : 'pi';
const source = args[0] ?? LINUX_SOURCE;
const dir = mkdtempSync(join(tmpdir(), 'rpi-bench-kernel-image-'));
const cacheDir = join(dir, 'cache');
const env = { ...process.env, RUNNER_TOOL_CACHE: '' };

/** One turn of the loop: the kernel, then the image carrying it (booted); phases prefixed. */
function loop(name: string): Run & { login: string } {
  const kernelOut = join(dir, `kernel-${name}`);
  const kernel = runCli(
    `${name} kernel`,
    join(dir, `work-kernel-${name}`),
    [
      'kernel',
      '--kernel-path',
      source,
      '--defconfig',
      'tinyconfig',
      '--kernel-config',
      'examples/kernel-boot-arm64.config',
      '--out',
      kernelOut,
      '--cache-dir',
      cacheDir,
    ],
    env,
  );
  const image = runCli(
    `${name} image`,
    join(dir, `work-image-${name}`),
    [
      'image',
      '--kernel-dir',
      kernelOut,
      '--boot-machine',
      machine,
      '--out',
      join(dir, `out-${name}`),
      '--cache-dir',
      cacheDir,
    ],
    env,
  );
  const phases = new Map<string, number>();
  for (const [p, s] of kernel.phases) phases.set(`k:${p}`, s);
  for (const [p, s] of image.phases) phases.set(`i:${p}`, s);
  const login = /login prompt after (\d+) s/.exec(image.stdout)?.[1] ?? '?';
  return { phases, total: kernel.total + image.total, stdout: kernel.stdout + image.stdout, login };
}

const cold = loop('cold');
const warm = loop('warm');
printSideBySide(
  `Kernel -> image -> boot (${source.split('/').pop()}, tinyconfig + kernel-boot-arm64.config, default image, boot-machine ${machine}), wall time by phase (k: kernel, i: image):`,
  cold,
  warm,
);
const hits = (s: string) => /ccache: .*/.exec(s)?.[0] ?? 'ccache: ?';
console.log(`cold ${hits(cold.stdout)}; warm ${hits(warm.stdout)}`);
console.log(`login prompt after: cold ${cold.login} s, warm ${warm.login} s (boot-machine ${machine})`);
rmSync(dir, { recursive: true, force: true });
