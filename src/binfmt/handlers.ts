// The binfmt_misc handler table (magic and mask of each ELF machine, as QEMU's own
// qemu-binfmt-conf.sh defines them) and reading what the kernel has registered.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tinyElf } from './elf.js';

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

export interface HandlerSpec {
  /** Entry name under binfmt_misc, e.g. qemu-aarch64. */
  name: string;
  qemu: 'aarch64' | 'arm';
  magic: Buffer;
  mask: Buffer;
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

export const HANDLERS: Record<'aarch64' | 'arm', HandlerSpec> = {
  aarch64: {
    name: 'qemu-aarch64',
    qemu: 'aarch64',
    magic: hex('7f454c46 02010100 00000000 00000000 0200b700'),
    mask: hex('ffffffff ffffff00 ffffffff ffffffff feffffff'),
  },
  arm: {
    name: 'qemu-arm',
    qemu: 'arm',
    magic: hex('7f454c46 01010100 00000000 00000000 02002800'),
    mask: hex('ffffffff ffffff00 ffffffff ffffffff feffffff'),
  },
};

/** The flags we register with: F (open the interpreter now, so it works in chroots) and C (credentials; implies O). */
export const WANTED_FLAGS = 'FC';

export interface RegisteredHandler {
  name: string;
  enabled: boolean;
  interpreter?: string;
  /** Kernel's flag letters as shown, e.g. "OCF". */
  flags: string;
  offset: number;
  magic?: Buffer;
  mask?: Buffer;
  /** Extension-type handlers (E) have no magic. */
  extension?: string;
}

export function parseHandler(name: string, text: string): RegisteredHandler {
  const h: RegisteredHandler = { name, enabled: false, flags: '', offset: 0 };
  for (const line of text.split('\n')) {
    const [k, ...rest] = line.trim().split(/\s+/);
    const v = rest.join(' ');
    if (k === 'enabled') h.enabled = true;
    else if (k === 'disabled') h.enabled = false;
    else if (k === 'interpreter') h.interpreter = v;
    else if (k === 'flags:') h.flags = v;
    else if (k === 'offset') h.offset = Number(v);
    else if (k === 'magic') h.magic = hex(v);
    else if (k === 'mask') h.mask = hex(v);
    else if (k === 'extension') h.extension = v;
  }
  return h;
}

export async function listHandlers(dir = BINFMT_DIR): Promise<RegisteredHandler[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: RegisteredHandler[] = [];
  for (const n of names.sort()) {
    if (n === 'register' || n === 'status') continue;
    try {
      out.push(parseHandler(n, await readFile(join(dir, n), 'utf8')));
    } catch {
      // Removed while we read; skip.
    }
  }
  return out;
}

/** Whether a handler would catch executables of this ELF machine (tested against a real header). */
export function handlerCatches(h: RegisteredHandler, machine: 'aarch64' | 'arm'): boolean {
  if (!h.magic) return false;
  const file = tinyElf(machine);
  const mask = h.mask ?? Buffer.alloc(h.magic.length, 0xff);
  for (let i = 0; i < h.magic.length; i++) {
    const b = file[h.offset + i];
    if (b === undefined || (b & mask[i]!) !== (h.magic[i]! & mask[i]!)) return false;
  }
  return true;
}

export function hasFlags(h: RegisteredHandler, wanted: string): boolean {
  return [...wanted].every((f) => h.flags.includes(f));
}

/** The line written to binfmt_misc/register. Bytes are \x-escaped as the kernel expects. */
export function registerLine(spec: HandlerSpec, interpreter: string, flags = WANTED_FLAGS): string {
  const esc = (b: Buffer): string => [...b].map((x) => `\\x${x.toString(16).padStart(2, '0')}`).join('');
  return `:${spec.name}:M:0:${esc(spec.magic)}:${esc(spec.mask)}:${interpreter}:${flags}`;
}
