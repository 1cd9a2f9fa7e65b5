// Secrets out of text, and credentials out of URLs: a URL option may carry `user:token@`,
// which must reach no log, summary, argv, or file in the image.

/** Replaces every secret given as input with *** (longest first, so overlapping secrets go whole). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets.filter((x) => x.length >= 3).sort((a, b) => b.length - a.length))
    out = out.split(s).join('***');
  return out;
}

export interface UrlCredentials {
  /** The URL without `user:password@`. */
  url: string;
  /** Decoded user and password (the password may be empty: a token given as the user). */
  username?: string;
  password?: string;
}

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * http(s) URLs only: an ssh:// user (git@) is a login name, not a secret, and ssh takes no
 * password from the URL.
 */
const HTTP_USERINFO = /^(https?:\/\/)([^/?#]*)@(.*)$/i;

const ANY_USERINFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)@(.*)$/;

/** For messages about a URL that failed validation: any scheme's `user:password@` left out. */
export function hideUserinfo(url: string): string {
  return url.replace(ANY_USERINFO, '$1$3');
}

/**
 * Splits `http(s)://user:pass@host/path` into a credential-free URL and the credentials.
 * Anything else (no `://`, no userinfo, scp-style `git@host:path`) comes back unchanged.
 */
export function splitUrlCredentials(url: string): UrlCredentials {
  const m = HTTP_USERINFO.exec(url);
  if (!m) return { url };
  const [, scheme, userinfo, rest] = m as unknown as [string, string, string, string];
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const pass = colon < 0 ? '' : userinfo.slice(colon + 1);
  return { url: `${scheme}${rest}`, username: decode(user), password: decode(pass) };
}

/** The URL with its credentials removed, for anything shown or written. */
export function withoutCredentials(url: string): string {
  return splitUrlCredentials(url).url;
}

/** `Basic base64(user:password)`, the Authorization header for a credentialed URL, or undefined. */
export function basicAuth(url: string): string | undefined {
  const c = splitUrlCredentials(url);
  if (c.username === undefined) return undefined;
  return `Basic ${Buffer.from(`${c.username}:${c.password ?? ''}`).toString('base64')}`;
}

/**
 * What of a URL must be masked: the whole `user:password` part as written and the password
 * (as written and decoded), or the user alone when it is the token; and the Basic header value,
 * in case a tool's trace prints it. A plain user name next to a password is not secret.
 */
export function urlSecrets(url: string): string[] {
  const m = HTTP_USERINFO.exec(url);
  if (!m) {
    // Another scheme (ftp://, ssh://): only a password there is secret, never a login name (git@).
    const other = ANY_USERINFO.exec(url)?.[2];
    const pass = other?.includes(':') ? other.slice(other.indexOf(':') + 1) : '';
    return pass ? [other!, pass, decode(pass)].filter((v, i, a) => a.indexOf(v) === i) : [];
  }
  const userinfo = m[2]!;
  const c = splitUrlCredentials(url);
  const rawPass = userinfo.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : '';
  const secret = rawPass ? [rawPass, c.password!] : [userinfo.replace(/:$/, ''), c.username!];
  const header = basicAuth(url)!.slice('Basic '.length);
  return [...new Set([userinfo, ...secret, header].filter((s) => s.length > 0))];
}

const known = new Set<string>();

/** Remembers secrets for text printed outside the logger (the CLI's last error line). */
export function rememberSecrets(secrets: readonly string[]): void {
  for (const s of secrets) if (s) known.add(s);
}

/** Every secret remembered so far in this process. */
export function knownSecrets(): string[] {
  return [...known];
}

/**
 * git without credentials on its command line: the credential-free URL for argv, and the
 * Authorization header as config in the environment (GIT_CONFIG_*), scoped to that URL.
 */
export function gitAuth(url: string): { url: string; env: Record<string, string> } {
  const header = basicAuth(url);
  const clean = withoutCredentials(url);
  if (!header) return { url, env: {} };
  return {
    url: clean,
    env: {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: `http.${clean}.extraHeader`,
      GIT_CONFIG_VALUE_0: `Authorization: ${header}`,
    },
  };
}
