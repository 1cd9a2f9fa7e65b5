// The boot console as the progress line and the verdicts read it: systemd's status line, as a
// raspi3b boot printed it (colour codes, ESC M, ESC [K, carriage returns), comes out as text.
import { describe, expect, it } from 'vitest';
import { consoleProgress, plainConsole } from '../../src/boot/console-text.js';

const STATUS =
  '\x1bM\r\x1b[K[    \x1b[0;31m*\x1b[0;1;31m*\x1b[0m] (3 of 6) Job systemd-resolved.service/start running (31s / 15min 24s)\r\r';

describe('console text', () => {
  it('strips colour codes, cursor moves and carriage returns from a systemd status line', () => {
    expect(consoleProgress(STATUS)).toBe(
      '[    **] (3 of 6) Job systemd-resolved.service/start running (31s / 15min 24s)',
    );
    // eslint-disable-next-line no-control-regex
    expect(plainConsole(STATUS)).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('shows what a terminal would show last when a line was painted over', () => {
    expect(consoleProgress('Starting foo...\r[\x1b[0;1;31mFAILED\x1b[0m] Failed to start foo.')).toBe(
      '[FAILED] Failed to start foo.',
    );
  });

  it('is empty for a line of nothing but control sequences (the progress line keeps what it had)', () => {
    expect(consoleProgress('\x1bM\r\x1b[K\r\r')).toBe('');
  });

  it('keeps the "…" systemd cut into a colour code, and plain text as it was', () => {
    expect(plainConsole('Timed out waiting for device \x1b[0;1;39m…\x1b[0m - /dev/disk')).toBe(
      'Timed out waiting for device … - /dev/disk',
    );
    expect(plainConsole('Job dev-disk-by\\x2dlabel-R\x1b[0;1;…39m.device')).toBe(
      'Job dev-disk-by\\x2dlabel-R….device',
    );
    expect(plainConsole('raspberrypi login: ')).toBe('raspberrypi login: ');
  });
});
