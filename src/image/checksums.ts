// SHA-256 of files, streamed, and a SHA256SUMS file in sha256sum's format.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 }))
    h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Writes SHA256SUMS in `dir` for the files (by path relative to it, as `sha256sum -c` wants); returns the sums. */
export async function writeSha256Sums(dir: string, files: string[]): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const f of files) sums[relative(dir, f)] = await sha256File(f);
  const text = Object.entries(sums)
    .map(([name, sum]) => `${sum}  ${name}\n`)
    .join('');
  await writeFile(join(dir, 'SHA256SUMS'), text);
  return sums;
}
