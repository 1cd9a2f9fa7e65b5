// exec's text from a child's output: a UTF-8 character that arrives in two reads (a serial
// console gives a byte at a time) is decoded whole, not as U+FFFD on each side of the split.
import { expect, it } from 'vitest';
import { exec } from '../../src/runtime/exec.js';

it('decodes a character split across two reads', async () => {
  const chunks: string[] = [];
  const lines: string[] = [];
  // systemd's "…" is E2 80 A6; the pause makes the two halves two reads.
  await exec('sh', ['-c', "printf 'Starting \\342'; sleep 0.3; printf '\\200\\246 done\\n'"], {
    onData: (text) => chunks.push(text),
    onLine: (line) => lines.push(line),
  });
  expect(chunks.length).toBeGreaterThan(1);
  expect(chunks.join('')).toBe('Starting … done\n');
  expect(lines).toEqual(['Starting … done']);
});

it('keeps an unfinished character at the end as U+FFFD on the last line', async () => {
  const lines: string[] = [];
  await exec('sh', ['-c', "printf 'cut \\342\\200'"], { onLine: (line) => lines.push(line) });
  expect(lines).toEqual(['cut \ufffd']);
});
