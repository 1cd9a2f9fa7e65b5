// Checks on the tarballs that travel through a cache Store. A restored entry is input from
// outside this build, unpacked as root: before anything is extracted, its listing must read
// to the end (a truncated or corrupt entry fails here) and hold no member that could land
// outside the target folder (absolute names, "..") or a device node where none belongs.
import { readHead } from '../runtime/files.js';
import { exec } from '../runtime/exec.js';

/** An entry that must not be used: the restore turns it into a miss and drops the entry. */
export class UnusableEntry extends Error {}

export interface ArchivePolicy {
  /** Device nodes are accepted only below this member folder ('dev' for a root filesystem); none when unset. */
  devicesUnder?: string;
  /** Listing a root packed as root may need sudo (see exec's `privileged`). */
  privileged?: string;
}

/** One `tar --quoting-style=c` string starting at `at` (the opening quote), unescaped enough for path checks. */
function cString(line: string, at: number): { text: string; end: number } | undefined {
  if (line[at] !== '"') return undefined;
  let text = '';
  for (let i = at + 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') return { text, end: i + 1 };
    if (c === '\\') {
      // Escapes (\n, \", \\, octal) never stand for "/" or ".", so keeping them as is is safe.
      text += c + (line[++i] ?? '');
    } else text += c;
  }
  return undefined;
}

const badPath = (p: string): boolean => p.startsWith('/') || p.split('/').includes('..');

/** Why one listing line is refused, or undefined when it is fine. */
export function refuseMember(line: string, policy: ArchivePolicy): string | undefined {
  const type = line[0];
  // With --numeric-owner nothing before the name holds a quote.
  const name = cString(line, line.indexOf('"'));
  if (!type || !name) return `unreadable listing line: ${line}`;
  if (badPath(name.text)) return `member "${name.text}" would be written outside the target folder`;
  if (type === 'h') {
    const target = cString(line, line.indexOf('"', name.end));
    if (!target || badPath(target.text)) return `hard link "${name.text}" points outside the target folder`;
  }
  if (type === 'c' || type === 'b') {
    const under = policy.devicesUnder?.replace(/^\.?\/*|\/+$/g, '');
    const rel = name.text.replace(/^(\.\/)+/, '');
    if (!under || !rel.startsWith(`${under}/`))
      return `device node "${name.text}" outside ${under ? `./${under}/` : 'a root filesystem'}`;
  } else if (!'-dlhp'.includes(type)) return `member "${name.text}" has an unexpected type "${type}"`;
  return undefined;
}

/**
 * Lists the archive (tar detects the compression) and returns why it must not be unpacked:
 * it does not read to the end, or one of its members is refused. Undefined when it is fine.
 */
export async function checkArchive(file: string, policy: ArchivePolicy = {}): Promise<string | undefined> {
  let refused: string | undefined;
  // A missing tar or sudo throws here: that says nothing about the entry, which is kept.
  // --absolute-names: show names and link targets as stored, not with "/" and "../" stripped.
  const args = [
    '--list',
    '--verbose',
    '--numeric-owner',
    '--absolute-names',
    '--quoting-style=c',
    '-f',
    file,
  ];
  const r = await exec('tar', args, {
    env: { LC_ALL: 'C' },
    allowFailure: true,
    maxStdout: 0,
    ...(policy.privileged ? { privileged: policy.privileged } : {}),
    onLine: (line, stream) => {
      if (stream === 'stdout' && line && !refused) refused = refuseMember(line, policy);
    },
  });
  if (r.exitCode !== 0) {
    const why = r.stderr.trim().split('\n').slice(-3).join('; ');
    return `does not unpack (damaged or cut short: ${why || `tar exited with ${r.exitCode}`})`;
  }
  return refused ? `is refused: ${refused}` : undefined;
}

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** Before a save: a zstd file (every tarball rpi-build packs) must decompress to its end. */
export async function checkWhole(file: string): Promise<void> {
  if (!(await readHead(file, 4)).equals(ZSTD_MAGIC)) return;
  const r = await exec('zstd', ['-tq', file], { allowFailure: true });
  if (r.exitCode !== 0)
    throw new Error(
      `${file} is not a whole zstd archive (${r.stderr.trim() || `zstd exited ${r.exitCode}`})`,
    );
}
