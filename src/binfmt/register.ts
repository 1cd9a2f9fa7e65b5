// Registers QEMU user-mode handlers without Docker: only for what the CPU cannot run,
// leaving correct handlers alone (a second run changes nothing), replacing broken ones,
// and proving each by executing a foreign program.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Arch } from '../config/schema.js';
import { ARCH_INFO } from '../host/arch.js';
import { binfmtMounted } from '../host/probe.js';
import { installPackages } from '../host/packages.js';
import { qemuFromToolCache, type ToolOptions } from '../tools/qemu-user.js';
import { which } from '../host/tools.js';
import { exec } from '../runtime/exec.js';
import { isRoot } from '../runtime/privilege.js';
import { logger } from '../runtime/log.js';
import { readElf } from './elf.js';
import {
  BINFMT_DIR,
  HANDLERS,
  WANTED_FLAGS,
  handlerCatches,
  hasFlags,
  listHandlers,
  registerLine,
  type RegisteredHandler,
} from './handlers.js';
import { runTinyProgram } from './run-foreign.js';

export type EmulationAction = 'native' | 'kept' | 'registered' | 'replaced';

export interface MachineResult {
  machine: 'aarch64' | 'arm';
  arches: Arch[];
  action: EmulationAction;
  handler?: string;
  interpreter?: string;
  /** Broken handlers removed on the way. */
  removed: string[];
}

export interface EmulationResult {
  results: MachineResult[];
  /** Docker-style platforms that can run now, native first. */
  platforms: string[];
  native: Arch[];
  emulated: Arch[];
}

/** Writes to a binfmt_misc control file; through sudo tee when not root (never a shell string). */
async function writeControl(path: string, text: string): Promise<void> {
  if (isRoot()) {
    await writeFile(path, text);
    return;
  }
  await exec('tee', [path], { input: text, privileged: `writing ${path}` });
}

export async function ensureBinfmtMounted(): Promise<boolean> {
  if (await binfmtMounted()) return false;
  logger().info(`Mounting binfmt_misc at ${BINFMT_DIR}`);
  await exec('mount', ['-t', 'binfmt_misc', 'binfmt_misc', BINFMT_DIR], {
    privileged: 'mounting binfmt_misc',
  });
  return true;
}

/**
 * A static QEMU user-mode emulator for this machine: the host's own if it has one, else one
 * from the tool cache (fetched once without installing anything), else qemu-user-static installed.
 */
export async function findInterpreter(machine: 'aarch64' | 'arm', tools?: ToolOptions): Promise<string> {
  const candidates = [`qemu-${machine}-static`, `qemu-${machine}`];
  const look = async (): Promise<string | undefined> => {
    for (const c of candidates) {
      const p = await which(c);
      if (!p) continue;
      const elf = await readElf(p);
      // A dynamic interpreter cannot load its libraries inside a foreign chroot.
      if (elf && !elf.dynamic) return p;
    }
    return undefined;
  };
  let found = await look();
  if (!found && tools) found = await qemuFromToolCache(machine, tools);
  if (!found) {
    await installPackages(['qemu-user-static'], `a static qemu-${machine} for emulation`);
    found = await look();
  }
  if (!found) {
    throw new Error(
      `No statically linked qemu-${machine}-static found after installing qemu-user-static. Install a static QEMU user-mode emulator for ${machine}.`,
    );
  }
  return found;
}

/** A handler is good when it would keep working inside chroots: F flag, a static interpreter. */
async function handlerIsGood(h: RegisteredHandler): Promise<boolean> {
  if (!h.enabled || !hasFlags(h, 'F')) return false;
  if (!h.interpreter) return false;
  // With F the kernel holds the file open; a missing path is fine then, but we still need it static.
  if (existsSync(h.interpreter)) {
    const elf = await readElf(h.interpreter);
    if (!elf || elf.dynamic) return false;
  }
  return true;
}

