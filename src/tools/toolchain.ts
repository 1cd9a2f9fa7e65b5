// The cross compiler for the kernel builder: Debian/Ubuntu's cross gcc unpacked into the tool
// cache (no apt-get install, no root), or a toolchain tarball from a URL (e.g. the Arm GNU
// Toolchain). On an arm64 host building arm64 no cross compiler is needed at all.
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { candidateVersion, installPackages, packageInstalled } from '../host/packages.js';
import { exec } from '../runtime/exec.js';
import { InputError, errorMessage } from '../runtime/errors.js';
import { logger } from '../runtime/log.js';
import { withoutCredentials } from '../runtime/redact.js';
import {
  cacheFromPackages,
  cacheFromUrl,
  obtainTool,
  urlToolName,
  type CachedTool,
  type ToolSource,
  type ToolSources,
} from './tool-cache.js';

export type KernelArch = 'arm64' | 'arm';

/** GNU triples Debian ships cross compilers for (32-bit Pi kernels are built hard-float). */
export const TRIPLES: Record<KernelArch, string> = {
  arm64: 'aarch64-linux-gnu',
  arm: 'arm-linux-gnueabihf',
};

export interface Toolchain {
  /** CROSS_COMPILE value ("" when native). */
  prefix: string;
  /** Folder put first on PATH (undefined: the host's PATH already has it). */
  binDir?: string;
  /** Extra environment (LD_LIBRARY_PATH for libraries unpacked beside the compiler). */
  env: Record<string, string>;
  source: ToolSource | 'native';
  version: string;
}

export interface ToolchainRequest extends ToolSources {
  karch: KernelArch;
  /** "packages" or an http(s) URL of a toolchain tarball. */
  toolchain: string;
  logFile: string;
}

async function hostRelease(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  const field = (k: string): string => text.match(new RegExp(`^${k}="?([^"\\n]*)`, 'm'))?.[1] ?? '';
  return `${field('ID') || 'linux'}${field('VERSION_ID')}`.replace(/[^A-Za-z0-9.]/g, '');
}

/** The cross gcc meta package and what it pulls in that this host does not have yet. */
async function crossPackages(triple: string): Promise<{ packages: string[]; version: string }> {
  const meta = `gcc-${triple}`;
  const version = await candidateVersion(meta);
  if (!version) {
    throw new Error(
      `This host's package lists have no ${meta}. Run apt-get update, or give toolchain: a URL of a toolchain tarball.`,
    );
  }
  const deps = await exec('apt-cache', [
    'depends',
    '--recurse',
    '--no-recommends',
    '--no-suggests',
    '--no-conflicts',
    '--no-breaks',
    '--no-replaces',
    '--no-enhances',
    meta,
  ]);
  const names = [
    ...new Set(
      deps.stdout
        .split('\n')
        .filter((l) => /^[a-z0-9]/.test(l))
        .map((l) => l.trim()),
    ),
  ];
  // The cross compiler itself always goes into the tool cache; host libraries only when missing.
  const cross = (n: string): boolean => n.includes(triple) || n.includes('-cross');
  const packages: string[] = [];
  for (const n of names) if (cross(n) || !(await packageInstalled(n))) packages.push(n);
  return { packages, version };
}

/** Proves a compiler by compiling a function for the target; returns its target machine. */
async function checkCompiler(gcc: string, env: Record<string, string>, scratch: string): Promise<string> {
  const src = join(scratch, 'probe.c');
  await writeFile(src, 'int triple(int x) { return 3 * x; }\n');
  await exec(gcc, ['-c', src, '-o', `${src}.o`], { env });
  return (await exec(gcc, ['-dumpmachine'], { env })).stdout.trim();
}

function toolchainEnv(tool: CachedTool): { binDir: string; env: Record<string, string> } {
  const binDir = existsSync(join(tool.dir, 'usr', 'bin'))
    ? join(tool.dir, 'usr', 'bin')
    : join(tool.dir, 'bin');
  // Host libraries the compiler needs (libisl, libmpc, libbinutils…) unpacked beside it.
  const multiarch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  // Both layouts: packages (usr/lib/<multiarch>) and a tarball laid out as a prefix (lib/<multiarch>).
  const libs = [join(tool.dir, 'usr', 'lib', multiarch), join(tool.dir, 'lib', multiarch)].filter((d) =>
    existsSync(d),
  );
  return { binDir, env: libs.length ? { LD_LIBRARY_PATH: libs.join(':') } : {} };
}

async function fromPackages(req: ToolchainRequest, triple: string): Promise<CachedTool> {
  const name = `cross-gcc-${triple}-${await hostRelease()}`;
  return obtainTool(name, req, async () => {
    const { packages, version } = await crossPackages(triple);
    logger().info(`unpacking ${packages.length} package(s) of ${triple}-gcc ${version} into the tool cache`);
    return cacheFromPackages(name, packages, version, req.scratch, req.logFile);
  });
}

async function fromUrl(req: ToolchainRequest): Promise<CachedTool> {
  // Named, logged and shown without credentials (a new token is the same toolchain).
  const shown = withoutCredentials(req.toolchain);
  const name = urlToolName('cross-gcc-url', shown);
  return obtainTool(name, req, async () => {
    logger().info(`downloading the toolchain ${shown}`);
    return cacheFromUrl(name, req.toolchain, req.scratch).catch((err: unknown) => {
      throw new InputError(
        'toolchain',
        `could not download or unpack ${shown}: ${errorMessage(err)}`,
        'Give the URL of a .tar.xz/.tar.gz toolchain reachable from the runner, or "packages".',
      );
    });
  });
}

async function gccIn(binDir: string, triple?: string): Promise<string> {
  const names = (await readdir(binDir).catch(() => [] as string[])).filter((f) =>
    triple ? f === `${triple}-gcc` : /^[a-z0-9_]+-[a-z0-9_-]+-gcc$/.test(f),
  );
  const gcc = names.sort((a, b) => a.length - b.length)[0];
  if (!gcc) throw new Error(`no *-gcc in ${binDir}`);
  return gcc;
}

export async function resolveToolchain(req: ToolchainRequest): Promise<Toolchain> {
  const triple = TRIPLES[req.karch];
  if (req.toolchain === 'packages' && req.karch === 'arm64' && process.arch === 'arm64') {
    await installPackages(['gcc'], 'the native arm64 compiler');
    const version = (await exec('gcc', ['-dumpversion'])).stdout.trim();
    return { prefix: '', env: {}, source: 'native', version };
  }
  const tool = req.toolchain === 'packages' ? await fromPackages(req, triple) : await fromUrl(req);
  const { binDir, env } = toolchainEnv(tool);
  const gcc = await gccIn(binDir, req.toolchain === 'packages' ? triple : undefined);
  const machine = await checkCompiler(join(binDir, gcc), env, req.scratch).catch((err: unknown) => {
    throw new Error(`the toolchain in ${tool.dir} does not compile: ${errorMessage(err)}`);
  });
  const wanted = req.karch === 'arm64' ? /^aarch64-/ : /^arm/;
  if (!wanted.test(machine)) {
    throw new InputError(
      'toolchain',
      `the toolchain targets ${machine}, not ${req.karch}`,
      `Give a toolchain for ${triple} (or "packages").`,
    );
  }
  return { prefix: gcc.slice(0, -'gcc'.length), binDir, env, source: tool.source, version: tool.version };
}
