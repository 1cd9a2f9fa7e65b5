// The boot smoke test: boot the image under QEMU with the image's own kernel and initrd
// (read from its FAT partition, as named in its config.txt), a scratch copy of the image as the
// disk (the artifact is never written) with the built-in checks and the user's test scripts in
// its root (guest-tests.ts), and pass when they do (or, if they never run, on a login prompt). arm64 and armhf
// boot Debian's generic kernels on the "virt" machine; armel's kernel (linux-image-rpi) knows
// only the Pi's own BCM2835, so it boots on QEMU's Pi Zero ("raspi0") with the image's
// Pi Zero device tree and the image as its SD card.
import { mkdir, open, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Arch } from '../config/schema.js';
import { ARCH_INFO } from '../host/arch.js';
import { ensureHostPackages } from '../host/requirements.js';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import { createWriteStream } from 'node:fs';
import {
  GuestRun,
  installGuestTests,
  judgeChecks,
  parseMarker,
  scriptFacts,
  scriptFailure,
  type GuestTestOptions,
  type ScriptResult,
} from './guest-tests.js';

export interface BootTestResult {
  passed: boolean;
  seconds: number;
  consoleLog: string;
  /** The line that proved the boot, or why it failed. */
  detail: string;
  /** What the image's first-boot service reported (the root growing into a larger disk). */
  firstboot?: string;
  /** The built-in checks' and each test script's results, for the summary ('boot-check: …', 'test: NAME'). */
  facts: Record<string, string>;
  /** What the checks found worth a look that does not fail the boot (failed units). */
  warnings: string[];
  scripts: ScriptResult[];
}

/** The boot disk grows by this much, as a card bigger than the image would, to prove the root grows. */
const EXTRA_DISK = 1024 * 1024 * 1024;

/** Reads the DOS partition table of an image file: start offsets in bytes of partitions 1-4. */
export async function partitionOffsets(
  image: string,
): Promise<{ start: number; size: number; type: number }[]> {
  const fh = await open(image, 'r');
  try {
    const mbr = Buffer.alloc(512);
    await fh.read(mbr, 0, 512, 0);
    if (mbr.readUInt16LE(510) !== 0xaa55) throw new Error(`${image} has no DOS partition table`);
    const parts = [];
    for (let i = 0; i < 4; i++) {
      const e = 446 + i * 16;
      const type = mbr[e + 4]!;
      if (type === 0) continue;
      parts.push({ type, start: mbr.readUInt32LE(e + 8) * 512, size: mbr.readUInt32LE(e + 12) * 512 });
    }
    return parts;
  } finally {
    await fh.close();
  }
}

/** Copies a file out of the image's FAT partition with mtools (no mount). */
export async function readFromFat(image: string, offset: number, name: string, dest: string): Promise<void> {
  await exec('mcopy', ['-n', '-o', '-i', `${image}@@${offset}`, `::${name}`, dest], {
    env: { MTOOLS_SKIP_CHECK: '1' },
  });
}

/** The kernel and initramfs the Pi firmware would load, from config.txt's kernel= and initramfs lines. */
export function bootFilesFromConfig(configTxt: string): { kernel: string; initramfs?: string } {
  let kernel: string | undefined;
  let initramfs: string | undefined;
  for (const raw of configTxt.split('\n')) {
    const line = raw.trim();
    const k = /^kernel=(\S+)/.exec(line);
    if (k) kernel = k[1];
    const i = /^initramfs\s+(\S+)/.exec(line);
    if (i) initramfs = i[1];
  }
  if (!kernel) throw new Error('config.txt names no kernel= line');
  return initramfs ? { kernel, initramfs } : { kernel };
}

/** The Pi Zero's device tree, as the image ships it, for QEMU's raspi0 machine. */
export const RASPI0_DTB = 'bcm2835-rpi-zero.dtb';

/**
 * QEMU 7.2's raspi machines do not model the BCM2835 power-management block, and Linux's
 * bcm2835-pm driver oopses probing it (init dies, the kernel panics). For the boot test only,
 * its compatible strings are overwritten in place with ones no driver knows, same length, so
 * the device tree stays valid and the image's own file is untouched.
 */
export function withoutPowerManagement(dtb: Buffer): Buffer {
  const out = Buffer.from(dtb);
  for (const name of ['brcm,bcm2835-pm\0', 'brcm,bcm2835-pm-wdt\0']) {
    const from = Buffer.from(name, 'latin1');
    const to = Buffer.from(name.replace('brcm,bcm2835-pm', 'rpi-build,no-pm'), 'latin1');
    for (let at = out.indexOf(from); at >= 0; at = out.indexOf(from, at + to.length)) to.copy(out, at);
  }
  return out;
}

