// Executes one of the tiny foreign programs and says whether it ran. This is how the
// probe learns what the CPU runs natively and how registration proves a handler works.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '../runtime/exec.js';
import { errorMessage } from '../runtime/errors.js';
import { tinyElf } from './elf.js';

export interface RunOutcome {
  ran: boolean;
  /** Why it did not run, in the kernel's or the interpreter's words. */
  error?: string;
}

export async function runTinyProgram(
  machine: 'aarch64' | 'arm',
  bypassBinfmt: boolean,
  dir = tmpdir(),
): Promise<RunOutcome> {
  const tmp = await mkdtemp(join(dir, 'rpi-build-probe-'));
  const file = join(tmp, `${machine}${bypassBinfmt ? '-native' : ''}`);
  try {
    await writeFile(file, tinyElf(machine, bypassBinfmt));
    await chmod(file, 0o755);
    const r = await exec(file, [], { allowFailure: true, timeoutMs: 20_000 });
    if (r.exitCode === 0 && r.stdout === 'ok\n') return { ran: true };
    return { ran: false, error: (r.stderr.trim() || `exit code ${r.exitCode ?? r.signal}`).split('\n')[0] };
  } catch (err) {
    // ENOEXEC surfaces from spawn as an error event.
    const msg = errorMessage(err);
    return { ran: false, error: /ENOEXEC|Exec format/i.test(msg) ? 'Exec format error' : msg.split('\n')[0] };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
