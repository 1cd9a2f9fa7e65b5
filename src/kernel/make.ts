// Runs the kernel's make with the cross compiler, ccache and reproducible build stamps,
// turning Kbuild's "  CC      path" lines into a progress line.
import { availableParallelism } from 'node:os';
import { exec, type ExecResult } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import type { KernelArch, Toolchain } from '../tools/toolchain.js';

export interface MakeContext {
  srcDir: string;
  buildDir: string;
  karch: KernelArch;
  toolchain: Toolchain;
  /** CCACHE_* variables, or undefined to compile without ccache. */
  ccache?: Record<string, string>;
  logFile: string;
}

export function makeEnv(ctx: MakeContext, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const epoch = env.SOURCE_DATE_EPOCH ?? '0';
  return {
    ...(ctx.toolchain.binDir ? { PATH: `${ctx.toolchain.binDir}:${env.PATH ?? '/usr/bin:/bin'}` } : {}),
    ...ctx.toolchain.env,
    ...(ctx.ccache ?? {}),
    // The same stamps every build: reproducible output and ccache hits on init/version.c.
    KBUILD_BUILD_TIMESTAMP: `@${epoch}`,
    KBUILD_BUILD_USER: 'rpi-build',
    KBUILD_BUILD_HOST: 'rpi-build',
    KBUILD_BUILD_VERSION: '1',
  };
}

export function makeArgs(ctx: MakeContext, targets: string[], jobs = availableParallelism()): string[] {
  const prefix = ctx.toolchain.prefix;
  return [
    '-C',
    ctx.srcDir,
    `O=${ctx.buildDir}`,
    `ARCH=${ctx.karch}`,
    `CROSS_COMPILE=${prefix}`,
    ...(ctx.ccache ? [`CC=ccache ${prefix}gcc`] : []),
    `-j${jobs}`,
    ...targets,
  ];
}

const KBUILD_LINE = /^\s{2}([A-Z][A-Z0-9_]*)\s+(\S+)/;

export async function kmake(
  ctx: MakeContext,
  targets: string[],
  opts: { quiet?: boolean; progress?: string } = {},
): Promise<ExecResult> {
  let steps = 0;
  return exec('make', [...(opts.quiet ? ['-s'] : []), ...makeArgs(ctx, targets)], {
    env: makeEnv(ctx),
    logFile: ctx.logFile,
    timeoutMs: 6 * 3_600_000,
    maxStdout: 1024 * 1024,
    ...(opts.progress
      ? {
          onLine: (line: string) => {
            const m = KBUILD_LINE.exec(line);
            if (m) logger().progress(`${opts.progress}: ${++steps} steps, ${m[1]} ${m[2]}`);
          },
        }
      : {}),
  });
}
