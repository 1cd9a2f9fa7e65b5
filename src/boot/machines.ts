// Which QEMU machine the boot test uses and how it is started. `pi` (the default) boots the
// emulated Pi board for the image's arch the way the firmware does: kernel, initramfs and
// device tree from the image's FAT, the command line from its cmdline.txt, the image as the SD
// card, the console on the serial port cmdline.txt names. `virt` boots QEMU's generic machine
// with a virtio disk (for a kernel without the board's drivers). QEMU's gaps are patched in the
// scratch copy of the device tree only; each patch below says which gap.
import { availableParallelism } from 'node:os';
import type { BOOT_MACHINES } from '../config/options.js';
import type { Arch } from '../config/schema.js';

export type BootMachine = (typeof BOOT_MACHINES)[number];

export interface PiBoard {
  /** QEMU's machine name. */
  machine: string;
  /** The device tree the firmware would pick for that board, as Debian's kernels ship it. */
  dtb: string;
  /** The same board's device tree under the Raspberry Pi kernel's name (its downstream tree). */
  forkDtb: string;
  /** The board, for logs and the summary. */
  label: string;
  /** The board's cores (QEMU's raspi machines have a fixed count). */
  cores: number;
  /**
   * QEMU's own choice of threads, never one thread: Debian's bookworm armhf kernel on raspi2b
   * in one thread stopped after "uart-pl011 … no DMA platform data" (22 s of guest time) and
   * printed nothing more for 13 minutes in a CI run; with QEMU's default it boots.
   */
  qemuThreads?: true;
  /** QEMU arguments the board needs beyond the machine's defaults (see PI_ZERO_CLOCK). */
  extra?: readonly string[];
}

/**
 * The Pi Zero/1 has no ARM generic timer: Linux's clock events are the BCM2835 system timer,
 * whose compare registers fire only on an exact match of its free-running counter. Linux writes
 * "counter + delta" with delta as small as 15 us; under QEMU's default clock (the host's time)
 * a vCPU waiting for QEMU's lock between that read and that write (another test's disk I/O on a
 * busy host) lets the counter pass the compare, and the next tick comes when the 32-bit counter
 * wraps, 71 minutes later: boots on a loaded CI host sat after "Booting Linux" for 25 minutes.
 * With -icount the guest's clock advances with the instructions it runs, so the window is two
 * instructions wide whatever the host does; raspi2b/3b use the generic timer and need none.
 */
const PI_ZERO_CLOCK = ['-icount', 'shift=auto'] as const;

/** The emulated Pi for each arch: the newest board QEMU 7.2 models that runs the arch's kernel. */
export const PI_BOARD: Record<Arch, PiBoard> = {
  arm64: {
    machine: 'raspi3b',
    dtb: 'bcm2837-rpi-3-b.dtb',
    forkDtb: 'bcm2710-rpi-3-b.dtb',
    label: 'Pi 3B',
    cores: 4,
  },
  armhf: {
    machine: 'raspi2b',
    dtb: 'bcm2836-rpi-2-b.dtb',
    forkDtb: 'bcm2709-rpi-2-b.dtb',
    label: 'Pi 2B',
    cores: 4,
    qemuThreads: true,
  },
  armel: {
    machine: 'raspi0',
    dtb: 'bcm2835-rpi-zero.dtb',
    forkDtb: 'bcm2708-rpi-zero.dtb',
    label: 'Pi Zero',
    cores: 1,
    extra: PI_ZERO_CLOCK,
  },
};

/** What the boot test calls the machine in logs and the summary: "raspi3b (Pi 3B)", "virt". */
export function machineLabel(arch: Arch, machine: BootMachine): string {
  return machine === 'pi' ? `${PI_BOARD[arch].machine} (${PI_BOARD[arch].label})` : 'virt';
}

/**
 * armel is the Pi Zero/1's ARMv6: virt needs an ARMv7 or later CPU, and Debian's
 * linux-image-rpi knows only the BCM2835 (no virtio). Checked at config load, before any work.
 */
export function machineProblem(arch: Arch, machine: BootMachine): string | undefined {
  if (machine === 'virt' && arch === 'armel')
    return "armel (ARMv6, the Pi Zero/1) cannot boot on virt: virt needs an ARMv7 or later CPU, and Debian's linux-image-rpi has no virtio drivers; use boot-machine pi (QEMU's raspi0)";
  return undefined;
}

