// Errors that carry what a person needs: which input is wrong and how to fix it,
// or which command failed and the tail of what it printed.

/** Bad input: names the input and the fix. Thrown before any work starts. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    problem: string,
    readonly fix: string,
  ) {
    super(`${input}: ${problem}. ${fix}`);
    this.name = 'InputError';
  }
}

/** A command that exited non-zero (or was killed). */
export class ExecError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: string,
    readonly logFile?: string,
  ) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    const tail = stderrTail.trim() ? `:\n${stderrTail.trimEnd()}` : '';
    const log = logFile ? `\n(full log: ${logFile})` : '';
    super(`${command} ${how}${tail}${log}`);
    this.name = 'ExecError';
  }
}

/** A step that needs root on a host that has neither root nor sudo. */
export class PrivilegeError extends Error {
  constructor(what: string) {
    super(
      `${what} needs root. Run rpi-build as root, or as a user with passwordless sudo (as on GitHub-hosted runners).`,
    );
    this.name = 'PrivilegeError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
