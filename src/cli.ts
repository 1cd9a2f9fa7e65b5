#!/usr/bin/env node
// CLI entry point: signals and the exit code; the commands are in entries/cli.ts (run).
import { run } from './entries/cli.js';
import { InputError, errorMessage } from './runtime/errors.js';
import { killChildren } from './runtime/exec.js';
import { knownSecrets, redact } from './runtime/redact.js';

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`\nrpi-build: ${sig} received, stopping child processes…\n`);
    void killChildren().then(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  });
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`rpi-build: ${redact(errorMessage(err), knownSecrets())}\n`);
    process.exitCode = err instanceof InputError ? 2 : 1;
  },
);
