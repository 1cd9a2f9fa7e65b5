// pi-gen's own `depends` file: one `tool[:package]` a line ("#" starts a comment); the
// package is named only when it differs from the tool. What is missing gets installed before
// build.sh runs, so its own check (dependencies_check) passes instead of stopping the build.
import { chmod, mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { installPackages } from '../../host/packages.js';
import { which } from '../../host/tools.js';

export interface Dependency {
  tool: string;
  package: string;
}

export function parseDepends(text: string): Dependency[] {
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .flatMap((l) => l.split(/\s+/))
    .filter(Boolean)
    .map((d) => {
      const i = d.indexOf(':');
      return i < 0 ? { tool: d, package: d } : { tool: d.slice(0, i), package: d.slice(i + 1) };
    });
}

export interface DependsResult {
  /** Packages installed now. */
  installed: string[];
  /** A folder to put first on build.sh's PATH (shims), if one was needed. */
  binDir?: string;
}

/**
 * Installs what pi-gen's depends file names and the host lacks. pi-gen asks for `qemu-arm`
 * from qemu-user-binfmt; that package registers its own binfmt handlers beside the ones
 * rpi-build set up, so when qemu-arm-static is there a `qemu-arm` shim pointing to it is
 * used instead, and otherwise qemu-user (no handlers) is installed.
 */
export async function ensureDepends(piGenDir: string, shimDir: string): Promise<DependsResult> {
  const deps = parseDepends(await readFile(join(piGenDir, 'depends'), 'utf8'));
  const missing: string[] = [];
  let binDir: string | undefined;
  for (const d of deps) {
    if (await which(d.tool)) continue;
    if (d.tool === 'qemu-arm') {
      const stat = await which('qemu-arm-static');
      if (stat) {
        await mkdir(shimDir, { recursive: true });
        await symlink(stat, join(shimDir, 'qemu-arm'));
        await chmod(shimDir, 0o755);
        binDir = shimDir;
        continue;
      }
      missing.push('qemu-user');
      continue;
    }
    missing.push(d.package);
  }
  const unique = [...new Set(missing)];
  if (unique.length) await installPackages(unique, "pi-gen's depends");
  return { installed: unique, ...(binDir ? { binDir } : {}) };
}