async function ensureMachine(
  machine: 'aarch64' | 'arm',
  arches: Arch[],
  native: boolean,
  tools?: ToolOptions,
): Promise<MachineResult> {
  const log = logger();
  if (native) {
    log.info(`${machine}: runs natively on this CPU; no emulation registered`);
    return { machine, arches, action: 'native', removed: [] };
  }
  const spec = HANDLERS[machine];
  const catching = (await listHandlers()).filter((h) => handlerCatches(h, machine) || h.name === spec.name);
  const good: RegisteredHandler[] = [];
  const bad: RegisteredHandler[] = [];
  for (const h of catching) ((await handlerIsGood(h)) ? good : bad).push(h);

  if (bad.length === 0 && good.length > 0) {
    const ok = await runTinyProgram(machine, false);
    if (ok.ran) {
      log.info(
        `${machine}: ${good.map((h) => h.name).join(', ')} already registered with flags ${good[0]!.flags}; left as is`,
      );
      return {
        machine,
        arches,
        action: 'kept',
        handler: good[0]!.name,
        interpreter: good[0]!.interpreter!,
        removed: [],
      };
    }
    // Looks right but does not run: treat as broken.
    bad.push(...good.splice(0));
  }

  const removed: string[] = [];
  for (const h of bad) {
    log.info(
      `${machine}: removing broken handler ${h.name} (flags "${h.flags}", interpreter ${h.interpreter ?? 'none'})`,
    );
    await writeControl(join(BINFMT_DIR, h.name), '-1');
    removed.push(h.name);
  }
  let action: EmulationAction = removed.length > 0 ? 'replaced' : 'registered';
  let handler = spec.name;
  let interpreter: string;
  if (good.length > 0) {
    action = 'kept';
    handler = good[0]!.name;
    interpreter = good[0]!.interpreter!;
  } else {
    interpreter = await findInterpreter(machine, tools);
    await writeControl(join(BINFMT_DIR, 'register'), registerLine(spec, interpreter));
    log.info(`${machine}: registered ${spec.name} -> ${interpreter} with flags ${WANTED_FLAGS}`);
  }
  const proof = await runTinyProgram(machine, false);
  if (!proof.ran) {
    throw new Error(
      `The ${spec.name} handler is registered but a test ${machine} program still does not run (${proof.error}). Run \`rpi-build doctor\` for the host's diagnosis.`,
    );
  }
  return { machine, arches, action, handler, interpreter, removed };
}

export async function ensureEmulation(arches: Arch[], tools?: ToolOptions): Promise<EmulationResult> {
  const byMachine = new Map<'aarch64' | 'arm', Arch[]>();
  for (const a of arches) {
    const m = ARCH_INFO[a].qemu;
    byMachine.set(m, [...(byMachine.get(m) ?? []), a]);
  }
  // Probed once per machine; only mount when something needs a handler (a native ARM host needs nothing).
  const native = new Map<'aarch64' | 'arm', boolean>();
  for (const m of byMachine.keys()) native.set(m, (await runTinyProgram(m, true)).ran);
  if ([...native.values()].some((n) => !n)) {
    await ensureBinfmtMounted();
    const status = join(BINFMT_DIR, 'status');
    if (existsSync(status) && (await readFile(status, 'utf8')).trim() === 'disabled')
      await writeControl(status, '1');
  }
  const results: MachineResult[] = [];
  for (const [m, a] of byMachine) results.push(await ensureMachine(m, a, native.get(m)!, tools));
  const nativeArches = results.filter((r) => r.action === 'native').flatMap((r) => r.arches);
  const emulated = results.filter((r) => r.action !== 'native').flatMap((r) => r.arches);
  const host =
    process.arch === 'x64'
      ? 'linux/amd64'
      : process.arch === 'arm64'
        ? 'linux/arm64'
        : `linux/${process.arch}`;
  const platforms = [host, ...[...nativeArches, ...emulated].map((a) => ARCH_INFO[a].platform)];
  return { results, platforms: [...new Set(platforms)], native: nativeArches, emulated };
}
