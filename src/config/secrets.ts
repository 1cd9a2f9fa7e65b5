// The one list of secrets of a build: the password, and the credentials of every URL option
// (mirror, security-mirror, pi-gen-repository, kernel-source, a toolchain URL). The logger
// masks them from the moment the config is read; the summary and diagnostics redact them.
import { readFileSync } from 'node:fs';
import { logger } from '../runtime/log.js';
import { rememberSecrets, urlSecrets } from '../runtime/redact.js';
import { OPTIONS } from './options.js';
import { camel, type BuildConfig, type RawConfig } from './schema.js';

/** Secrets in raw values keyed by option name (kebab-case), before or after validation. */
export function secretsOfRaw(raw: RawConfig): string[] {
  const out: string[] = [];
  for (const o of OPTIONS) {
    const v = raw[o.key];
    if (typeof v !== 'string' || v === '') continue;
    if (o.secret) out.push(v);
    if (o.url) out.push(...urlSecrets(v));
  }
  return [...new Set(out)];
}

/** The secrets of a validated config. */
export function configSecrets(config: BuildConfig): string[] {
  const raw: RawConfig = {};
  for (const o of OPTIONS) raw[o.key] = (config as Record<string, unknown>)[camel(o.key)];
  return secretsOfRaw(raw);
}

/** The first line of a password file, without its line break. */
export function readPasswordFile(path: string): string {
  return readFileSync(path, 'utf8').split(/\r?\n/)[0]!;
}

/**
 * Best effort, never throwing: the secrets of raw values that may not validate (the post step
 * re-reads the inputs after a cancelled main), including a password file's content.
 */
export function secretsOfSources(raw: RawConfig): string[] {
  const values = { ...raw };
  const file = values['password-file'];
  if (typeof file === 'string' && file !== '' && values.password === undefined) {
    try {
      values.password = readPasswordFile(file);
    } catch {
      /* unreadable: nothing to mask from it */
    }
  }
  return secretsOfRaw(values);
}

/** Masks these from now on: in the log (add-mask in Actions) and in the CLI's own error line. */
export function registerSecrets(secrets: readonly string[]): void {
  for (const s of secrets) logger().secret(s);
  rememberSecrets(secrets);
}
