// The boot test: boot the image under QEMU with the image's own kernel and initrd (read from
// its FAT partition, as named in its config.txt), a scratch copy of the image as the disk (the
// artifact is never written) with the built-in checks and the user's test scripts in its root
// (guest-tests.ts), and pass when they do (or, if they never run, on a login prompt). The
// machine (the emulated Pi board for the arch, or virt) and its arguments: machines.ts.
import { mkdir, open, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Arch } from '../config/schema.js';
import { ARCH_INFO } from '../host/arch.js';
import { ensureHostPackages } from '../host/requirements.js';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import { createWriteStream } from 'node:fs';
import { bootMarks, consoleProgress, plainConsole } from './console-text.js';
import {
  GuestRun,
  POWEROFF_AFTER,
  installGuestTests,
  judgeChecks,
  parseMarker,
  scriptFacts,
  scriptFailure,
  type GuestTestOptions,
  type ScriptResult,
} from './guest-tests.js';
import {
  EMULATED_SLACK,
  PI_BOARD,
  machineArgs,
  machineLabel,
  nextPowerOfTwo,
  patchedPiDtb,
  type BootMachine,
} from './machines.js';

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

/**
 * The lines matching `pattern` (its first group, or the whole match) before `marker` on the
 * console, colours stripped; undefined when the marker is not there. Called for every piece of
 * console output: the plain-text check first, the stripping only then.
 */
function linesBefore(consoleText: string, marker: string, pattern: RegExp): string[] | undefined {
  if (!consoleText.includes(marker)) return undefined;
  const plain = plainConsole(consoleText);
  return [...plain.slice(0, plain.indexOf(marker)).matchAll(pattern)].map((m) => (m[1] ?? m[0]).trim());
}

/**
 * systemd's emergency mode on the console, with what sent it there (the last timeout or failed
 * dependency before it, colours stripped): the boot will not reach a login prompt, so the boot
 * test stops at once instead of waiting out boot-timeout.
 */
export function emergencyMode(consoleText: string): string | undefined {
  const causes = linesBefore(
    consoleText,
    'You are in emergency mode.',
    /(?:Timed out waiting for device|Dependency failed for|Failed to mount|Failed to start) [^\r\n]*/g,
  );
  if (!causes) return undefined;
  const cause = causes.find((c) => c.startsWith('Timed out')) ?? causes[0];
  return `the system stopped in emergency mode${cause ? ` (${cause})` : ''}`;
}

/**
 * systemd (PID 1) gave up and froze: it caught a fatal signal or failed an assertion, and waits
 * forever ("Freezing execution."). Nothing more will happen on the console, so the boot test
 * stops at once and names the cause (PID 1's failed assertion, or else its last "Caught <…>" or
 * "Failed to …" line before it) instead of waiting out boot-timeout.
 */
export function systemdFroze(consoleText: string): string | undefined {
  const causes = linesBefore(
    consoleText,
    'Freezing execution.',
    /systemd\[1\]: ((?:Caught <|Assertion |Failed to )[^\n]*)/g,
  );
  if (!causes) return undefined;
  // An assertion says where; the signal it raised (SIGABRT) says less.
  const cause = causes.find((c) => c.startsWith('Assertion')) ?? causes.at(-1);
  return `systemd (PID 1) stopped and froze the system${cause ? ` (${cause})` : ''}`;
}

/**
 * The guest kernel's own report that a CPU made no progress (a soft lockup or an RCU stall).
 * An emulated guest keeps time by the host's clock, so a vCPU that gets too little of the host's
 * CPU (other jobs on its cores) looks stuck to it: in a CI run, a Pi 3 boot beside a compressor
 * and another build reported both and reached no login prompt in 15 minutes. Said beside a boot
 * that ran out of time, so the reader looks at the host's load as well as the image.
 */
export function cpuStall(consoleText: string): string | undefined {
  const m =
    /soft lockup - CPU#\d+ stuck for \d+s! \[[^\]\r\n]*\]|rcu: INFO: rcu_\w+ (?:self-)?detected stalls? on CPUs?/.exec(
      consoleText,
    );
  return m?.[0];
}

/** Once the login prompt is up, the runner's first marker must follow within this (seconds). */
const RUNNER_GRACE = 180;
/** The built-in checks wait for the system to settle (systemctl is-system-running --wait) at most this long. */
const CHECKS_BUDGET = 300;
/**
 * Once the checks are done, how long the login prompt may still take (seconds), within the
 * runner's wait before it powers off. The serial getty is not ordered before the checks: on
 * raspi0 under CI's load they ended before it printed the prompt.
 */
const PROMPT_GRACE = POWEROFF_AFTER - 30;

export interface BootTestRequest {
  image: string;
  arch: Arch;
  machine: BootMachine;
  workDir: string;
  consoleLog: string;
  /** Seconds to wait for the login prompt (or the runner's first word). */
  timeoutSeconds: number;
  guest: GuestTestOptions;
}

/**
 * Boots a scratch copy of the image (sparse, one GiB larger, as a bigger card would be; the
 * artifact is never written) with the built-in checks and the user's test scripts added to its
 * root (guest-tests.ts). Passes when the checks find nothing wrong and every script exits 0;
 * when the runner never speaks (an image whose systemd does not start it), a login prompt still
 * passes a boot without scripts, as before.
 */
