// QEMU user-mode emulators from the tool cache: when the host has no static qemu-*-static on
// PATH, the distribution's qemu-user-static package is fetched with apt-get download (no
// install, no root) and only the emulators rpi-build registers are kept. In Actions the
// tool-cache folder is also saved to the Actions cache, so the next runner needs no apt.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { candidateVersion } from '../host/packages.js';
import { logger } from '../runtime/log.js';
import { cacheFromPackages, obtainTool, type CachedTool, type ToolSources } from './tool-cache.js';

export const QEMU_TOOL = 'qemu-user-static';
/** The emulators kept: arm64 and 32-bit ARM (armhf and armel share qemu-arm). */
export const QEMU_BINARIES = ['usr/bin/qemu-aarch64-static', 'usr/bin/qemu-arm-static'];

export type ToolOptions = ToolSources;

async function qemuTool(opts: ToolOptions): Promise<CachedTool> {
  return obtainTool(QEMU_TOOL, opts, async () => {
    const version = await candidateVersion(QEMU_TOOL);
    if (!version) {
      throw new Error(
        `No static QEMU user-mode emulator on this host and no ${QEMU_TOOL} in its package lists. Install ${QEMU_TOOL} (or your distribution's static qemu-user package).`,
      );
    }
    logger().info(`fetching ${QEMU_TOOL} ${version} into the tool cache (apt-get download, not installed)`);
    return cacheFromPackages(QEMU_TOOL, [QEMU_TOOL], version, opts.scratch, undefined, QEMU_BINARIES);
  });
}

/** Path of the static emulator for a machine, from the tool cache (filled on first use). */
export async function qemuFromToolCache(machine: 'aarch64' | 'arm', opts: ToolOptions): Promise<string> {
  const tool = await qemuTool(opts);
  const path = join(tool.dir, 'usr', 'bin', `qemu-${machine}-static`);
  if (!existsSync(path)) throw new Error(`the tool cache entry ${tool.dir} has no qemu-${machine}-static`);
  logger().info(`qemu-${machine}-static ${tool.version} from the ${tool.source}: ${path}`);
  return path;
}
