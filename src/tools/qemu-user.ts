// QEMU user-mode emulators from the tool cache: when the host has no static qemu-*-static on
// PATH, the distribution's qemu-user-static package is fetched with apt-get download (no
// install, no root) and only the emulators rpi-build registers are kept. In Actions the
// tool-cache folder is also saved to the Actions cache, so the next runner needs no apt.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CacheStore, PendingSave } from '../cache/store.js';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import { cacheFromPackages, findTool, packTool, restoreTool, type CachedTool } from './tool-cache.js';

export const QEMU_TOOL = 'qemu-user-static';
/** The emulators kept: arm64 and 32-bit ARM (armhf and armel share qemu-arm). */
export const QEMU_BINARIES = ['usr/bin/qemu-aarch64-static', 'usr/bin/qemu-arm-static'];

export interface ToolOptions {
  store?: CacheStore;
  readOnly: boolean;
  /** Tool-cache entries to save after a successful build (Actions only). */
  pending: PendingSave[];
  /** A fixed folder: the Actions cache matches entries by path. */
  scratch: string;
}

async function qemuTool(opts: ToolOptions): Promise<CachedTool> {
  const found = findTool(QEMU_TOOL);
  if (found) return found;
  if (opts.store) {
    const restored = await restoreTool(QEMU_TOOL, opts.store, opts.scratch);
    if (restored) return restored;
  }
  const show = await exec('apt-cache', ['show', '--no-all-versions', QEMU_TOOL], { allowFailure: true });
  const version = show.stdout.match(/^Version: (.+)$/m)?.[1];
  if (show.exitCode !== 0 || !version) {
    throw new Error(
      `No static QEMU user-mode emulator on this host and no ${QEMU_TOOL} in its package lists. Install ${QEMU_TOOL} (or your distribution's static qemu-user package).`,
    );
  }
  logger().info(`fetching ${QEMU_TOOL} ${version} into the tool cache (apt-get download, not installed)`);
  const tool = await cacheFromPackages(
    QEMU_TOOL,
    [QEMU_TOOL],
    version,
    opts.scratch,
    undefined,
    QEMU_BINARIES,
  );
  if (opts.store?.kind === 'actions' && !opts.readOnly)
    await packTool(tool, QEMU_TOOL, opts.scratch, opts.pending);
  return tool;
}

/** Path of the static emulator for a machine, from the tool cache (filled on first use). */
export async function qemuFromToolCache(machine: 'aarch64' | 'arm', opts: ToolOptions): Promise<string> {
  const tool = await qemuTool(opts);
  const path = join(tool.dir, 'usr', 'bin', `qemu-${machine}-static`);
  if (!existsSync(path)) throw new Error(`the tool cache entry ${tool.dir} has no qemu-${machine}-static`);
  logger().info(`qemu-${machine}-static ${tool.version} from the ${tool.source}: ${path}`);
  return path;
}
