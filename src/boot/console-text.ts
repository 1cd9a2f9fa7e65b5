// A serial console's text as a person reads it: systemd paints its status line with colour
// codes, cursor moves (ESC M, ESC [K) and carriage returns. Shown raw in a terminal's
// progress line they move the cursor and repaint the screen; in a log they are noise.

// eslint-disable-next-line no-control-regex
const CSI = /\x1b\[[0-9;?]*(…[0-9;]*)?[@-~]/g;
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b[@-Z\\-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g; // after CR became LF: \t and \n stay

/**
 * The text without escape sequences and control characters; a carriage return (the status
 * line repainted in place) becomes a line break, tabs stay. systemd cuts long unit names with
 * "…", sometimes inside a colour code: the "…" is kept.
 */
export function plainConsole(text: string): string {
  return text
    .replace(CSI, (_, cut?: string) => (cut ? '…' : ''))
    .replace(ESCAPE, '')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '');
}

/** One console line for a progress line: what a terminal would show last; empty when nothing readable is left. */
export function consoleProgress(line: string, width = 120): string {
  const shown = plainConsole(line)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (shown.at(-1) ?? '').slice(0, width);
}

/**
 * A stamped console message ("[  135.727341] …", the kernel's or journald's copy of a
 * service's output) that begins inside another line: it was written between two writes of
 * that line. agetty writes the host name and " login: " in two writes, and journald's copy
 * of the checks' first line can land between them.
 */
const INSERTED = /(?<=[^\n])\[ *\d+\.\d{6}\] [^\n]*\n/g;

/** The console text with messages that landed inside another line taken out, so that line reads whole again. */
export const withoutInsertions = (text: string): string => text.replace(INSERTED, '');

/**
 * What the boot test reads in the console text, each line whole wherever another message split
 * it: the login prompt ("raspberrypi login:") and rpi-build's first-boot line.
 */
export function bootMarks(text: string): { login: string | undefined; firstboot: string | undefined } {
  const whole = withoutInsertions(text);
  return {
    login: /(\S+ login:)(?: |$)/m.exec(whole)?.[1],
    firstboot: /rpi-build-firstboot: root filesystem \d+ MiB -> \d+ MiB/.exec(whole)?.[0],
  };
}
