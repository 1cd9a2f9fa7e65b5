// Which host tools are present, where, and their versions.
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { exec } from '../runtime/exec.js';

export interface ToolInfo {
  name: string;
  path?: string;
  version?: string;
  /** The Debian package that provides it. */
  package: string;
}

/** Tools the pipeline uses, the package providing each, and how it prints its version. */
export const TOOLS: { name: string; package: string; versionArgs: string[] }[] = [
  { name: 'qemu-aarch64-static', package: 'qemu-user-static', versionArgs: ['--version'] },
  { name: 'qemu-arm-static', package: 'qemu-user-static', versionArgs: ['--version'] },
  { name: 'qemu-system-aarch64', package: 'qemu-system-arm', versionArgs: ['--version'] },
  { name: 'qemu-system-arm', package: 'qemu-system-arm', versionArgs: ['--version'] },
  { name: 'mmdebstrap', package: 'mmdebstrap', versionArgs: ['--version'] },
  { name: 'debootstrap', package: 'debootstrap', versionArgs: ['--version'] },
  { name: 'mkfs.vfat', package: 'dosfstools', versionArgs: ['--help'] },
  { name: 'mcopy', package: 'mtools', versionArgs: ['--version'] },
  { name: 'sfdisk', package: 'fdisk', versionArgs: ['--version'] },
  { name: 'mkfs.ext4', package: 'e2fsprogs', versionArgs: ['-V'] },
  { name: 'xz', package: 'xz-utils', versionArgs: ['--version'] },
  { name: 'zstd', package: 'zstd', versionArgs: ['--version'] },
  { name: 'bmaptool', package: 'bmap-tools', versionArgs: ['--version'] },
  { name: 'git', package: 'git', versionArgs: ['--version'] },
];

// sbin folders are not on an ordinary user's PATH, but their tools run fine without root.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

export async function which(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const dirs = [...(env.PATH ?? '').split(delimiter), ...EXTRA_DIRS].filter(Boolean);
  for (const d of dirs) {
    const p = join(d, name);
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

function firstVersionLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /\d+\.\d+/.test(l));
}

export async function probeTools(): Promise<ToolInfo[]> {
  return Promise.all(
    TOOLS.map(async (t) => {
      const path = await which(t.name);
      if (!path) return { name: t.name, package: t.package };
      const out = await tryVersion(path, t.versionArgs);
      return { name: t.name, package: t.package, path, ...(out ? { version: out } : {}) };
    }),
  );
}

async function tryVersion(path: string, args: string[]): Promise<string | undefined> {
  // Some tools print their version on stderr or exit non-zero for --help; take any line with a version.
  try {
    const r = await exec(path, args, { allowFailure: true, timeoutMs: 10_000 });
    return firstVersionLine(`${r.stdout}\n${r.stderr}`);
  } catch {
    return undefined;
  }
}