/** An SD card's size must be a power of two for QEMU's raspi machines. */
export const nextPowerOfTwo = (n: number): number => 2 ** Math.ceil(Math.log2(n));

function raspi0Args(kernel: string, initrd: string | undefined, dtb: string, disk: string): string[] {
  return [
    '-M',
    'raspi0',
    '-nographic',
    '-monitor',
    'none',
    '-no-reboot',
    '-kernel',
    kernel,
    ...(initrd ? ['-initrd', initrd] : []),
    '-dtb',
    dtb,
    '-append',
    'console=ttyAMA0,115200 root=LABEL=RASPIROOT rw rootwait panic=-1 net.ifnames=0',
    '-drive',
    disk,
  ];
}

function qemuArgs(arch: Arch, kernel: string, initrd: string | undefined, disk: string): string[] {
  const common = [
    '-M',
    // Debian's armmp kernel has no LPAE: keep virt's PCI window below 4 GiB or it finds no disk.
    arch === 'arm64' ? 'virt' : 'virt,highmem=off',
    '-m',
    '1024',
    '-smp',
    '2',
    '-accel',
    'tcg,thread=multi',
    '-nographic',
    '-monitor',
    'none',
    '-no-reboot',
    '-kernel',
    kernel,
    ...(initrd ? ['-initrd', initrd] : []),
    '-append',
    'console=ttyAMA0 root=LABEL=RASPIROOT rw rootwait panic=-1 net.ifnames=0',
    '-drive',
    disk,
    '-device',
    'virtio-blk-pci,drive=disk',
    '-nic',
    'none',
  ];
  return arch === 'arm64' ? ['-cpu', 'cortex-a72', ...common] : ['-cpu', 'cortex-a15', ...common];
}

/** Once the login prompt is up, the runner's first marker must follow within this (seconds). */
const RUNNER_GRACE = 180;
/** The built-in checks wait for the system to settle (systemctl is-system-running --wait) at most this long. */
const CHECKS_BUDGET = 300;

/**
 * Boots a scratch copy of the image (sparse, one GiB larger, as a bigger card would be; the
 * artifact is never written) with the built-in checks and the user's test scripts added to its
 * root (guest-tests.ts). Passes when the checks find nothing wrong and every script exits 0;
 * when the runner never speaks (an image whose systemd does not start it), a login prompt still
 * passes a boot without scripts, as before.
 */