/** An SD card's size must be a power of two for QEMU's raspi machines. */
export const nextPowerOfTwo = (n: number): number => 2 ** Math.ceil(Math.log2(n));

/**
 * QEMU 7.2's raspi machines do not model the BCM2835 power-management block, and Linux's
 * bcm2835-pm driver oopses probing it (init dies, the kernel panics). Its compatible strings
 * are overwritten in place with ones no driver knows, same length, so the tree stays valid.
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

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;
const align4 = (n: number): number => (n + 3) & ~3;

/**
 * Deletes properties of the nodes with the given name by overwriting each with FDT_NOP tokens,
 * as libfdt's fdt_nop_property does: the blob keeps its size and every offset stays valid.
 * Returns the copy and how many properties were removed.
 */
export function nopProperties(
  dtb: Buffer,
  node: string,
  props: readonly string[],
): { dtb: Buffer; removed: number } {
  const out = Buffer.from(dtb);
  if (out.length < 40 || out.readUInt32BE(0) !== FDT_MAGIC)
    throw new Error('not a flattened device tree (bad magic)');
  const strings = out.readUInt32BE(12);
  const propName = (off: number): string =>
    out.toString('latin1', strings + off, out.indexOf(0, strings + off));
  const path: string[] = [];
  let removed = 0;
  for (let p = out.readUInt32BE(8); ;) {
    const token = out.readUInt32BE(p);
    if (token === FDT_BEGIN_NODE) {
      const end = out.indexOf(0, p + 4);
      path.push(out.toString('latin1', p + 4, end));
      p = align4(end + 1);
    } else if (token === FDT_END_NODE) {
      path.pop();
      p += 4;
    } else if (token === FDT_PROP) {
      const next = align4(p + 12 + out.readUInt32BE(p + 4));
      if (path.at(-1) === node && props.includes(propName(out.readUInt32BE(p + 8)))) {
        for (let q = p; q < next; q += 4) out.writeUInt32BE(FDT_NOP, q);
        removed++;
      }
      p = next;
    } else if (token === FDT_NOP) p += 4;
    else if (token === FDT_END) break;
    else throw new Error(`device tree: unknown token ${token} at offset ${p}`);
  }
  return { dtb: out, removed };
}

/** The SD host controller ("sdhost") of the BCM283x, where the card sits once Linux muxes it. */
export const SDHOST_NODE = 'mmc@7e202000';

/**
 * QEMU's BCM2835 DMA engine runs a whole control-block chain at once and ignores the
 * peripheral's DREQ, and its sdhost has none: a timed-out multi-block transfer's DMA still
 * completes, and Linux's bcm2835 driver then dereferences a finished request (the oops in
 * bcm2835_finish_data from bcm2835_dma_complete_work; the boot stops at journald). Without
 * `dmas`/`dma-names` the driver uses PIO, which QEMU models fully. A real Pi is not affected.
 */
export function withoutSdhostDma(dtb: Buffer): Buffer {
  return nopProperties(dtb, SDHOST_NODE, ['dmas', 'dma-names']).dtb;
}

/** The VideoCore's VCHIQ interface, on the doorbell mailbox. */
export const VCHIQ_NODE = 'mailbox@7e00b840';

/**
 * QEMU does not model the VideoCore's VCHIQ interface: the firmware's mailbox refuses its
 * channel base, and Linux 6.1's vchiq driver (bookworm) then oopses in recycle_func and
 * slot_handler_func (seen on raspi2b, beside a udev that went past its device timeout). Without
 * `compatible` no driver binds to the node. A real Pi's firmware answers.
 */
export function withoutVchiq(dtb: Buffer): Buffer {
  return nopProperties(dtb, VCHIQ_NODE, ['compatible']).dtb;
}

/** The device tree the boot test gives QEMU's Pi board: the image's, with QEMU's gaps patched. */
export const patchedPiDtb = (dtb: Buffer): Buffer =>
  withoutVchiq(withoutSdhostDma(withoutPowerManagement(dtb)));

/**
 * On QEMU's raspi machines serial port 0 is the PL011 (ttyAMA*) and port 1 the mini UART
 * (ttyS*, the Pi 3's console). The last console= of the command line is the one Linux's
 * login prompt is on; that port goes to stdout.
 */
