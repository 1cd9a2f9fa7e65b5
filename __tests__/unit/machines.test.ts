// The boot test's machines: the Pi board for each arch, its QEMU arguments from the image's
// cmdline.txt, and the device-tree patches for QEMU's gaps (checked on flattened trees built
// here, read back with an independent walker).
import { describe, expect, it } from 'vitest';
import {
  PI_BOARD,
  SDHOST_NODE,
  VCHIQ_NODE,
  machineArgs,
  tcgThreads,
  machineProblem,
  nopProperties,
  patchedPiDtb,
  piSerialArgs,
} from '../../src/boot/machines.js';

type Node = { name: string; props: Record<string, Buffer>; children: Node[] };

/** A flattened device tree (version 17) for `root`, written the way dtc lays it out. */
function fdt(root: Node): Buffer {
  const strings: string[] = [];
  const stringOff = (s: string): number => {
    const at = strings.indexOf(s);
    if (at >= 0)
      return Buffer.byteLength(
        strings
          .slice(0, at)
          .map((x) => `${x}\0`)
          .join(''),
      );
    strings.push(s);
    return stringOff(s);
  };
  const words: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    words.push(b);
  };
  const padded = (b: Buffer) => words.push(Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]));
  const walk = (n: Node) => {
    u32(1);
    padded(Buffer.from(`${n.name}\0`, 'latin1'));
    for (const [k, v] of Object.entries(n.props)) {
      u32(3);
      u32(v.length);
      u32(stringOff(k));
      padded(v);
    }
    n.children.forEach(walk);
    u32(2);
  };
  walk(root);
  u32(9);
  const struct = Buffer.concat(words);
  const str = Buffer.from(strings.map((s) => `${s}\0`).join(''), 'latin1');
  const rsv = Buffer.alloc(16);
  const header = Buffer.alloc(40);
  const offStruct = 40 + rsv.length;
  const offStrings = offStruct + struct.length;
  [
    0xd00dfeed,
    offStrings + str.length,
    offStruct,
    offStrings,
    40,
    17,
    16,
    0,
    str.length,
    struct.length,
  ].forEach((v, i) => header.writeUInt32BE(v, i * 4));
  return Buffer.concat([header, rsv, struct, str]);
}

/** Reads a tree back: node path -> property names (NOPs skipped), independent of machines.ts. */
function propsByPath(dtb: Buffer): Map<string, string[]> {
  const structAt = dtb.readUInt32BE(8);
  const stringsAt = dtb.readUInt32BE(12);
  const out = new Map<string, string[]>();
  const path: string[] = [];
  let p = structAt;
  for (;;) {
    const t = dtb.readUInt32BE(p);
    p += 4;
    if (t === 1) {
      const end = dtb.indexOf(0, p);
      path.push(dtb.toString('latin1', p, end));
      out.set(path.join('/'), []);
      p = (end + 4) & ~3;
    } else if (t === 2) path.pop();
    else if (t === 3) {
      const len = dtb.readUInt32BE(p);
      const off = dtb.readUInt32BE(p + 4);
      out.get(path.join('/'))!.push(dtb.toString('latin1', stringsAt + off, dtb.indexOf(0, stringsAt + off)));
      p = (p + 8 + len + 3) & ~3;
    } else if (t === 4) continue;
    else if (t === 9) return out;
    else throw new Error(`token ${t}`);
  }
}

const str = (s: string) => Buffer.from(`${s}\0`, 'latin1');
const cells = (...n: number[]) =>
  Buffer.concat(n.map((v) => Buffer.from([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255])));

const piTree = (): Buffer =>
  fdt({
    name: '',
    props: { compatible: str('raspberrypi,3-model-b') },
    children: [
      {
        name: 'soc',
        props: {},
        children: [
          {
            name: 'watchdog@7e100000',
            props: { compatible: Buffer.from('brcm,bcm2835-pm\0brcm,bcm2835-pm-wdt\0', 'latin1') },
            children: [],
          },
          {
            name: SDHOST_NODE,
            props: {
              compatible: str('brcm,bcm2835-sdhost'),
              dmas: cells(7, 13),
              'dma-names': str('rx-tx'),
              status: str('okay'),
            },
            children: [],
          },
          // Another controller with DMA (the SDHCI): its DMA stays.
          { name: 'mmc@7e300000', props: { dmas: cells(7, 11), 'dma-names': str('rx-tx') }, children: [] },
          {
            name: VCHIQ_NODE,
            props: {
              compatible: Buffer.from('brcm,bcm2836-vchiq\0brcm,bcm2835-vchiq\0', 'latin1'),
              reg: cells(0x7e00b840, 0x3c),
            },
            children: [],
          },
          // The firmware's own mailbox (the next node): untouched.
          { name: 'mailbox@7e00b880', props: { compatible: str('brcm,bcm2835-mbox') }, children: [] },
        ],
      },
    ],
  });

