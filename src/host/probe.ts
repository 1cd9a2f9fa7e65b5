// The host probe: facts only, no judgement (diagnose.ts turns facts into problems).
// Everything is measured: the userland from /bin/sh's ELF header, native ARM support
// by executing a tiny program the binfmt handlers cannot intercept.
import { existsSync } from 'node:fs';
import { readFile, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import os from 'node:os';
import { readElf } from '../binfmt/elf.js';
import { BINFMT_DIR, handlerCatches, listHandlers, type RegisteredHandler } from '../binfmt/handlers.js';
import { runTinyProgram } from '../binfmt/run-foreign.js';
import { tryOutput } from '../runtime/exec.js';
import { isRoot } from '../runtime/privilege.js';
import { kernelArchName, userlandName } from './arch.js';
import { probeTools, type ToolInfo } from './tools.js';

export interface EmulationFacts {
  /** The CPU runs this code without help (probed by execution). */
  native: boolean;
  nativeError?: string;
  /** binfmt handlers that would catch these executables, first one wins in the kernel. */
  handlers: string[];
  /** A program of this machine runs now, natively or through a handler. */
  runs: boolean;
  runError?: string;
}

export interface HostReport {
  machine: string;
  kernelRelease: string;
  kernelArch: string;
  userland: { bits: 32 | 64 | null; arch: string; dpkgArch?: string };
  pageSize: number | null;
  wsl: { detected: boolean; version?: 1 | 2; interopHandler: boolean; systemdBinfmtDisabled?: boolean };
  container: string | null;
  binfmt: { path: string; mounted: boolean; enabled: boolean | null; handlers: RegisteredHandler[] };
  aarch64: EmulationFacts;
  arm: EmulationFacts;
  disk: { path: string; freeBytes: number; totalBytes: number } | null;
  tools: ToolInfo[];
  privileges: { root: boolean; sudo: boolean };
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export async function binfmtMounted(): Promise<boolean> {
  const info = (await readText('/proc/self/mountinfo')) ?? '';
  // The last mount on the path is the one on top (a tmpfs over it hides binfmt_misc).
  const top = info
    .split('\n')
    .filter((l) => l.split(' ')[4] === BINFMT_DIR)
    .pop();
  const fstype = top?.split(' - ')[1]?.split(' ')[0];
  if (fstype === 'binfmt_misc') return true;
  // An autofs mount point (systemd) mounts on first access; reading status triggers it.
  return fstype === 'autofs' && existsSync(`${BINFMT_DIR}/status`);
}

async function detectContainer(): Promise<string | null> {
  if (process.env.container) return process.env.container;
  if (existsSync('/.dockerenv')) return 'docker';
  if (existsSync('/run/.containerenv')) return 'podman';
  const cgroup = (await readText('/proc/1/cgroup')) ?? '';
  if (/docker|containerd/.test(cgroup)) return 'docker';
  if (/kubepods/.test(cgroup)) return 'kubernetes';
  if (/lxc/.test(cgroup)) return 'lxc';
  return null;
}

async function detectWsl(handlers: RegisteredHandler[]): Promise<HostReport['wsl']> {
  const version = ((await readText('/proc/version')) ?? '').toLowerCase();
  const release = os.release().toLowerCase();
  const detected =
    version.includes('microsoft') || release.includes('microsoft') || !!process.env.WSL_DISTRO_NAME;
  if (!detected) return { detected: false, interopHandler: false };
  const interopHandler = handlers.some((h) => h.name.startsWith('WSLInterop'));
  // WSL ships a drop-in that stops systemd-binfmt (so QEMU's binfmt.d files are never loaded).
  const dropIns = [
    '/usr/lib/systemd/system/systemd-binfmt.service.d/wsl.conf',
    '/run/systemd/system/systemd-binfmt.service.d/wsl.conf',
  ];
  const systemdBinfmtDisabled = dropIns.some((p) => existsSync(p));
  return {
    detected,
    version: release.includes('wsl2') || existsSync('/run/WSL') ? 2 : 1,
    interopHandler,
    systemdBinfmtDisabled,
  };
}

/** The nearest existing folder of `path`, for statfs. */
function existingAncestor(path: string): string {
  let p = resolve(path);
  while (!existsSync(p) && p !== dirname(p)) p = dirname(p);
  return p;
}

async function emulationFacts(
  machine: 'aarch64' | 'arm',
  handlers: RegisteredHandler[],
): Promise<EmulationFacts> {
  const native = await runTinyProgram(machine, true);
  const runs = await runTinyProgram(machine, false);
  return {
    native: native.ran,
    ...(native.error ? { nativeError: native.error } : {}),
    handlers: handlers.filter((h) => h.enabled && handlerCatches(h, machine)).map((h) => h.name),
    runs: runs.ran,
    ...(runs.error ? { runError: runs.error } : {}),
  };
}

export interface ProbeOptions {
  /** Where the build will write; free disk is measured there. */
  workDir?: string;
  /** Skip tool version probes (fast path for registration). */
  skipTools?: boolean;
}

export async function probeHost(opts: ProbeOptions = {}): Promise<HostReport> {
  const mounted = await binfmtMounted();
  const handlers = mounted ? await listHandlers() : [];
  const status = mounted ? (await readText(`${BINFMT_DIR}/status`))?.trim() : undefined;
  const sh = await readElf('/bin/sh');
  const [pageSizeText, dpkgArch, sudoOk, aarch64, arm, tools, wsl, container] = await Promise.all([
    tryOutput('getconf', ['PAGESIZE']),
    tryOutput('dpkg', ['--print-architecture']),
    isRoot() ? Promise.resolve(true) : tryOutput('sudo', ['-n', 'true']).then((o) => o !== undefined),
    emulationFacts('aarch64', handlers),
    emulationFacts('arm', handlers),
    opts.skipTools ? Promise.resolve([]) : probeTools(),
    detectWsl(handlers),
    detectContainer(),
  ]);
  const diskPath = existingAncestor(opts.workDir ?? process.cwd());
  let disk: HostReport['disk'] = null;
  try {
    const s = await statfs(diskPath);
    disk = { path: diskPath, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    disk = null;
  }
  return {
    machine: os.machine(),
    kernelRelease: os.release(),
    kernelArch: kernelArchName(os.machine()),
    userland: {
      bits: sh?.bits ?? null,
      arch: sh ? userlandName(sh.bits, sh.machine) : 'unknown',
      ...(dpkgArch ? { dpkgArch } : {}),
    },
    pageSize: pageSizeText && /^\d+$/.test(pageSizeText) ? Number(pageSizeText) : null,
    wsl,
    container,
    binfmt: {
      path: BINFMT_DIR,
      mounted,
      enabled: status === undefined ? null : status === 'enabled',
      handlers,
    },
    aarch64,
    arm,
    disk,
    tools,
    privileges: { root: isRoot(), sudo: sudoOk },
  };
}
