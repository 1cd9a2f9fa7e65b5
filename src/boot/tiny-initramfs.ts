// The smallest initramfs that proves a kernel starts: /init is a static program of a few
// instructions that writes one line to the console and exits, with /dev/console so the kernel
// can give it one. Both are written here, byte by byte: no cross compiler, no busybox, no root
// (the device node exists only inside the archive).
import type { Arch } from '../config/schema.js';

/** The line /init writes; the kernel boot test passes when the console shows it. */
export const INIT_MARKER = 'rpi-build-kernel-boot: init is running';

const u32le = (words: number[]): Buffer => {
  const b = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => b.writeUInt32LE(w >>> 0, i * 4));
  return b;
};

/**
 * Machine code: write(1, msg, len); exit(0). The message follows the eight instructions, so
 * its address is the program counter plus a constant.
 */
function code(arch: Arch, msg: Buffer): Buffer {
  const len = msg.length;
  if (len > 255) throw new Error('the init message must be shorter than 256 bytes');
  if (arch === 'arm64') {
    const movz = (reg: number, imm: number): number => 0xd2800000 | (imm << 5) | reg;
    // adr x1, msg: msg is 28 bytes after this instruction (immhi = 28 >> 2, immlo = 0).
    const adrX1 = 0x10000000 | ((28 >> 2) << 5) | 1;
    const svc0 = 0xd4000001;
    return Buffer.concat([
      u32le([movz(0, 1), adrX1, movz(2, len), movz(8, 64), svc0, movz(0, 0), movz(8, 93), svc0]),
      msg,
    ]);
  }
  // A32 (ARMv6 and later, EABI: the syscall number in r7). add r1, pc, #20: pc reads 8 ahead.
  return Buffer.concat([
    u32le([
      0xe3a00001,
      0xe28f1014,
      0xe3a02000 | len,
      0xe3a07004,
      0xef000000,
      0xe3a00000,
      0xe3a07001,
      0xef000000,
    ]),
    msg,
  ]);
}

const LOAD = 0x400000;

/** A static ELF executable for the arch: one loadable segment holding headers and code. */
export function initProgram(arch: Arch, message = `${INIT_MARKER}\n`): Buffer {
  const body = code(arch, Buffer.from(message, 'latin1'));
  if (arch === 'arm64') {
    const headers = 64 + 56;
    const h = Buffer.alloc(headers);
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).copy(h, 0); // ELF64, little-endian, version 1, SysV
    h.writeUInt16LE(2, 16); // ET_EXEC
    h.writeUInt16LE(183, 18); // EM_AARCH64
    h.writeUInt32LE(1, 20);
    h.writeBigUInt64LE(BigInt(LOAD + headers), 24); // entry
    h.writeBigUInt64LE(64n, 32); // program headers at
    h.writeUInt16LE(64, 52); // ELF header size
    h.writeUInt16LE(56, 54); // program header size
    h.writeUInt16LE(1, 56); // one program header
    h.writeUInt16LE(64, 58); // section header size (none present)
    const size = BigInt(headers + body.length);
    h.writeUInt32LE(1, 64); // PT_LOAD
    h.writeUInt32LE(5, 68); // R + X
    h.writeBigUInt64LE(0n, 72); // from file offset 0
    h.writeBigUInt64LE(BigInt(LOAD), 80);
    h.writeBigUInt64LE(BigInt(LOAD), 88);
    h.writeBigUInt64LE(size, 96);
    h.writeBigUInt64LE(size, 104);
    h.writeBigUInt64LE(0x1000n, 112);
    return Buffer.concat([h, body]);
  }
  const headers = 52 + 32;
  const h = Buffer.alloc(headers);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]).copy(h, 0); // ELF32, little-endian
  h.writeUInt16LE(2, 16);
  h.writeUInt16LE(40, 18); // EM_ARM
  h.writeUInt32LE(1, 20);
  h.writeUInt32LE(LOAD + headers, 24);
  h.writeUInt32LE(52, 28);
  h.writeUInt32LE(0x05000000, 36); // EABI version 5
  h.writeUInt16LE(52, 40);
  h.writeUInt16LE(32, 42);
  h.writeUInt16LE(1, 44);
  h.writeUInt16LE(40, 46);
  const size = headers + body.length;
  h.writeUInt32LE(1, 52); // PT_LOAD
  h.writeUInt32LE(0, 56);
  h.writeUInt32LE(LOAD, 60);
  h.writeUInt32LE(LOAD, 64);
  h.writeUInt32LE(size, 68);
  h.writeUInt32LE(size, 72);
  h.writeUInt32LE(5, 76);
  h.writeUInt32LE(0x1000, 80);
  return Buffer.concat([h, body]);
}

export interface CpioEntry {
  name: string;
  /** Full st_mode: type and permissions. */
  mode: number;
  data?: Buffer;
  /** A device node's major and minor. */
  rdev?: [number, number];
}

const pad4 = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4);

/** A cpio archive in the "newc" format the kernel unpacks into its initramfs, owned by root. */
export function newcArchive(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const add = (e: CpioEntry, ino: number): void => {
    const data = e.data ?? Buffer.alloc(0);
    const name = Buffer.from(`${e.name}\0`, 'latin1');
    const fields = [
      ino,
      e.mode,
      0,
      0,
      1,
      0,
      data.length,
      0,
      0,
      e.rdev?.[0] ?? 0,
      e.rdev?.[1] ?? 0,
      name.length,
      0,
    ];
    const header = Buffer.from(
      `070701${fields.map((f) => f.toString(16).toUpperCase().padStart(8, '0')).join('')}`,
    );
    parts.push(header, name, pad4(header.length + name.length), data, pad4(data.length));
  };
  entries.forEach((e, i) => add(e, i + 1));
  add({ name: 'TRAILER!!!', mode: 0 }, 0);
  return Buffer.concat(parts);
}

/** /dev, /dev/console and /init for the arch. */
export function tinyInitramfs(arch: Arch): Buffer {
  return newcArchive([
    { name: 'dev', mode: 0o040755 },
    { name: 'dev/console', mode: 0o020600, rdev: [5, 1] },
    { name: 'init', mode: 0o100755, data: initProgram(arch) },
  ]);
}
