// The kernel build, cold (empty cache folder: cross gcc from the distribution's packages,
// empty ccache) and warm (same config, the tool cache and ccache filled by the cold run),
// side by side by phase. Debian's linux-source tarball, arm64 tinyconfig plus the CI fragment.
// Run: node bench/run.mjs kernel [/usr/src/linux-source-X.tar.xz]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINUX_SOURCE } from '../__tests__/support/kernel-builds.js';
import { printSideBySide, runCli, type Run } from './cold-warm.js';

const source = process.argv[2] ?? LINUX_SOURCE;
const dir = mkdtempSync(join(tmpdir(), 'rpi-bench-kernel-'));
const cacheDir = join(dir, 'cache');

function build(name: string): Run {
  return runCli(
    name,
    join(dir, `work-${name}`),
    [
      'kernel',
      '--kernel-path',
      source,
      '--defconfig',
      'tinyconfig',
      '--kernel-config',
      '__tests__/fixtures/kernel-ci.config',
      '--out',
      join(dir, `out-${name}`),
      '--cache-dir',
      cacheDir,
    ],
    { ...process.env, RUNNER_TOOL_CACHE: '' },
  );
}

const cold = build('cold');
const warm = build('warm');
printSideBySide(
  `Kernel build (${source.split('/').pop()}, arm64 tinyconfig + fragment), wall time by phase:`,
  cold,
  warm,
);
const hits = (s: string) => /ccache: .*/.exec(s)?.[0] ?? 'ccache: ?';
console.log(`cold ${hits(cold.stdout)}; warm ${hits(warm.stdout)}`);
console.log('(toolchain: cold unpacks the cross gcc packages into the tool cache, warm finds it there)');
rmSync(dir, { recursive: true, force: true });
