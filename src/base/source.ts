// base-image: where the image comes from (a workspace path or an http(s) URL), checked against
// its SHA-256, and unpacked to a raw .img in the work folder. The file the user gave is only read.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import { InputError } from '../runtime/errors.js';
import { exec } from '../runtime/exec.js';
import { readHead } from '../runtime/files.js';
import { formatBytes, logger } from '../runtime/log.js';
import { sha256File } from '../image/checksums.js';
import { basicAuth, hideUserinfo, withoutCredentials } from '../runtime/redact.js';

export const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/** The name errors and logs use: a URL without its credentials. */
export const shownName = (s: string): string => (isUrl(s) ? hideUserinfo(s) : s);

export type Packing = 'xz' | 'gzip' | 'zstd' | 'zip' | 'raw';

/** What a file is packed in, by its first bytes (a name can lie; magic cannot). */
export function packingOf(head: Buffer): Packing {
  const starts = (...b: number[]) => b.every((x, i) => head[i] === x);
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (starts(0x1f, 0x8b)) return 'gzip';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'zip';
  return 'raw';
}

const KNOWN_NAME = /\.(?:img|img\.xz|img\.gz|img\.zst|zip)$/i;

/** The checks that need no download: the kind of source, the hash a URL needs, the name's ending. */
export async function checkBaseImage(source: string, sha256: string | undefined): Promise<void> {
  const name = shownName(source);
  const path = isUrl(source) ? new URL(source).pathname : source;
  if (!KNOWN_NAME.test(path))
    throw new InputError(
      'base-image',
      `"${name}" is not an .img, .img.xz, .img.gz, .img.zst or .zip`,
      'Give an SD-card image, or an archive holding one, with its usual file ending.',
    );
  if (isUrl(source)) {
    if (sha256 === undefined)
      throw new InputError(
        'base-image-sha256',
        `is required with a URL base-image (${name})`,
        "Give the SHA-256 the image's publisher lists (sha256sum of the file as downloaded), so a changed or corrupt download is refused.",
      );
    return;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source))
    throw new InputError(
      'base-image',
      `"${name}": only http(s) URLs are supported`,
      'Give an http:// or https:// URL, or a path in the workspace.',
    );
  if (!(await stat(source).catch(() => undefined))?.isFile())
    throw new InputError(
      'base-image',
      `"${source}" is not a file`,
      'Give the path of an image file in the workspace, or an http(s) URL.',
    );
  if (sha256 !== undefined) checkHash(source, await sha256File(source), sha256);
  if (packingOf(await readHead(source, 8)) === 'zip') await zipImage(source, name);
}

function checkHash(source: string, got: string, want: string): void {
  if (got === want.toLowerCase()) return;
  throw new InputError(
    'base-image-sha256',
    `${shownName(source)} has SHA-256 ${got}, not ${want.toLowerCase()}`,
    'The file changed or the download is corrupt: check the hash the publisher lists, or the file itself.',
  );
}

/** Downloads a URL to `dest`, hashing as it goes; credentials go in a header, never in argv. */
export async function download(url: string, dest: string, want: string): Promise<void> {
  // The header carries the credentials; the URL fetched has none.
  const auth = basicAuth(url);
  const u = new URL(withoutCredentials(url));
  const headers: Record<string, string> = auth ? { authorization: auth } : {};
  const res = await fetch(u, { headers, redirect: 'follow' }).catch((err: unknown) => {
    throw new InputError(
      'base-image',
      `cannot download ${shownName(url)} (${String((err as Error).cause ?? err)})`,
      'Check the URL and that this host reaches it.',
    );
  });
  if (!res.ok || !res.body)
    throw new InputError(
      'base-image',
      `cannot download ${shownName(url)}: HTTP ${res.status}`,
      'Check the URL (and its credentials, if it needs any).',
    );
  const total = Number(res.headers.get('content-length') ?? 0);
  const h = createHash('sha256');
  let got = 0;
  let shown = 0;
  const counting = new Transform({
    transform(chunk: Buffer, _enc, done) {
      h.update(chunk);
      got += chunk.length;
      if (got - shown >= 16 * 1048576) {
        shown = got;
        logger().progress(
          `downloading ${basename(u.pathname)}: ${formatBytes(got)}${total ? ` of ${formatBytes(total)}` : ''}`,
        );
      }
      done(null, chunk);
    },
  });
  await pipeline(
    Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
    counting,
    createWriteStream(dest),
  );
  checkHash(url, h.digest('hex'), want);
}

/** The one .img inside a zip archive, or a refusal naming what it holds. */
export async function zipImage(archive: string, name: string): Promise<string> {
  const r = await exec('unzip', ['-Z1', archive], { allowFailure: true });
  if (r.exitCode !== 0)
    throw new InputError(
      'base-image',
      `${name} is not a readable zip archive`,
      'Give a .zip holding one .img file.',
    );
  const images = r.stdout.split('\n').filter((l) => /\.img$/i.test(l));
  if (images.length !== 1)
    throw new InputError(
      'base-image',
      `${name} holds ${images.length === 0 ? 'no .img file' : `${images.length} .img files (${images.join(', ')})`}`,
      'Give a .zip holding exactly one .img file, or the .img itself.',
    );
  return images[0]!;
}

/**
 * The base (a local file: the one given, or its download) as a raw image at `dest` in the work
 * folder, unpacked when packed. Progress shows the bytes written so far.
 */
export async function unpackBaseImage(
  file: string,
  source: string,
  dest: string,
  logFile: string,
): Promise<void> {
  await mkdir(join(dest, '..'), { recursive: true });
  const name = shownName(source);
  const packing = packingOf(await readHead(file, 8));
  const partial = `${dest}.partial`;
  const ticker = setInterval(() => {
    void stat(partial).then(
      (s) => logger().progress(`unpacking ${basename(name)} (${packing}): ${formatBytes(s.size)} written`),
      () => undefined,
    );
  }, 5000);
  try {
    if (packing === 'zip') {
      const member = await zipImage(file, name);
      // unzip reads member names as patterns: its wildcard characters are escaped.
      await exec('unzip', ['-p', file, member.replace(/[[\]*?\\]/g, '\\$&')], {
        stdoutFile: partial,
        logFile,
      });
    } else if (packing === 'raw') {
      await exec('cp', ['--sparse=always', file, partial], { logFile });
    } else {
      const tool = { xz: ['xz', '-dc', '-T0'], gzip: ['gzip', '-dc'], zstd: ['zstd', '-dc', '-q'] }[packing];
      await exec(tool[0]!, [...tool.slice(1), file], { stdoutFile: partial, logFile }).catch(
        (err: unknown) => {
          throw new InputError(
            'base-image',
            `${name} does not unpack as ${packing} (${(err as Error).message.split('\n')[0]})`,
            'Give a whole, uncorrupted file.',
          );
        },
      );
    }
  } finally {
    clearInterval(ticker);
  }
  await rename(partial, dest);
}