describe('device-tree patches for QEMU raspi machines', () => {
  it("removes the sdhost's dmas and dma-names as NOPs: same size, the rest of the tree as it was", () => {
    const dtb = piTree();
    const { dtb: out, removed } = nopProperties(dtb, SDHOST_NODE, ['dmas', 'dma-names']);
    expect(removed).toBe(2);
    expect(out.length).toBe(dtb.length);
    const before = propsByPath(dtb);
    const after = propsByPath(out);
    expect(after.get(`/soc/${SDHOST_NODE}`)).toEqual(['compatible', 'status']);
    expect(after.get('/soc/mmc@7e300000')).toEqual(['dmas', 'dma-names']);
    for (const [path, props] of before)
      if (!path.endsWith(SDHOST_NODE)) expect(after.get(path)).toEqual(props);
    expect(propsByPath(dtb).get(`/soc/${SDHOST_NODE}`)).toContain('dmas'); // the input is not changed
  });

  it('patches the gaps for the Pi board: no power-management or VCHIQ driver matches, the sdhost has no DMA', () => {
    const dtb = piTree();
    const out = patchedPiDtb(dtb);
    expect(out.length).toBe(dtb.length);
    expect(out.toString('latin1')).not.toMatch(/brcm,bcm2835-pm\0/);
    expect(propsByPath(out).get(`/soc/${SDHOST_NODE}`)).toEqual(['compatible', 'status']);
    expect(propsByPath(out).get(`/soc/${VCHIQ_NODE}`)).toEqual(['reg']);
    expect(out.toString('latin1')).not.toMatch(/vchiq/);
    expect(propsByPath(out).get('/soc/mailbox@7e00b880')).toEqual(['compatible']);
  });

  it('refuses what is not a device tree', () => {
    expect(() => nopProperties(Buffer.alloc(64), SDHOST_NODE, ['dmas'])).toThrow(/bad magic/);
  });
});

describe('the Pi board machines', () => {
  it("puts the console cmdline.txt names last on QEMU's matching serial port", () => {
    // Debian's arm64 cmdline.txt: the Pi 3's mini UART (QEMU's second serial port).
    expect(piSerialArgs('console=tty0 console=ttyS1,115200 root=LABEL=RASPIROOT rw')).toEqual([
      '-serial',
      'null',
      '-serial',
      'stdio',
    ]);
    // armhf and armel: the PL011, QEMU's first.
    expect(piSerialArgs('console=tty0 console=ttyAMA0,115200 rootwait')).toEqual(['-serial', 'stdio']);
  });

  it('boots each arch on its board with the image cmdline, device tree and the scratch copy as the SD card', () => {
    const files = {
      kernel: 'k',
      initrd: 'i',
      dtb: 'd.dtb',
      cmdline: 'console=ttyS1,115200 rootwait',
      disk: '/w/disk.img',
    };
    const a = machineArgs('arm64', 'pi', files);
    expect(a.slice(0, 2)).toEqual(['-M', 'raspi3b']);
    expect(a).toEqual(
      expect.arrayContaining(['-dtb', 'd.dtb', '-append', 'console=ttyS1,115200 rootwait', '-initrd', 'i']),
    );
    expect(a[a.indexOf('-drive') + 1]).toBe('if=sd,format=raw,file=/w/disk.img');
    expect(machineArgs('armhf', 'pi', files)[1]).toBe('raspi2b');
    expect(machineArgs('armel', 'pi', files)[1]).toBe('raspi0');
    // raspi0's clock events are the BCM2835 system timer (exact-match compares): its guest clock
    // follows the instructions it runs, so a host stall cannot step the counter past a compare.
    expect(machineArgs('armel', 'pi', files).join(' ')).toContain('-M raspi0 -icount shift=auto');
    expect(a).not.toContain('-icount');
    expect(PI_BOARD.armhf.dtb).toBe('bcm2836-rpi-2-b.dtb');
    const v = machineArgs('arm64', 'virt', files);
    expect(v).toEqual(expect.arrayContaining(['virt', 'virtio-blk-pci,drive=disk']));
    expect(v).not.toContain('-dtb');
    // An image on virt: its own command line, with the same slack for a busy host as the Pi boards get.
    const append = machineArgs('arm64', 'virt', { kernel: files.kernel, disk: files.disk });
    expect(append[append.indexOf('-append') + 1]).toMatch(
      /root=LABEL=RASPIROOT .*systemd\.default_device_timeout_sec=900 systemd\.default_timeout_start_sec=900$/,
    );
  });

  it("runs the guest's cores in one host thread unless the host has a core for each and one to spare", () => {
    expect(tcgThreads(4, 2)).toEqual(['-accel', 'tcg,thread=single']);
    expect(tcgThreads(4, 4)).toEqual(['-accel', 'tcg,thread=single']);
    expect(tcgThreads(4, 8)).toEqual(['-accel', 'tcg,thread=multi']);
    expect(tcgThreads(2, 2)).toEqual(['-accel', 'tcg,thread=single']);
    // raspi0: one core, and -icount needs one thread anyway.
    expect(tcgThreads(1, 2)).toEqual([]);
    const files = { kernel: 'k', dtb: 'd.dtb', cmdline: 'console=ttyAMA0', disk: '/w/disk.img' };
    const accel = (a: string[]) => a[a.indexOf('-accel') + 1];
    const mine = tcgThreads(4)[1];
    expect(accel(machineArgs('arm64', 'pi', files))).toBe(mine);
    // raspi2b keeps QEMU's default: its armhf kernel stalled in one thread.
    expect(machineArgs('armhf', 'pi', files)).not.toContain('-accel');
    expect(machineArgs('armel', 'pi', files)).not.toContain('-accel');
    expect(accel(machineArgs('arm64', 'virt', files))).toBe(tcgThreads(2)[1]);
  });

  it('refuses virt for armel, whose kernel has no virtio', () => {
    expect(machineProblem('armel', 'virt')).toMatch(/no virtio/);
    expect(machineProblem('armel', 'pi')).toBeUndefined();
    expect(machineProblem('armhf', 'virt')).toBeUndefined();
  });
});