export async function bootTest(
  image: string,
  arch: Arch,
  workDir: string,
  consoleLog: string,
  timeoutSeconds: number,
  guest: GuestTestOptions,
): Promise<BootTestResult> {
  const qemu = ARCH_INFO[arch].qemuSystem;
  // `rpi-build boot-test` alone on a host: QEMU, mtools and debugfs (a build installed them already).
  await ensureHostPackages(['boot']);
  const dir = join(workDir, 'boot-test');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const parts = await partitionOffsets(image);
  const fat = parts.find((p) => p.type === 0x0c || p.type === 0x0b || p.type === 0x0e);
  if (!fat) throw new Error(`${image} has no FAT boot partition`);
  const root = parts.find((p) => p.type === 0x83);
  if (!root) throw new Error(`${image} has no Linux root partition (type 83)`);
  await readFromFat(image, fat.start, 'config.txt', join(dir, 'config.txt'));
  const files = bootFilesFromConfig(await readFile(join(dir, 'config.txt'), 'utf8'));
  await readFromFat(image, fat.start, files.kernel, join(dir, 'kernel'));
  if (files.initramfs) await readFromFat(image, fat.start, files.initramfs, join(dir, 'initrd'));
  const raspi = arch === 'armel';
  const dtb = join(dir, RASPI0_DTB);
  if (raspi) {
    await readFromFat(image, fat.start, RASPI0_DTB, dtb);
    await writeFile(dtb, withoutPowerManagement(await readFile(dtb)));
  }

  // The scratch copy: sparse (or a reflink), grown as a bigger card would be (for the Pi,
  // to a power of two), with the runner, the scripts and their unit in its root.
  const copy = join(dir, 'disk.img');
  await exec('cp', ['--sparse=always', '--reflink=auto', '--', resolve(image), copy]);
  const grown = (await stat(image)).size + EXTRA_DISK;
  await truncate(copy, raspi ? nextPowerOfTwo(grown) : grown);
  const names = await installGuestTests(copy, root.start, join(dir, 'guest'), guest);
  const disk = raspi ? `if=sd,file=${copy},format=raw` : `if=none,id=disk,file=${copy},format=raw`;

  const kernel = join(dir, 'kernel');
  const initrd = files.initramfs ? join(dir, 'initrd') : undefined;
  const started = Date.now();
  const out = createWriteStream(consoleLog);
  // A console log that cannot be written must not end the process (unhandled 'error').
  out.on('error', (err) =>
    logger().warn(`cannot write the console log ${consoleLog} (${err.message}); the boot test goes on`),
  );
  const run = new GuestRun(names);
  let firstboot: string | undefined;
  let seen = '';
  let login: string | undefined;
  let loginAt = 0;
  let panic: string | undefined;
  let silent = false;
  const stop = new AbortController();
  const end = (): void => {
    if (!stop.signal.aborted) stop.abort();
  };
  // No login prompt and no runner within boot-timeout: the boot failed.
  const bootTimer = setTimeout(() => {
    if (!login && !run.started) end();
  }, timeoutSeconds * 1000);
  const graceTimer = setInterval(() => {
    if (login && !run.started && Date.now() - loginAt > RUNNER_GRACE * 1000) {
      silent = true;
      end();
    }
  }, 1000);
  const r = await exec(
    qemu,
    raspi ? raspi0Args(kernel, initrd, dtb, disk) : qemuArgs(arch, kernel, initrd, disk),
    {
      allowFailure: true,
      timeoutMs: (timeoutSeconds + CHECKS_BUDGET + (names.length ? guest.timeoutSeconds : 0) + 60) * 1000,
      signal: stop.signal,
      onData: (text) => {
        out.write(text);
        if (stop.signal.aborted) return;
        seen = (seen + text).slice(-4096);
        // Only a whole line counts: the console arrives in pieces.
        firstboot ??= /rpi-build-firstboot: root filesystem \d+ MiB -> \d+ MiB/.exec(seen)?.[0];
        const prompt = /(\S+ login:)(?: |$)/m.exec(seen);
        if (prompt && !login) {
          login = prompt[1]!;
          loginAt = Date.now();
        }
        panic ??= /Kernel panic - not syncing: .*/.exec(seen)?.[0];
        // Stop QEMU once we know; the disk is a scratch copy, so nothing is lost.
        if (panic) end();
      },
      onLine: (line) => {
        const m = parseMarker(line);
        if (!m) return logger().progress(`boot: ${line.slice(0, 120)}`);
        const said = run.feed(m);
        if (said) logger().info(`[${said.script}] ${said.text}`);
        else if (m.kind === 'begin') logger().info(`Test script ${m.name}: running`);
        else if (m.kind === 'end' || m.kind === 'timeout') {
          const res = run.scripts.find((s) => s.name === m.name);
          if (res)
            logger().info(
              `Test script ${m.name}: ${scriptFacts([res], guest.timeoutSeconds)[`test: ${m.name}`]}`,
            );
        }
        if (run.done) end();
      },
    },
  );
  clearTimeout(bootTimer);
  clearInterval(graceTimer);
  out.end();
  await rm(copy, { force: true });
  const seconds = (Date.now() - started) / 1000;

  const judged = judgeChecks(run.checks, guest);
  const facts = { ...judged.facts, ...scriptFacts(run.scripts, guest.timeoutSeconds) };
  const warnings = [...judged.warnings];
  let passed = false;
  let detail: string;
  if (run.done) {
    const failure = [...judged.problems, scriptFailure(run, guest.timeoutSeconds)].filter(Boolean);
    passed = failure.length === 0;
    // The prompt stays the detail (what the summary and logs have always said); the checks add facts.
    detail = passed ? (login ?? 'the built-in checks passed (no login prompt seen)') : failure.join('; ');
  } else if (panic) detail = panic;
  else if (run.current)
    detail = `test script ${run.current} was still running when the boot test ran out of time (test-timeout ${guest.timeoutSeconds} s, boot-timeout ${timeoutSeconds} s)`;
  else if (silent && !names.length) {
    // Not our image's systemd, or the unit never started: the login prompt rule, as before.
    passed = true;
    detail = login!;
    warnings.push(`the built-in checks did not run within ${RUNNER_GRACE} s of the login prompt`);
  } else if (silent) detail = `the test scripts never started within ${RUNNER_GRACE} s of the login prompt`;
  else if (run.started)
    detail = `the checks did not finish within the boot test's time (last: ${Object.keys(judged.facts).pop() ?? 'none'})`;
  else detail = `no login prompt within ${timeoutSeconds} s`;
  if (!passed && !stop.signal.aborted && r.exitCode !== 0 && r.signal === null && !run.started) {
    detail = `${qemu} exited with code ${r.exitCode}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`;
  }
  for (const w of warnings) logger().warn(`Boot test: ${w}`);
  for (const [k, v] of Object.entries(facts)) logger().info(`${k}: ${v}`);
  return {
    passed,
    seconds,
    consoleLog,
    detail,
    facts,
    warnings,
    scripts: run.scripts,
    ...(firstboot ? { firstboot } : {}),
  };
}
