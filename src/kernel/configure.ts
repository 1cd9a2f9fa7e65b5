// .config: the board's defconfig (or an explicit one), fragments merged on top, olddefconfig
// to settle dependencies; then a check that every requested option survived.
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isFragmentLine } from '../config/kernel.js';
import { exec } from '../runtime/exec.js';
import { InputError } from '../runtime/errors.js';
import { logger } from '../runtime/log.js';
import { kmake, makeEnv, type MakeContext } from './make.js';
import { BUILTIN_CONFIGS } from './presets.js';

export async function checkDefconfig(srcDir: string, karch: string, name: string): Promise<void> {
  if (BUILTIN_CONFIGS.includes(name) || existsSync(join(srcDir, 'arch', karch, 'configs', name))) return;
  const have = (await readdir(join(srcDir, 'arch', karch, 'configs')).catch(() => [] as string[])).sort();
  throw new InputError(
    'defconfig',
    `"${name}" is not a defconfig of this tree for ARCH=${karch}`,
    `This tree has: ${[...have, ...BUILTIN_CONFIGS].join(', ')}. Pick one of them (or a board whose defconfig the tree has).`,
  );
}

/** Fragment lines from files and inline CONFIG_X=value items, in order. */
export async function fragmentLines(items: string[], localversion?: string): Promise<string[]> {
  const lines: string[] = [];
  for (const item of items) {
    if (isFragmentLine(item)) lines.push(item);
    else lines.push(...(await readFile(item, 'utf8')).split('\n'));
  }
  if (localversion !== undefined)
    lines.push(`CONFIG_LOCALVERSION="${localversion}"`, '# CONFIG_LOCALVERSION_AUTO is not set');
  return lines.map((l) => l.trim()).filter((l) => l.length > 0);
}

/** name -> value as .config writes it ("n" for "# CONFIG_X is not set"). */
export function parseConfigLines(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of lines) {
    const set = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(l);
    if (set) out.set(set[1]!, set[2]!);
    const unset = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(l);
    if (unset) out.set(unset[1]!, 'n');
  }
  return out;
}

export interface ConfigureResult {
  /** Requested options Kconfig dropped (a dependency is missing), as "CONFIG_X=y (got n)". */
  dropped: string[];
}

export async function configureKernel(
  ctx: MakeContext,
  defconfig: string,
  fragments: string[],
): Promise<ConfigureResult> {
  await checkDefconfig(ctx.srcDir, ctx.karch, defconfig);
  await kmake(ctx, [defconfig]);
  if (fragments.length === 0) return { dropped: [] };
  const fragment = join(ctx.buildDir, 'rpi-build.fragment');
  await writeFile(fragment, `${fragments.join('\n')}\n`);
  const config = join(ctx.buildDir, '.config');
  // merge_config.sh -m only merges; olddefconfig then resolves dependencies with the kernel's make.
  await exec(
    join(ctx.srcDir, 'scripts', 'kconfig', 'merge_config.sh'),
    ['-m', '-O', ctx.buildDir, config, fragment],
    { cwd: ctx.srcDir, env: { ...makeEnv(ctx), ARCH: ctx.karch }, logFile: ctx.logFile },
  );
  await kmake(ctx, ['olddefconfig']);
  const wanted = parseConfigLines(fragments);
  const got = parseConfigLines((await readFile(config, 'utf8')).split('\n'));
  const dropped: string[] = [];
  for (const [k, v] of wanted) {
    const actual = got.get(k) ?? 'n';
    if (actual !== v) dropped.push(`${k}=${v} (got ${actual})`);
  }
  if (dropped.length)
    logger().warn(
      `Kconfig did not keep ${dropped.length} requested option(s), a dependency is missing: ${dropped.join(', ')}`,
    );
  return { dropped };
}
