// A failed boot's console outlives the stage folder: kept in logs/ (the diagnostics bundle's
// source) and its last lines printed as plain text.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepFailedConsole } from '../../src/boot/failed-console.js';
import { setLogger, type Logger } from '../../src/runtime/log.js';

describe('keepFailedConsole', () => {
  it('copies the console into logs/ and prints its last lines without escape codes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failed-console-'));
    mkdirSync(join(dir, 'stage'));
    mkdirSync(join(dir, 'logs'));
    const consoleLog = join(dir, 'stage', 'image.boot.log');
    const text = [
      ...Array.from({ length: 30 }, (_, i) => `line ${i}`),
      '\x1b[0;1;31mFAILED\x1b[0m last',
    ].join('\r\n');
    writeFileSync(consoleLog, text);
    const said: string[] = [];
    const log: Logger = {
      info: (m) => said.push(m),
      warn: () => undefined,
      error: () => undefined,
      debug: () => undefined,
      group: (_t, fn) => fn(),
      secret: () => undefined,
      progress: () => undefined,
    };
    setLogger(log);
    const kept = await keepFailedConsole(consoleLog, join(dir, 'logs'), 5);
    expect(kept).toBe(join(dir, 'logs', 'image.boot.log'));
    expect(readFileSync(kept, 'utf8')).toBe(text);
    expect(said).toEqual([`The console's last 5 lines:\nline 26\nline 27\nline 28\nline 29\nFAILED last`]);
  });
});