export function piSerialArgs(cmdline: string): string[] {
  const consoles = [...cmdline.matchAll(/(?:^|\s)console=(tty[A-Za-z]+)\d*/g)].map((m) => m[1]!);
  const last = consoles.filter((c) => c !== 'tty').pop();
  return last === 'ttyS' ? ['-serial', 'null', '-serial', 'stdio'] : ['-serial', 'stdio'];
}

export interface BootFiles {
  kernel: string;
  initrd?: string;
  /** The Pi board's device tree (patched), for `pi`. */
  dtb?: string;
  /** The kernel command line: cmdline.txt as the image holds it (`pi`), or virt's own when absent. */
  cmdline?: string;
  /** The scratch disk image; absent for a kernel booted with only an initramfs. */
  disk?: string;
}

/**
 * QEMU emulates every core on what the host spares: on a busy host udev can take longer than
 * systemd's 90 s to show the FAT's label, and the boot then stops in emergency mode (seen on
 * raspi2b, and on virt beside a CI run). Added to the boot test's command line only (systemd
 * 254 and later; older ones get the device drop-in guest-tests.ts adds); a real board is not
 * that slow.
 */
export const EMULATED_SLACK = 'systemd.default_device_timeout_sec=900 systemd.default_timeout_start_sec=900';

/** virt's command line for an image: the root by label on the virtio disk. */
const VIRT_IMAGE_CMDLINE = `console=ttyAMA0 root=LABEL=RASPIROOT rw rootwait panic=-1 net.ifnames=0 ${EMULATED_SLACK}`;

const QUIET = ['-display', 'none', '-monitor', 'none', '-no-reboot'];

/** virt's cores. */
const VIRT_CORES = 2;

/**
 * How QEMU runs the guest's cores: each on a host thread of its own (MTTCG, QEMU's default)
 * only when the host has a core for each and one to spare; else all in one thread. With fewer
 * host cores than guest cores, MTTCG's threads wait on each other (a vCPU holding a guest lock
 * is descheduled while the others spin; QEMU's stop-the-world sections wait for every thread).
 * Measured on 2 host cores, the default image's login prompt: raspi3b alone 170 s with four
 * threads, 96 s with one; two raspi3b boots side by side 359/374 s against 89/92 s. virt (2
 * cores) alone 58 s with two threads, 82 s with one, but side by side 129/143 s against 89/91 s:
 * a build's boot test runs beside compression, so one thread there too. A one-core board
 * (raspi0, whose -icount needs one thread anyway) gets nothing, nor raspi2b (PiBoard.qemuThreads).
 */
export function tcgThreads(guestCores: number, hostCores = availableParallelism()): string[] {
  if (guestCores <= 1) return [];
  return ['-accel', `tcg,thread=${hostCores > guestCores ? 'multi' : 'single'}`];
}

/** QEMU's arguments (after the program name) for the machine. */
export function machineArgs(arch: Arch, machine: BootMachine, f: BootFiles): string[] {
  const boot = ['-kernel', f.kernel, ...(f.initrd ? ['-initrd', f.initrd] : [])];
  if (machine === 'pi') {
    if (!f.dtb || f.cmdline === undefined)
      throw new Error('the Pi board needs the device tree and cmdline.txt');
    return [
      '-M',
      PI_BOARD[arch].machine,
      ...(PI_BOARD[arch].qemuThreads ? [] : tcgThreads(PI_BOARD[arch].cores)),
      ...(PI_BOARD[arch].extra ?? []),
      ...QUIET,
      ...piSerialArgs(f.cmdline),
      ...boot,
      '-dtb',
      f.dtb,
      '-append',
      f.cmdline,
      ...(f.disk ? ['-drive', `if=sd,format=raw,file=${f.disk}`] : []),
    ];
  }
  return [
    '-M',
    // Debian's armmp kernel has no LPAE: keep virt's PCI window below 4 GiB or it finds no disk.
    arch === 'arm64' ? 'virt' : 'virt,highmem=off',
    '-cpu',
    arch === 'arm64' ? 'cortex-a72' : 'cortex-a15',
    '-m',
    '1024',
    '-smp',
    String(VIRT_CORES),
    ...tcgThreads(VIRT_CORES),
    ...QUIET,
    '-serial',
    'stdio',
    ...boot,
    '-append',
    f.cmdline ?? VIRT_IMAGE_CMDLINE,
    ...(f.disk
      ? ['-drive', `if=none,id=disk,file=${f.disk},format=raw`, '-device', 'virtio-blk-pci,drive=disk']
      : []),
    '-nic',
    'none',
  ];
}
