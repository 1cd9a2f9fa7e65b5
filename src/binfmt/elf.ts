// Tiny static ELF programs, made here byte by byte so that probing a CPU or proving a
// handler needs no download: each writes "ok\n" and exits 0 via raw Linux syscalls.
// Also the ELF header reader used to tell a 32-bit userland and a static interpreter.
import { open } from 'node:fs/promises';

export type ElfMachine = 'aarch64' | 'arm' | 'x86_64' | 'i386' | 'other';

export interface ElfInfo {
  bits: 32 | 64;
  machine: ElfMachine;
  /** True when the program has a PT_INTERP segment (is dynamically linked). */
  dynamic: boolean;
}

const EM: Record<number, ElfMachine> = { 183: 'aarch64', 40: 'arm', 62: 'x86_64', 3: 'i386' };

/** AArch64: movz x0,#1; adr x1,msg; movz x2,#3; movz x8,#64 (write); svc 0; movz x0,#0; movz x8,#93 (exit); svc 0 */
const A64_CODE = [
  0xd2800020, 0x100000e1, 0xd2800062, 0xd2800808, 0xd4000001, 0xd2800000, 0xd2800ba8, 0xd4000001,
];
/** A32: mov r0,#1; add r1,pc,#20 (msg); mov r2,#3; mov r7,#4 (write); svc 0; mov r0,#0; mov r7,#1 (exit); svc 0 */
const A32_CODE = [
  0xe3a00001, 0xe28f1014, 0xe3a02003, 0xe3a07004, 0xef000000, 0xe3a00000, 0xe3a07001, 0xef000000,
];
const MSG = Buffer.from('ok\n\0', 'latin1');

function words(code: number[]): Buffer {
  const b = Buffer.alloc(code.length * 4);
  code.forEach((w, i) => b.writeUInt32LE(w >>> 0, i * 4));
  return b;
}

/**
 * Builds the program. With `bypassBinfmt`, byte 9 of e_ident (padding, which the kernel's
 * own ELF loader ignores) is set to 1: the standard QEMU binfmt masks require it to be 0,
 * so the kernel runs the file natively or refuses it, and a registered handler cannot
 * hide whether the CPU itself can run the code.
 */
export function tinyElf(machine: 'aarch64' | 'arm', bypassBinfmt = false): Buffer {
  const is64 = machine === 'aarch64';
  const body = Buffer.concat([words(is64 ? A64_CODE : A32_CODE), MSG]);
  const ehsize = is64 ? 64 : 52;
  const phsize = is64 ? 56 : 32;
  const codeOff = ehsize + phsize; // 120 or 84, both 4-byte aligned
  const base = 0x400000;
  const total = codeOff + body.length;
  const h = Buffer.alloc(codeOff);
  h.write('\x7fELF', 0, 'latin1');
  h[4] = is64 ? 2 : 1; // class
  h[5] = 1; // little endian
  h[6] = 1; // version
  if (bypassBinfmt) h[9] = 1;
  h.writeUInt16LE(2, 16); // ET_EXEC
  h.writeUInt16LE(is64 ? 183 : 40, 18);
  h.writeUInt32LE(1, 20);
  if (is64) {
    h.writeBigUInt64LE(BigInt(base + codeOff), 24); // entry
    h.writeBigUInt64LE(64n, 32); // phoff
    h.writeBigUInt64LE(0n, 40); // shoff
    h.writeUInt32LE(0, 48); // flags
    h.writeUInt16LE(ehsize, 52);
    h.writeUInt16LE(phsize, 54);
    h.writeUInt16LE(1, 56); // phnum
    // program header at 64
    h.writeUInt32LE(1, 64); // PT_LOAD
    h.writeUInt32LE(5, 68); // R+X
    h.writeBigUInt64LE(0n, 72); // offset
    h.writeBigUInt64LE(BigInt(base), 80); // vaddr
    h.writeBigUInt64LE(BigInt(base), 88); // paddr
    h.writeBigUInt64LE(BigInt(total), 96); // filesz
    h.writeBigUInt64LE(BigInt(total), 104); // memsz
    h.writeBigUInt64LE(0x10000n, 112); // align (64 KiB pages too)
  } else {
    h.writeUInt32LE(base + codeOff, 24);
    h.writeUInt32LE(52, 28); // phoff
    h.writeUInt32LE(0, 32);
    h.writeUInt32LE(0x05000400, 36); // EABI5, hard-float
    h.writeUInt16LE(ehsize, 40);
    h.writeUInt16LE(phsize, 42);
    h.writeUInt16LE(1, 44);
    h.writeUInt32LE(1, 52); // PT_LOAD
    h.writeUInt32LE(0, 56); // offset
    h.writeUInt32LE(base, 60);
    h.writeUInt32LE(base, 64);
    h.writeUInt32LE(total, 68);
    h.writeUInt32LE(total, 72);
    h.writeUInt32LE(5, 76);
    h.writeUInt32LE(0x10000, 80);
  }
  return Buffer.concat([h, body]);
}

/** Reads the ELF header and program headers of a file; undefined when it is not ELF. */
export async function readElf(path: string): Promise<ElfInfo | undefined> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(64);
    await fh.read(head, 0, 64, 0);
    if (head.toString('latin1', 0, 4) !== '\x7fELF' || head[5] !== 1) return undefined;
    const is64 = head[4] === 2;
    const machine = EM[head.readUInt16LE(18)] ?? 'other';
    const phoff = is64 ? Number(head.readBigUInt64LE(32)) : head.readUInt32LE(28);
    const phentsize = head.readUInt16LE(is64 ? 54 : 42);
    const phnum = head.readUInt16LE(is64 ? 56 : 44);
    const ph = Buffer.alloc(phentsize * phnum);
    await fh.read(ph, 0, ph.length, phoff);
    let dynamic = false;
    for (let i = 0; i < phnum; i++) if (ph.readUInt32LE(i * phentsize) === 3) dynamic = true; // PT_INTERP
    return { bits: is64 ? 64 : 32, machine, dynamic };
  } finally {
    await fh.close();
  }
}
