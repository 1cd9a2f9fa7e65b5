// The diagnostics bundle: what someone needs to understand a failed build without the
// machine: the doctor's report, binfmt entries, mounts, disk, the kernel log tail, the build
// logs and the configuration, with every secret given as input replaced by ***.
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildConfig } from '../config/schema.js';
import { redactConfig } from '../config/schema.js';
import { runDoctor } from '../host/doctor.js';
import { BINFMT_DIR } from '../binfmt/handlers.js';
import { exec } from '../runtime/exec.js';
import { errorMessage } from '../runtime/errors.js';
import { knownSecrets, redact } from '../runtime/redact.js';
import { configSecrets } from '../config/secrets.js';

export const BUNDLE_NAME = 'rpi-build-diagnostics.tar.gz';

async function commandText(cmd: string, args: string[], privileged = false): Promise<string> {
  try {
    const r = await exec(cmd, args, {
      allowFailure: true,
      timeoutMs: 20_000,
      ...(privileged ? { privileged: cmd } : {}),
    });
    return `${r.stdout}${r.stderr ? `\n[stderr]\n${r.stderr}` : ''}`;
  } catch (err) {
    return `(${cmd} could not run: ${errorMessage(err)})`;
  }
}

export interface CollectInput {
  workDir: string;
  /** Where the bundle is made: a folder of the invoking user (the work folder may be root's). */
  outDir: string;
  config?: BuildConfig;
  secrets: string[];
  error?: string;
  failedPhase?: string;
}

/** Writes the bundle into the work folder and returns its path. */
export async function collectDiagnostics(input: CollectInput): Promise<string> {
  const dir = join(input.outDir, 'diagnostics');
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'logs'), { recursive: true });
  // The config's own secrets too, and any masked so far, should a caller pass too few.
  const secrets = [...input.secrets, ...(input.config ? configSecrets(input.config) : []), ...knownSecrets()];
  const put = (name: string, text: string): Promise<void> =>
    writeFile(join(dir, name), redact(text, secrets));

  const doctor = await runDoctor(
    input.config ?? { arch: ['arm64'], target: 'image', workDir: input.workDir, minFreeDisk: undefined },
  ).catch((err: unknown) => ({ error: errorMessage(err) }));
  await put('doctor.json', JSON.stringify(doctor, null, 2));
  const binfmt: string[] = [];
  for (const f of await readdir(BINFMT_DIR).catch(() => [] as string[])) {
    binfmt.push(`== ${f}\n${await readFile(join(BINFMT_DIR, f), 'utf8').catch(() => '(unreadable)')}`);
  }
  await put('binfmt.txt', binfmt.join('\n') || '(binfmt_misc not mounted)');
  await put('mountinfo.txt', await readFile('/proc/self/mountinfo', 'utf8').catch(() => ''));
  await put('df.txt', await commandText('df', ['-h']));
  await put(
    'dmesg-tail.txt',
    (await commandText('dmesg', ['--ctime'], true)).split('\n').slice(-200).join('\n'),
  );
  if (input.config) await put('config.json', JSON.stringify(redactConfig(input.config), null, 2));
  if (input.error)
    await put(
      'error.txt',
      `${input.failedPhase ? `failed phase: ${input.failedPhase}\n` : ''}${input.error}\n`,
    );
  const logs = join(input.workDir, 'logs');
  for (const f of await readdir(logs).catch(() => [] as string[])) {
    const text = await readFile(join(logs, f), 'utf8').catch(() => undefined);
    if (text !== undefined) await put(join('logs', f), text);
    else await copyFile(join(logs, f), join(dir, 'logs', f)).catch(() => undefined);
  }
  const bundle = join(input.outDir, BUNDLE_NAME);
  await exec('tar', ['-czf', bundle, '-C', input.outDir, 'diagnostics']);
  return bundle;
}
