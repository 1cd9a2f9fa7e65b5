// The package manifest, read natively from the root's dpkg database (no emulated dpkg-query).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PackageEntry {
  name: string;
  version: string;
  arch: string;
}

export function parseDpkgStatus(text: string): PackageEntry[] {
  const out: PackageEntry[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string): string | undefined =>
      new RegExp(`^${name}: (.*)$`, 'm').exec(stanza)?.[1]?.trim();
    const status = field('Status');
    const name = field('Package');
    if (!name || !status?.endsWith(' installed')) continue;
    out.push({ name, version: field('Version') ?? '', arch: field('Architecture') ?? '' });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.arch.localeCompare(b.arch));
}

export async function readManifest(rootDir: string): Promise<PackageEntry[]> {
  return parseDpkgStatus(await readFile(join(rootDir, 'var', 'lib', 'dpkg', 'status'), 'utf8'));
}

/** One package per line: name, version, arch, tab-separated. */
export async function writeManifest(path: string, pkgs: PackageEntry[]): Promise<void> {
  await writeFile(path, pkgs.map((p) => `${p.name}\t${p.version}\t${p.arch}\n`).join(''));
}