export async function bootTest(req: BootTestRequest): Promise<BootTestResult> {
  const { image, arch, machine, workDir, consoleLog, timeoutSeconds, guest } = req;
  const qemu = ARCH_INFO[arch].qemuSystem;
  // `rpi-build boot-test IMAGE` alone on a host: QEMU, mtools and debugfs (a build installed them already).
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
  const pi = machine === 'pi';
  let dtb: string | undefined;
  let cmdline: string | undefined;
  if (pi) {
    // What the firmware reads on that board: its device tree (QEMU's gaps patched in this copy)
    // and cmdline.txt.
    // Debian's kernels name it as upstream does; a Raspberry Pi kernel (kernel-dir) by its fork's name.
    const board = PI_BOARD[arch];
    const boardDtb = join(dir, 'board.dtb');
    dtb = boardDtb;
    await readFromFat(image, fat.start, board.dtb, boardDtb)
      .catch(() => readFromFat(image, fat.start, board.forkDtb, boardDtb))
      .catch((err: Error) => {
        throw new Error(
          `the image's boot partition has neither ${board.dtb} nor ${board.forkDtb}, the device tree of QEMU's ${board.machine} (${err.message.split('\n')[0]}); boot it with boot-machine virt instead`,
        );
      });
    await writeFile(dtb, patchedPiDtb(await readFile(dtb)));
    await readFromFat(image, fat.start, 'cmdline.txt', join(dir, 'cmdline.txt'));
    cmdline = `${(await readFile(join(dir, 'cmdline.txt'), 'utf8')).replace(/\s+/g, ' ').trim()} ${EMULATED_SLACK}`;
  }

  // The scratch copy: sparse (or a reflink), grown as a bigger card would be (for the Pi,
  // to a power of two), with the runner, the scripts and their unit in its root.
  const copy = join(dir, 'disk.img');
  await exec('cp', ['--sparse=always', '--reflink=auto', '--', resolve(image), copy]);
  const grown = (await stat(image)).size + EXTRA_DISK;
  await truncate(copy, pi ? nextPowerOfTwo(grown) : grown);
  const names = await installGuestTests(copy, root.start, join(dir, 'guest'), guest);

  const args = machineArgs(arch, machine, {
    kernel: join(dir, 'kernel'),
    ...(files.initramfs ? { initrd: join(dir, 'initrd') } : {}),
    ...(dtb ? { dtb } : {}),
    ...(cmdline !== undefined ? { cmdline } : {}),
    disk: copy,
  });
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
  let stuck: string | undefined; // emergency mode, or PID 1 frozen
  let stall: string | undefined; // the guest kernel saw a CPU make no progress
  let silent = false;
  const stop = new AbortController();
  const end = (): void => {
    if (!stop.signal.aborted) stop.abort();
  };
  // No login prompt and no runner within boot-timeout: the boot failed.
  const bootTimer = setTimeout(() => {
    if (!login && !run.started) end();
  }, timeoutSeconds * 1000);
  let doneAt = 0;
  const graceTimer = setInterval(() => {
    if (login && !run.started && Date.now() - loginAt > RUNNER_GRACE * 1000) {
      silent = true;
      end();
    }
    if (run.done && !login && Date.now() - doneAt > PROMPT_GRACE * 1000) end();
  }, 1000);
  const r = await exec(qemu, args, {
    allowFailure: true,
    timeoutMs:
      (timeoutSeconds + CHECKS_BUDGET + PROMPT_GRACE + (names.length ? guest.timeoutSeconds : 0) + 60) * 1000,
    signal: stop.signal,
    onData: (text) => {
      out.write(text);
      if (stop.signal.aborted) return;
      seen = (seen + text).slice(-4096);
      // Only a whole line counts: the console arrives in pieces, and other messages land inside lines.
      if (!login || !firstboot) {
        const marks = bootMarks(seen);
        firstboot ??= marks.firstboot;
        if (!login && marks.login) {
          login = marks.login;
          loginAt = Date.now();
          if (run.done) end();
        }
      }
      panic ??= /Kernel panic - not syncing: .*/.exec(seen)?.[0];
      stuck ??= emergencyMode(seen) ?? systemdFroze(seen);
      stall ??= cpuStall(seen);
      // Stop QEMU once we know; the disk is a scratch copy, so nothing is lost.
      if (panic || stuck) end();
    },
    onLine: (line) => {
      const m = parseMarker(line);
      if (!m) {
        const text = consoleProgress(line);
        return text ? logger().progress(`boot: ${text}`) : undefined;
      }
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
      if (run.done && !doneAt) {
        doneAt = Date.now();
        if (login) end();
      }
    },
  });
  clearTimeout(bootTimer);
  clearInterval(graceTimer);
  out.end();
  await rm(copy, { force: true });
  const seconds = (Date.now() - started) / 1000;

  const judged = judgeChecks(run.checks, guest);
  const loginSeconds = login ? (loginAt - started) / 1000 : undefined;
  const facts = {
    // Where it booted and how long the login prompt took (the figure boot time is judged by).
    'boot-check: machine': `${machineLabel(arch, machine)}${loginSeconds === undefined ? ', no login prompt' : `, login prompt after ${loginSeconds.toFixed(0)} s`}`,
    ...judged.facts,
    ...scriptFacts(run.scripts, guest.timeoutSeconds),
  };
  const warnings = [...judged.warnings];
  let passed = false;
  let detail: string;
  if (run.done) {
    const failure = [...judged.problems, scriptFailure(run, guest.timeoutSeconds)].filter(Boolean);
    passed = failure.length === 0;
    // The prompt stays the detail (what the summary and logs have always said); the checks add facts.
    detail = passed ? (login ?? 'the built-in checks passed (no login prompt seen)') : failure.join('; ');
  } else if (panic) detail = panic;
  else if (stuck) detail = stuck;
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
  // Out of time (not a verdict of the checks or a panic): say what the guest's kernel saw.
  if (!passed && !run.done && !panic && !stuck && stall)
    detail += `; the guest's kernel reported "${stall}": an emulated board's CPUs stall like this when the host's cores are busy with other work (run fewer jobs beside the boot test, or raise boot-timeout), or the guest hung`;
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
