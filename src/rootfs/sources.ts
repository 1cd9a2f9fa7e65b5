// The image's apt sources: the suite and <suite>-updates from the mirror, <suite>-security from
// the security archive; one-line sources.list on bookworm, deb822 debian.sources from trixie on.
// URLs go into the image without credentials; apt gets those from a private auth.conf file
// (mode 0600) that lives outside the root, or inside it only while apt runs in the chroot.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../runtime/errors.js';
import { splitUrlCredentials } from '../runtime/redact.js';

export interface SourcesSpec {
  suite: string;
  mirror: string;
  /** The security archive; absent or "none" leaves it out. */
  securityMirror?: string;
  components: string[];
}

export interface Archive {
  /** The URL as configured (with any credentials): for reading its state and for auth. */
  url: string;
  /** The same without credentials: what argv, logs and the image get. */
  uri: string;
  suite: string;
  /** The option it comes from, for errors. */
  input: 'mirror' | 'security-mirror';
}

/** The three archives of a build, in the order apt lists them. */
export function archives(spec: SourcesSpec): Archive[] {
  const at = (url: string, suite: string, input: Archive['input']): Archive => ({
    url: url.replace(/\/+$/, ''),
    uri: splitUrlCredentials(url).url.replace(/\/+$/, ''),
    suite,
    input,
  });
  const list = [at(spec.mirror, spec.suite, 'mirror'), at(spec.mirror, `${spec.suite}-updates`, 'mirror')];
  if (spec.securityMirror && spec.securityMirror !== 'none')
    list.push(at(spec.securityMirror, `${spec.suite}-security`, 'security-mirror'));
  return list;
}

/** Releases before trixie keep the one-line format; trixie and later use deb822 (as Debian's installer does). */
export function usesDeb822(suite: string): boolean {
  return suite !== 'bookworm';
}

/** The sources file (path inside the root) and its text; never any credentials. */
export function sourcesFile(spec: SourcesSpec): { path: string; text: string } {
  const list = archives(spec);
  const comps = spec.components.join(' ');
  if (!usesDeb822(spec.suite)) {
    return {
      path: 'etc/apt/sources.list',
      text: list.map((a) => `deb ${a.uri} ${a.suite} ${comps}\n`).join(''),
    };
  }
  // One stanza per URI, its suites together.
  const byUri = new Map<string, string[]>();
  for (const a of list) byUri.set(a.uri, [...(byUri.get(a.uri) ?? []), a.suite]);
  const stanzas = [...byUri].map(([uri, suites]) =>
    [
      'Types: deb',
      `URIs: ${uri}`,
      `Suites: ${suites.join(' ')}`,
      `Components: ${comps}`,
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
    ].join('\n'),
  );
  return { path: 'etc/apt/sources.list.d/debian.sources', text: `${stanzas.join('\n\n')}\n` };
}

/** mmdebstrap's mirror arguments: full one-line entries without credentials. */
export function mmdebstrapMirrors(spec: SourcesSpec): string[] {
  return archives(spec).map((a) => `deb ${a.uri} ${a.suite} ${spec.components.join(' ')}`);
}

/** Replaces whatever sources the bootstrap wrote with the image's own. */
export async function writeImageSources(root: string, spec: SourcesSpec): Promise<void> {
  await rm(join(root, 'etc', 'apt', 'sources.list'), { force: true });
  const dir = join(root, 'etc', 'apt', 'sources.list.d');
  await mkdir(dir, { recursive: true });
  // mmdebstrap names its extra files 0000…, 0001…; the image keeps one file.
  for (const f of await readdir(dir)) if (/^\d{4}/.test(f)) await rm(join(dir, f), { force: true });
  const { path, text } = sourcesFile(spec);
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text, { mode: 0o644 });
}

/**
 * apt's auth.conf lines (machine with protocol, host, port and path, so the login goes to that
 * archive only) for the archives whose URL carries credentials; undefined when none does.
 */
export function authConf(spec: SourcesSpec): string | undefined {
  const lines: string[] = [];
  for (const a of archives(spec)) {
    const c = splitUrlCredentials(a.url);
    if (c.username === undefined) continue;
    // netrc has no quoting: a space would split the token.
    if (/\s/.test(c.username + (c.password ?? '')))
      throw new InputError(
        a.input,
        'has credentials with a space or line break, which apt cannot read',
        'Use a token without spaces (percent-encoded spaces are decoded, so they count).',
      );
    const line = `machine ${a.uri} login ${c.username} password ${c.password ?? ''}`;
    if (!lines.includes(line)) lines.push(line);
  }
  return lines.length ? `${lines.join('\n')}\n` : undefined;
}

/** Where apt inside the root looks for extra logins; the file exists only while fn runs. */
const IN_ROOT_AUTH = join('etc', 'apt', 'auth.conf.d', '90rpi-build.conf');

/**
 * Runs fn (apt inside the chroot: refreshing a cached root, customize scripts) with the
 * archives' logins in the root's auth.conf.d, mode 0600, removed afterwards whatever happens,
 * so no packed root or image ever holds it. Without credentials fn just runs.
 */
export async function withAptAuth<T>(root: string, spec: SourcesSpec, fn: () => Promise<T>): Promise<T> {
  const text = authConf(spec);
  if (!text) return fn();
  const file = join(root, IN_ROOT_AUTH);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text, { mode: 0o600 });
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}
