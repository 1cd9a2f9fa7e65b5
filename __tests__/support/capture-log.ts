// Sets a logger that keeps every line (warnings and errors prefixed), for tests that assert
// on what a part said; returns the live list. With groups, a group's title is a line too.
import { setLogger, type Logger } from '../../src/runtime/log.js';

export function captureLog(opts: { groups?: boolean } = {}): string[] {
  const lines: string[] = [];
  const keep = (m: string): void => void lines.push(m);
  const log: Logger = {
    info: keep,
    warn: (m) => keep(`warning: ${m}`),
    error: (m) => keep(`error: ${m}`),
    debug: () => undefined,
    group: (title, fn) => {
      if (opts.groups) keep(`==> ${title}`);
      return fn();
    },
    progress: () => undefined,
    secret: () => undefined,
  };
  setLogger(log);
  return lines;
}
