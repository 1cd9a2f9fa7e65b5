// The one way rpi-build runs programs: argv arrays only (never a shell string built
// from inputs), output teed to a log file, the tail of stderr in the thrown error.
import { spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { createWriteStream, type WriteStream } from 'node:fs';
import { ExecError } from './errors.js';
import { privilegePrefix } from './privilege.js';
import { logger } from './log.js';

export interface ExecOptions {
  cwd?: string;
  /** Added to (not replacing) the inherited environment. */
  env?: Record<string, string | undefined>;
  /** Replace the environment entirely. */
  cleanEnv?: boolean;
  /** Written to the child's stdin, then closed. */
  input?: string | Buffer;
  /** Appends everything the command prints to this file. */
  logFile?: string;
  /** Called for each line the command prints (progress parsing). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Called with raw output as it arrives (prompts without a newline, e.g. "login: "). */
  onData?: (text: string, stream: 'stdout' | 'stderr') => void;
  timeoutMs?: number;
  /** Prefix sudo when not root; fails clearly when neither is possible. */
  privileged?: boolean | string;
  /** Aborting ends the command's process tree (SIGTERM, then SIGKILL). */
  signal?: AbortSignal;
  /** Resolve with the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  /** Send stdout to this file instead of memory (decompressing, streaming archives). */
  stdoutFile?: string;
  /** Keep at most this many bytes of stdout in memory (default 16 MiB). */
  maxStdout?: number;
}

export interface ExecResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const STDERR_TAIL_LINES = 30;
const running = new Set<ChildProcess>();

/** Children still running; the cancellation handler ends them. */
export function runningChildren(): ReadonlySet<ChildProcess> {
  return running;
}

/** Ends every child this process started (SIGTERM, then SIGKILL after a grace period). */
export async function killChildren(graceMs = 5000): Promise<void> {
  const children = [...running];
  for (const c of children) signalTree(c, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const c of running) signalTree(c, 'SIGKILL');
}

function signalTree(c: ChildProcess, sig: NodeJS.Signals): void {
  // Children run in their own process group, so the whole tree gets the signal.
  try {
    if (c.pid) process.kill(-c.pid, sig);
  } catch {
    try {
      c.kill(sig);
    } catch {
      /* already gone */
    }
  }
}

const lostLogs = new Set<string>();

function warnLogLost(file: string, err: NodeJS.ErrnoException): void {
  if (lostLogs.has(file)) return; // once per file, not once per command
  lostLogs.add(file);
  logger().warn(`cannot write the log ${file} (${err.code ?? err.message}); commands go on without it`);
}

export function displayCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((a) => (/^[\w./:=,@+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

export async function exec(
  cmd: string,
  args: readonly string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  let argv0 = cmd;
  let argv = [...args];
  if (opts.privileged) {
    const prefix = await privilegePrefix(typeof opts.privileged === 'string' ? opts.privileged : cmd);
    if (prefix.length > 0) {
      argv = [...prefix.slice(1), cmd, ...argv];
      argv0 = prefix[0]!;
    }
  }
  const shown = displayCommand(argv0, argv);
  logger().debug(`$ ${shown}`);

  const env = opts.cleanEnv ? { ...opts.env } : { ...process.env, ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];

  let log: WriteStream | undefined;
  let logFile = opts.logFile;
  if (opts.logFile) {
    log = createWriteStream(opts.logFile, { flags: 'a' });
    // A log that cannot be written (a full disk, a removed folder) must not end the process
    // through an unhandled 'error': the command goes on, and a warning says so.
    log.on('error', (err: NodeJS.ErrnoException) => {
      warnLogLost(opts.logFile!, err);
      log = undefined;
      logFile = undefined;
    });
    log.write(`$ ${shown}\n`);
  }

  return new Promise<ExecResult>((resolve, reject) => {
    const child = spawn(argv0, argv, {
      cwd: opts.cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: [opts.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    const onAbort = (): void => {
      signalTree(child, 'SIGTERM');
      setTimeout(() => signalTree(child, 'SIGKILL'), 3000).unref();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const maxStdout = opts.maxStdout ?? 16 * 1024 * 1024;
    const out: Buffer[] = [];
    let outLen = 0;
    const errTail: string[] = [];
    const errAll: Buffer[] = [];
    let errLen = 0;
    const partial = { stdout: '', stderr: '' };
    // One decoder per stream: a character split across two reads (a serial console delivers a
    // byte at a time) is held back until it is whole, not turned into U+FFFD on each side.
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;

    const feed = (stream: 'stdout' | 'stderr', chunk: Buffer): void => {
      log?.write(chunk);
      const raw = decoders[stream].write(chunk);
      if (!raw) return;
      opts.onData?.(raw, stream);
      const text = partial[stream] + raw;
      const lines = text.split(/\r?\n|\r/);
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) {
        if (stream === 'stderr') {
          errTail.push(line);
          if (errTail.length > STDERR_TAIL_LINES) errTail.shift();
        }
        opts.onLine?.(line, stream);
      }
    };
    const toFile = opts.stdoutFile ? createWriteStream(opts.stdoutFile) : undefined;
    // stdout is the product here: a write error fails the command (below), never the process.
    let toFileError: Error | undefined;
    if (toFile) {
      toFile.on('error', (err) => {
        toFileError ??= err;
        child.stdout!.unpipe(toFile);
        child.stdout!.resume();
        signalTree(child, 'SIGTERM');
      });
      child.stdout!.pipe(toFile);
    }
    child.stdout!.on('data', (c: Buffer) => {
      if (toFile) return;
      if (outLen < maxStdout) {
        out.push(c);
        outLen += c.length;
      }
      feed('stdout', c);
    });
    child.stderr!.on('data', (c: Buffer) => {
      if (errLen < maxStdout) {
        errAll.push(c);
        errLen += c.length;
      }
      feed('stderr', c);
    });
    if (opts.input !== undefined) {
      child.stdin!.on('error', () => undefined); // the child may exit without reading
      child.stdin!.end(opts.input);
    }
    if (opts.timeoutMs) {
      timer = setTimeout(() => {
        timedOut = true;
        signalTree(child, 'SIGTERM');
        setTimeout(() => signalTree(child, 'SIGKILL'), 5000).unref();
      }, opts.timeoutMs);
    }
    child.on('error', (err: NodeJS.ErrnoException) => {
      running.delete(child);
      if (timer) clearTimeout(timer);
      log?.end();
      if (err.code === 'ENOENT') {
        reject(new ExecError(argv0, 127, null, `${argv0}: command not found`, logFile));
      } else reject(err);
    });
    child.on('close', async (code, signal) => {
      running.delete(child);
      opts.signal?.removeEventListener('abort', onAbort);
      if (toFile && !toFile.closed && !toFileError) await new Promise((r) => toFile.end(r));
      if (timer) clearTimeout(timer);
      for (const s of ['stdout', 'stderr'] as const) {
        partial[s] += decoders[s].end();
        if (partial[s]) {
          if (s === 'stderr') errTail.push(partial[s]);
          opts.onLine?.(partial[s], s);
        }
      }
      // Wait for the log to close, so a write error has been warned about before we return.
      const l = log;
      if (l && !l.closed) await new Promise<void>((r) => l.once('close', () => r()).end());
      const result: ExecResult = {
        exitCode: code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(errAll).toString('utf8'),
      };
      if (toFileError) {
        reject(new Error(`${shown}: cannot write its output to ${opts.stdoutFile}: ${toFileError.message}`));
        return;
      }
      if ((code === 0 && !timedOut) || opts.allowFailure) {
        resolve(result);
        return;
      }
      const tail = timedOut
        ? `timed out after ${Math.round((opts.timeoutMs ?? 0) / 1000)} s\n${errTail.join('\n')}`
        : errTail.join('\n');
      reject(
        new ExecError(shown.length > 200 ? `${shown.slice(0, 200)}…` : shown, code, signal, tail, logFile),
      );
    });
  });
}

/** Runs a command and returns its trimmed stdout, or undefined when it cannot run or fails. */
export async function tryOutput(
  cmd: string,
  args: readonly string[],
  timeoutMs = 10_000,
): Promise<string | undefined> {
  try {
    const r = await exec(cmd, args, { timeoutMs, allowFailure: true });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}
