// One logger for both worlds: log groups and annotations in GitHub Actions,
// plain lines plus a self-overwriting progress line on a terminal.
import * as core from '@actions/core';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** Runs fn inside a collapsible group (Actions) or under a heading (terminal). */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  /** A transient status line for long steps; rate-limited outside a TTY. */
  progress(message: string): void;
  /** Registers a value that must never appear in logs. */
  secret(value: string): void;
}

export function inActions(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

const PROGRESS_INTERVAL_MS = 10_000;

class ActionsLogger implements Logger {
  private lastProgress = 0;
  info(m: string): void {
    core.info(m);
  }
  warn(m: string): void {
    core.warning(m);
  }
  error(m: string): void {
    core.error(m);
  }
  debug(m: string): void {
    core.debug(m);
  }
  group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    return core.group(title, fn);
  }
  progress(m: string): void {
    // The Actions log has no carriage returns; print a line now and then instead.
    const now = Date.now();
    if (now - this.lastProgress < PROGRESS_INTERVAL_MS) return;
    this.lastProgress = now;
    core.info(`… ${m}`);
  }
  secret(v: string): void {
    if (v) core.setSecret(v);
  }
}

class TerminalLogger implements Logger {
  private readonly secrets: string[] = [];
  private progressShown = false;
  private lastProgress = 0;
  private readonly out: NodeJS.WriteStream;
  constructor(
    private readonly verbose: boolean,
    out: NodeJS.WriteStream = process.stderr,
  ) {
    this.out = out;
  }
  private mask(m: string): string {
    let s = m;
    for (const v of this.secrets) s = s.split(v).join('***');
    return s;
  }
  private clearProgress(): void {
    if (this.progressShown) {
      this.out.write('\r\x1b[2K');
      this.progressShown = false;
    }
  }
  private line(m: string): void {
    this.clearProgress();
    this.out.write(`${this.mask(m)}\n`);
  }
  info(m: string): void {
    this.line(m);
  }
  warn(m: string): void {
    this.line(`warning: ${m}`);
  }
  error(m: string): void {
    this.line(`error: ${m}`);
  }
  debug(m: string): void {
    if (this.verbose) this.line(`debug: ${m}`);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.line(`==> ${title}`);
    const started = Date.now();
    try {
      return await fn();
    } finally {
      this.line(`    ${title}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  progress(m: string): void {
    const text = this.mask(m);
    if (this.out.isTTY) {
      const width = Math.max(20, (this.out.columns ?? 80) - 1);
      this.out.write(`\r\x1b[2K${text.slice(0, width)}`);
      this.progressShown = true;
      return;
    }
    const now = Date.now();
    if (now - this.lastProgress < PROGRESS_INTERVAL_MS) return;
    this.lastProgress = now;
    this.out.write(`… ${text}\n`);
  }
  secret(v: string): void {
    if (v) this.secrets.push(v);
  }
}

let current: Logger | undefined;

/** What a long step last said it was doing (and when), for the phase's heartbeat to repeat. */
let lastStep: { text: string; at: number } | undefined;

/**
 * The phase heartbeat: how long the phase has run, and what its step last said since the
 * phase began, so a step that prints nothing for minutes (localedef, packing a cache) still
 * names itself.
 */
export function heartbeat(phase: string, seconds: number, phaseStarted: number): void {
  const said = lastStep;
  const time = `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  const step =
    said && said.at >= phaseStarted
      ? said.text.startsWith(`${phase}: `)
        ? said.text.slice(phase.length + 2)
        : said.text
      : undefined;
  logger().progress(step ? `${phase}: ${time}, ${step}` : `${phase}: ${time}`);
  // The heartbeat is not a step.
  lastStep = said;
}

/** The logger, with each step's progress noted for the heartbeat. */
function notingSteps(l: Logger): Logger {
  return {
    info: (m) => l.info(m),
    warn: (m) => l.warn(m),
    error: (m) => l.error(m),
    debug: (m) => l.debug(m),
    group: (title, fn) => l.group(title, fn),
    secret: (v) => l.secret(v),
    progress: (m) => {
      lastStep = { text: m, at: Date.now() };
      l.progress(m);
    },
  };
}

/** Outside Actions, @actions/* libraries' "::debug::" workflow commands are noise on a terminal. */
function dropDebugCommands(): void {
  const write = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' && chunk.startsWith('::debug::')
      ? true
      : write(chunk, ...rest)) as typeof process.stdout.write;
}

export function logger(): Logger {
  if (!current && !inActions() && process.env.RPI_BUILD_DEBUG !== '1') dropDebugCommands();
  current ??= notingSteps(
    inActions() ? new ActionsLogger() : new TerminalLogger(process.env.RPI_BUILD_DEBUG === '1'),
  );
  return current;
}

/** For tests and the CLI: swap the logger (e.g. a quiet one). */
export function setLogger(l: Logger): void {
  current = notingSteps(l);
}

/** Turns a byte count into a short human figure. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
