// A failed boot's console outlives the stage folder: kept in logs/ (the diagnostics bundle's
// source) and its last lines printed as plain text.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keepFailedConsole } from '../../src/boot/failed-console.js';
import { captureLog } from '../support/capture-log.js';

const dir = mkdtempSync(join(tmpdir(), 'failed-console-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keepFailedConsole', () => {
  it('copies the console into logs/ and prints its last lines without escape codes', async () => {
    mkdirSync(join(dir, 'stage'));
    mkdirSync(join(dir, 'logs'));
    const consoleLog = join(dir, 'stage', 'image.boot.log');
    const text = [
      ...Array.from({ length: 30 }, (_, i) => `line ${i}`),
      '\x1b[0;1;31mFAILED\x1b[0m last',
    ].join('\r\n');
    writeFileSync(consoleLog, text);
    const said = captureLog();
    const kept = await keepFailedConsole(consoleLog, join(dir, 'logs'), 5);
    expect(kept).toBe(join(dir, 'logs', 'image.boot.log'));
    expect(readFileSync(kept, 'utf8')).toBe(text);
    expect(said).toEqual([`The console's last 5 lines:\nline 26\nline 27\nline 28\nline 29\nFAILED last`]);
  });
});
