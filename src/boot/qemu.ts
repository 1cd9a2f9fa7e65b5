// The boot smoke test: boot the image under QEMU with the image's own kernel and initrd
// (read from its FAT partition, as named in its config.txt), the image as the disk (through
// an overlay: the artifact is never written), and pass on a login prompt. arm64 and armhf
// boot Debian's generic kernels on the "virt" machine; armel's kernel (linux-image-rpi) knows
// only the Pi's own BCM2835, so it boots on QEMU's Pi Zero ("raspi0") with the image's
// Pi Zero device tree and the image as its SD card.
import { mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Arch } from '../config/schema.js';
import { ARCH_INFO } from '../host/arch.js';
import { installPackages } from '../host/packages.js';
import { which } from '../host/tools.js';
import { exec } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import { createWriteStream } from 'node:fs';

export interface BootTestResult {
  passed: boolean;
  seconds: number;
  consoleLog: string;
  /** The line that proved the boot, or why it failed. */
  detail: string;
  /** What the image's first-boot service reported (the root growing into a larger disk). */
  firstboot?: string;
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

export async function bootTest(
  image: string,
  arch: Arch,
  workDir: string,
  consoleLog: string,
  timeoutSeconds: number,
): Promise<BootTestResult> {
  const qemu = ARCH_INFO[arch].qemuSystem;
  if (!(await which(qemu)) || !(await which('qemu-img')))
    await installPackages(['qemu-system-arm', 'qemu-utils'], 'the boot test');
  const dir = join(workDir, 'boot-test');
  await mkdir(dir, { recursive: true });
  const parts = await partitionOffsets(image);
  const fat = parts.find((p) => p.type === 0x0c || p.type === 0x0b || p.type === 0x0e);
  if (!fat) throw new Error(`${image} has no FAT boot partition`);
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

  // Writes go to a qcow2 overlay one GiB larger than the image (for the Pi, rounded up to a
  // power of two), so the artifact is never touched and the first-boot service has room to
  // grow into; without qemu-img, a raw snapshot.
  let disk = `if=none,id=disk,file=${image},format=raw,snapshot=on`;
  const qemuImg = await which('qemu-img');
  if (raspi && !qemuImg) throw new Error('the armel boot test needs qemu-img (qemu-utils)');
  if (qemuImg) {
    const overlay = join(dir, 'overlay.qcow2');
    const grown = (await stat(image)).size + EXTRA_DISK;
    const size = raspi ? nextPowerOfTwo(grown) : grown;
    await exec('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-F',
      'raw',
      '-b',
      resolve(image),
      overlay,
      String(size),
    ]);
    disk = raspi ? `if=sd,file=${overlay},format=qcow2` : `if=none,id=disk,file=${overlay},format=qcow2`;
  }
  const kernel = join(dir, 'kernel');
  const initrd = files.initramfs ? join(dir, 'initrd') : undefined;
  const started = Date.now();
  const out = createWriteStream(consoleLog);
  // A console log that cannot be written must not end the process (unhandled 'error').
  out.on('error', (err) =>
    logger().warn(`cannot write the console log ${consoleLog} (${err.message}); the boot test goes on`),
  );
  let firstboot: string | undefined;
  let seen = '';
  let passed = false;
  let detail = `no login prompt within ${timeoutSeconds} s`;
  const stop = new AbortController();
  const r = await exec(
    qemu,
    raspi ? raspi0Args(kernel, initrd, dtb, disk) : qemuArgs(arch, kernel, initrd, disk),
    {
      allowFailure: true,
      timeoutMs: timeoutSeconds * 1000,
      signal: stop.signal,
      onData: (text) => {
        out.write(text);
        if (stop.signal.aborted) return;
        seen = (seen + text).slice(-4096);
        // Only a whole line counts: the console arrives in pieces.
        firstboot ??= /rpi-build-firstboot: root filesystem \d+ MiB -> \d+ MiB/.exec(seen)?.[0];
        const login = /(\S+ login:) ?$/m.exec(seen);
        const panic = /Kernel panic - not syncing: .*/.exec(seen);
        if (login) {
          passed = true;
          detail = login[1]!;
        } else if (panic) detail = panic[0];
        // Stop QEMU once we know; the disk is a snapshot, so nothing is lost.
        if (login || panic) stop.abort();
      },
      onLine: (line) => logger().progress(`boot: ${line.slice(0, 120)}`),
    },
  );
  if (!passed && !stop.signal.aborted && r.exitCode !== 0 && r.signal === null) {
    detail = `${qemu} exited with code ${r.exitCode}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`;
  }
  out.end();
  return {
    passed,
    seconds: (Date.now() - started) / 1000,
    consoleLog,
    detail,
    ...(firstboot ? { firstboot } : {}),
  };
}
