// A base image's partition table, read with sfdisk (no loop device), and the FAT + Linux pair
// a Raspberry Pi boots from picked out of it, or a refusal that says what the image holds.
import { InputError } from '../runtime/errors.js';
import { exec } from '../runtime/exec.js';

export interface Partition {
  /** 1-based, as in PARTUUID <disk-id>-<nn> and /dev/mmcblk0p<n>. */
  number: number;
  /** Byte offset and size in the image. */
  start: number;
  size: number;
  type: string;
}

export interface BaseTable {
  /** The DOS disk identifier as 8 hex digits: PARTUUIDs are built from it. */
  diskId: string;
  boot: Partition;
  root: Partition;
}

// DOS types a Pi's firmware reads as FAT, and Linux's.
const FAT_TYPES = new Set(['b', 'c', 'e', '6', 'ef']);
const LINUX_TYPE = '83';

interface SfdiskJson {
  partitiontable?: {
    label?: string;
    id?: string;
    sectorsize?: number;
    partitions?: { node: string; start: number; size: number; type: string }[];
  };
}

/** The pair from sfdisk --json's text; `name` is what the error calls the image. */
export function pickPartitions(json: string, name: string): BaseTable {
  let t: SfdiskJson['partitiontable'];
  try {
    t = (JSON.parse(json) as SfdiskJson).partitiontable;
  } catch {
    t = undefined;
  }
  const fix =
    'Give an SD-card image with a FAT boot partition and a Linux root partition (as Raspberry Pi OS and rpi-build images have).';
  if (!t) throw new InputError('base-image', `${name} has no partition table`, fix);
  if (t.label !== 'dos')
    throw new InputError(
      'base-image',
      `${name} has a ${t.label ?? 'unknown'} partition table; only DOS (MBR) tables are supported yet`,
      fix,
    );
  const sector = t.sectorsize ?? 512;
  const parts: Partition[] = (t.partitions ?? []).map((p) => ({
    number: Number(/(\d+)$/.exec(p.node)?.[1] ?? 0),
    start: p.start * sector,
    size: p.size * sector,
    type: p.type.toLowerCase(),
  }));
  const boot = parts.find((p) => FAT_TYPES.has(p.type));
  const root = parts.find((p) => p.type === LINUX_TYPE);
  if (!boot || !root) {
    const seen = parts.length ? parts.map((p) => `${p.number}: type ${p.type}`).join(', ') : 'no partitions';
    throw new InputError('base-image', `${name} has no FAT + Linux partition pair (${seen})`, fix);
  }
  const diskId = (t.id ?? '').replace(/^0x/i, '').toLowerCase().padStart(8, '0');
  if (!/^[0-9a-f]{8}$/.test(diskId))
    throw new InputError('base-image', `${name} has no DOS disk identifier`, fix);
  return { diskId, boot, root };
}

export async function readPartitions(image: string, name: string): Promise<BaseTable> {
  const r = await exec('sfdisk', ['--json', image], { allowFailure: true });
  if (r.exitCode !== 0)
    throw new InputError(
      'base-image',
      `${name} is not a disk image (sfdisk: ${r.stderr.trim().split('\n').pop() ?? 'no table'})`,
      'Give an SD-card image (.img), or an archive holding one.',
    );
  return pickPartitions(r.stdout, name);
}

export interface FsIdentity {
  type: string;
  label?: string;
  uuid?: string;
}

/** A file system's type, label and UUID at an offset in the image, read by blkid's probe. */
export async function fsIdentity(image: string, offset: number): Promise<FsIdentity> {
  const r = await exec('blkid', ['--probe', '--offset', String(offset), '--output', 'export', image], {
    allowFailure: true,
  });
  const fields = Object.fromEntries(
    r.stdout
      .split('\n')
      .map((l) => /^([A-Z_]+)=(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
  return {
    type: fields.TYPE ?? 'unknown',
    ...(fields.LABEL ? { label: fields.LABEL } : {}),
    ...(fields.UUID ? { uuid: fields.UUID } : {}),
  };
}
