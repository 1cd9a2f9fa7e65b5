// The boot console as the progress line and the verdicts read it: systemd's status line, as a
// raspi3b boot printed it (colour codes, ESC M, ESC [K, carriage returns), comes out as text.
import { describe, expect, it } from 'vitest';
import { consoleProgress, bootMarks, plainConsole, withoutInsertions } from '../../src/boot/console-text.js';

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

  // agetty writes the host name and " login: " in two writes; journald's console copy of the
  // checks' first line fell between them on a raspi0 boot in CI, and the prompt was on no line.
  const BEFORE = '\r\nDebian GNU/Linux 12 raspberrypi ttyAMA0\r\n\r\n';
  const CHECK = '[  135.727341] rpi-build[293]: rpi-build-test: start\r\n';

  it('finds the login prompt when a stamped message landed between its two writes', () => {
    const split = `${BEFORE}raspberrypi${CHECK} login: `;
    expect(/(\S+ login:)(?: |$)/m.exec(split)).toBeNull(); // what the boot test read before
    expect(bootMarks(split).login).toBe('raspberrypi login:');
    expect(bootMarks(`${BEFORE}raspberrypi login: ${CHECK}`).login).toBe('raspberrypi login:');
    expect(bootMarks(`${BEFORE}raspberrypi`).login).toBeUndefined();
    expect(bootMarks(`${BEFORE}raspberrypi${CHECK}`).login).toBeUndefined();
  });

  it('takes out a kernel message written inside a line, and keeps stamped lines that begin a line', () => {
    const firstboot =
      '[   91.703878] rpi-build-firstboot[257]: rpi-build-firstboot: root filesystem 947 MiB -> 3759 MiB\r\n';
    const kernel = '[   91.712001] EXT4-fs (mmcblk0p2): resized filesystem to 982016\r\n';
    expect(withoutInsertions(`${firstboot.slice(0, 60)}${kernel}${firstboot.slice(60)}`)).toBe(firstboot);
    expect(bootMarks(`${firstboot.slice(0, 60)}${kernel}${firstboot.slice(60)}`).firstboot).toBe(
      'rpi-build-firstboot: root filesystem 947 MiB -> 3759 MiB',
    );
    expect(withoutInsertions(`${firstboot}${kernel}`)).toBe(`${firstboot}${kernel}`);
    expect(withoutInsertions(`${kernel}${BEFORE}`)).toBe(`${kernel}${BEFORE}`);
    // systemd's status marks are not stamps.
    expect(withoutInsertions('x[  OK  ] Started foo.\r\n')).toBe('x[  OK  ] Started foo.\r\n');
  });
});
