import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);

// src/binfmt/elf.ts
import { open } from "node:fs/promises";
var EM = { 183: "aarch64", 40: "arm", 62: "x86_64", 3: "i386" };
var A64_CODE = [
  3531604e3,
  268435681,
  3531604066,
  3531606024,
  3556769793,
  3531603968,
  3531606952,
  3556769793
];
var A32_CODE = [
  3818913793,
  3801026580,
  3818921987,
  3818942468,
  4009754624,
  3818913792,
  3818942465,
  4009754624
];
var MSG = Buffer.from("ok\n\0", "latin1");
function words(code) {
  const b = Buffer.alloc(code.length * 4);
  code.forEach((w, i) => b.writeUInt32LE(w >>> 0, i * 4));
  return b;
}
function tinyElf(machine, bypassBinfmt = false) {
  const is64 = machine === "aarch64";
  const body = Buffer.concat([words(is64 ? A64_CODE : A32_CODE), MSG]);
  const ehsize = is64 ? 64 : 52;
  const phsize = is64 ? 56 : 32;
  const codeOff = ehsize + phsize;
  const base = 4194304;
  const total = codeOff + body.length;
  const h = Buffer.alloc(codeOff);
  h.write("\x7FELF", 0, "latin1");
  h[4] = is64 ? 2 : 1;
  h[5] = 1;
  h[6] = 1;
  if (bypassBinfmt) h[9] = 1;
  h.writeUInt16LE(2, 16);
  h.writeUInt16LE(is64 ? 183 : 40, 18);
  h.writeUInt32LE(1, 20);
  if (is64) {
    h.writeBigUInt64LE(BigInt(base + codeOff), 24);
    h.writeBigUInt64LE(64n, 32);
    h.writeBigUInt64LE(0n, 40);
    h.writeUInt32LE(0, 48);
    h.writeUInt16LE(ehsize, 52);
    h.writeUInt16LE(phsize, 54);
    h.writeUInt16LE(1, 56);
    h.writeUInt32LE(1, 64);
    h.writeUInt32LE(5, 68);
    h.writeBigUInt64LE(0n, 72);
    h.writeBigUInt64LE(BigInt(base), 80);
    h.writeBigUInt64LE(BigInt(base), 88);
    h.writeBigUInt64LE(BigInt(total), 96);
    h.writeBigUInt64LE(BigInt(total), 104);
    h.writeBigUInt64LE(0x10000n, 112);
  } else {
    h.writeUInt32LE(base + codeOff, 24);
    h.writeUInt32LE(52, 28);
    h.writeUInt32LE(0, 32);
    h.writeUInt32LE(83887104, 36);
    h.writeUInt16LE(ehsize, 40);
    h.writeUInt16LE(phsize, 42);
    h.writeUInt16LE(1, 44);
    h.writeUInt32LE(1, 52);
    h.writeUInt32LE(0, 56);
    h.writeUInt32LE(base, 60);
    h.writeUInt32LE(base, 64);
    h.writeUInt32LE(total, 68);
    h.writeUInt32LE(total, 72);
    h.writeUInt32LE(5, 76);
    h.writeUInt32LE(65536, 80);
  }
  return Buffer.concat([h, body]);
}
async function readElf(path) {
  let fh;
  try {
    fh = await open(path, "r");
  } catch {
    return void 0;
  }
  try {
    const head = Buffer.alloc(64);
    await fh.read(head, 0, 64, 0);
    if (head.toString("latin1", 0, 4) !== "\x7FELF" || head[5] !== 1) return void 0;
    const is64 = head[4] === 2;
    const machine = EM[head.readUInt16LE(18)] ?? "other";
    const phoff = is64 ? Number(head.readBigUInt64LE(32)) : head.readUInt32LE(28);
    const phentsize = head.readUInt16LE(is64 ? 54 : 42);
    const phnum = head.readUInt16LE(is64 ? 56 : 44);
    const ph = Buffer.alloc(phentsize * phnum);
    await fh.read(ph, 0, ph.length, phoff);
    let dynamic = false;
    for (let i = 0; i < phnum; i++) if (ph.readUInt32LE(i * phentsize) === 3) dynamic = true;
    return { bits: is64 ? 64 : 32, machine, dynamic };
  } finally {
    await fh.close();
  }
}

export {
  tinyElf,
  readElf
};
