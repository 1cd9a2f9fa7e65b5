// The kernel target's boot test: does the kernel just built start and run a program? It boots
// on QEMU (the Pi board for the arch with the kernel's own device tree, or virt) with only the
// tiny initramfs (tiny-initramfs.ts) and passes when /init's line reaches the serial console.
// Seconds, no image needed. When it fails, the console says why, and the verdict names the
// kernel option that is missing where the console shows which.
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Arch } from '../config/schema.js';
import { ARCH_INFO } from '../host/arch.js';
import { ensureHostPackages } from '../host/requirements.js';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import { consoleProgress } from './console-text.js';
import { machineArgs, machineLabel, patchedPiDtb, type BootMachine } from './machines.js';
import { INIT_MARKER, tinyInitramfs } from './tiny-initramfs.js';

export interface KernelBootRequest {
  /** The kernel image as the build made it (Image, zImage, or kernel8.img under the firmware's name). */
  kernel: string;
  arch: Arch;
  machine: BootMachine;
  /** The Pi board's device tree from the same build (for `pi`). */
  dtb?: string;
  workDir: string;
  consoleLog: string;
  timeoutSeconds: number;
}

export interface KernelBootResult {
  passed: boolean;
  seconds: number;
  detail: string;
}

/** The PL011 is the first serial port on every machine used here (virt, raspi0/2b/3b). */
const KERNEL_CMDLINE = 'console=ttyAMA0,115200 rdinit=/init panic=-1';

/** Why a kernel did not reach /init, read from its console (the whole text, QEMU's stdout). */
export function kernelBootVerdict(
  consoleText: string,
  arch: Arch,
  machine: string,
  timeoutSeconds: number,
): KernelBootResult['detail'] {
  const panic = /Kernel panic - not syncing: .*/.exec(consoleText)?.[0]?.trim();
  if (/Failed to execute \/init \(error -8\)/.test(consoleText))
    return `the kernel could not run /init, a static ${arch} ELF program (${panic ?? 'exec format error'}): build it with CONFIG_BINFMT_ELF=y`;
  if (panic && /VFS: Unable to mount root fs|No working init found/.test(panic))
    return `the kernel did not run the initramfs's /init (${panic}): build it with CONFIG_BLK_DEV_INITRD=y`;
  if (panic) return panic;
  const lines = consoleText.split(/\r?\n/).filter((l) => l.trim());
  if (!lines.length)
    return `the kernel printed nothing on the serial console of ${machine} within ${timeoutSeconds} s: build in the PL011 serial console it boots with (${KERNEL_CMDLINE.split(' ')[0]}: CONFIG_SERIAL_AMBA_PL011=y, CONFIG_SERIAL_AMBA_PL011_CONSOLE=y)${machine === 'virt' ? '' : ", and the board's drivers, or try boot-machine virt"}`;
  return `/init did not start within ${timeoutSeconds} s; the console's last line: ${lines.at(-1)!.trim().slice(0, 200)}`;
}

export async function bootKernel(req: KernelBootRequest): Promise<KernelBootResult> {
  const { arch, machine, workDir, consoleLog, timeoutSeconds } = req;
  await ensureHostPackages(['boot']);
  const dir = join(workDir, 'kernel-boot');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const initrd = join(dir, 'initrd.cpio');
  await writeFile(initrd, tinyInitramfs(arch));
  let dtb: string | undefined;
  if (machine === 'pi') {
    if (!req.dtb) throw new Error('the Pi board boot needs the device tree the kernel build made');
    dtb = join(dir, 'board.dtb');
    await writeFile(dtb, patchedPiDtb(await readFile(req.dtb)));
  }
  const args = machineArgs(arch, machine, {
    kernel: req.kernel,
    initrd,
    ...(dtb ? { dtb } : {}),
    cmdline: KERNEL_CMDLINE,
  });
  const out = createWriteStream(consoleLog);
  out.on('error', (err) => logger().warn(`cannot write the console log ${consoleLog} (${err.message})`));
  const stop = new AbortController();
  let text = '';
  let seen = false;
  const started = Date.now();
  const timer = setTimeout(() => stop.abort(), timeoutSeconds * 1000);
  const r = await exec(ARCH_INFO[arch].qemuSystem, args, {
    allowFailure: true,
    signal: stop.signal,
    timeoutMs: (timeoutSeconds + 30) * 1000,
    onData: (chunk) => {
      out.write(chunk);
      text = (text + chunk).slice(-65536);
      if (!seen && text.includes(INIT_MARKER)) {
        seen = true;
        stop.abort(); // the scratch initramfs is all it has; nothing to lose
      }
      if (/Kernel panic - not syncing: .*\n/.test(text)) stop.abort();
    },
    onLine: (line) => {
      const shown = consoleProgress(line);
      if (shown) logger().progress(`kernel boot: ${shown}`);
    },
  });
  clearTimeout(timer);
  out.end();
  const seconds = (Date.now() - started) / 1000;
  const label = machineLabel(arch, machine);
  if (seen) return { passed: true, seconds, detail: `/init ran on ${label}: "${INIT_MARKER}"` };
  let detail = kernelBootVerdict(text, arch, label, timeoutSeconds);
  if (!stop.signal.aborted && r.exitCode !== 0 && r.signal === null && !text.trim())
    detail = `${ARCH_INFO[arch].qemuSystem} exited with code ${r.exitCode}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`;
  return { passed: false, seconds, detail };
}
