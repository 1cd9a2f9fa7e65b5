import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  logger
} from "./chunk-HN3MK2TO.js";

// src/runtime/errors.ts
var InputError = class extends Error {
  constructor(input, problem, fix) {
    super(`${input}: ${problem}. ${fix}`);
    this.input = input;
    this.fix = fix;
    this.name = "InputError";
  }
  input;
  fix;
};
var ExecError = class extends Error {
  constructor(command, exitCode, signal, stderrTail, logFile) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    const tail = stderrTail.trim() ? `:
${stderrTail.trimEnd()}` : "";
    const log = logFile ? `
(full log: ${logFile})` : "";
    super(`${command} ${how}${tail}${log}`);
    this.command = command;
    this.exitCode = exitCode;
    this.signal = signal;
    this.stderrTail = stderrTail;
    this.logFile = logFile;
    this.name = "ExecError";
  }
  command;
  exitCode;
  signal;
  stderrTail;
  logFile;
};
var PrivilegeError = class extends Error {
  constructor(what) {
    super(
      `${what} needs root. Run rpi-build as root, or as a user with passwordless sudo (as on GitHub-hosted runners).`
    );
    this.name = "PrivilegeError";
  }
};
function errorMessage(err) {
  return err instanceof Error ? err.message : String(err);
}

// src/runtime/exec.ts
import { spawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import { createWriteStream } from "node:fs";

// src/runtime/privilege.ts
import { spawnSync } from "node:child_process";
var sudoWorks;
function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}
async function privilegePrefix(what) {
  if (isRoot()) return [];
  sudoWorks ??= spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
  if (!sudoWorks) throw new PrivilegeError(what);
  return ["sudo", "-n", "-E"];
}
function invokingUser(env = process.env) {
  if (isRoot() && env.SUDO_UID && env.SUDO_GID)
    return { uid: Number(env.SUDO_UID), gid: Number(env.SUDO_GID) };
  if (!isRoot() && typeof process.getuid === "function")
    return { uid: process.getuid(), gid: process.getgid?.() ?? process.getuid() };
  return void 0;
}

// src/runtime/exec.ts
var STDERR_TAIL_LINES = 30;
var running = /* @__PURE__ */ new Set();
async function killChildren(graceMs = 5e3) {
  const children = [...running];
  for (const c of children) signalTree(c, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const c of running) signalTree(c, "SIGKILL");
}
function signalTree(c, sig) {
  try {
    if (c.pid) process.kill(-c.pid, sig);
  } catch {
    try {
      c.kill(sig);
    } catch {
    }
  }
}
var lostLogs = /* @__PURE__ */ new Set();
function warnLogLost(file, err) {
  if (lostLogs.has(file)) return;
  lostLogs.add(file);
  logger().warn(`cannot write the log ${file} (${err.code ?? err.message}); commands go on without it`);
}
function displayCommand(cmd, args) {
  return [cmd, ...args].map((a) => /^[\w./:=,@+-]+$/.test(a) ? a : JSON.stringify(a)).join(" ");
}
async function exec(cmd, args, opts = {}) {
  let argv0 = cmd;
  let argv = [...args];
  if (opts.privileged) {
    const prefix = await privilegePrefix(typeof opts.privileged === "string" ? opts.privileged : cmd);
    if (prefix.length > 0) {
      argv = [...prefix.slice(1), cmd, ...argv];
      argv0 = prefix[0];
    }
  }
  const shown = displayCommand(argv0, argv);
  logger().debug(`$ ${shown}`);
  const env = opts.cleanEnv ? { ...opts.env } : { ...process.env, ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === void 0) delete env[k];
  let log;
  let logFile = opts.logFile;
  if (opts.logFile) {
    log = createWriteStream(opts.logFile, { flags: "a" });
    log.on("error", (err) => {
      warnLogLost(opts.logFile, err);
      log = void 0;
      logFile = void 0;
    });
    log.write(`$ ${shown}
`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(argv0, argv, {
      cwd: opts.cwd,
      env,
      stdio: [opts.input !== void 0 ? "pipe" : "ignore", "pipe", "pipe"],
      detached: true
    });
    running.add(child);
    const onAbort = () => {
      signalTree(child, "SIGTERM");
      setTimeout(() => signalTree(child, "SIGKILL"), 3e3).unref();
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const maxStdout = opts.maxStdout ?? 16 * 1024 * 1024;
    const out = [];
    let outLen = 0;
    const errTail = [];
    const errAll = [];
    let errLen = 0;
    const partial = { stdout: "", stderr: "" };
    const decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
    let timer;
    let timedOut = false;
    const feed = (stream, chunk) => {
      log?.write(chunk);
      const raw = decoders[stream].write(chunk);
      if (!raw) return;
      opts.onData?.(raw, stream);
      const text = partial[stream] + raw;
      const lines = text.split(/\r?\n|\r/);
      partial[stream] = lines.pop() ?? "";
      for (const line of lines) {
        if (stream === "stderr") {
          errTail.push(line);
          if (errTail.length > STDERR_TAIL_LINES) errTail.shift();
        }
        opts.onLine?.(line, stream);
      }
    };
    const toFile = opts.stdoutFile ? createWriteStream(opts.stdoutFile) : void 0;
    let toFileError;
    if (toFile) {
      toFile.on("error", (err) => {
        toFileError ??= err;
        child.stdout.unpipe(toFile);
        child.stdout.resume();
        signalTree(child, "SIGTERM");
      });
      child.stdout.pipe(toFile);
    }
    child.stdout.on("data", (c) => {
      if (toFile) return;
      if (outLen < maxStdout) {
        out.push(c);
        outLen += c.length;
      }
      feed("stdout", c);
    });
    child.stderr.on("data", (c) => {
      if (errLen < maxStdout) {
        errAll.push(c);
        errLen += c.length;
      }
      feed("stderr", c);
    });
    if (opts.input !== void 0) {
      child.stdin.on("error", () => void 0);
      child.stdin.end(opts.input);
    }
    if (opts.timeoutMs) {
      timer = setTimeout(() => {
        timedOut = true;
        signalTree(child, "SIGTERM");
        setTimeout(() => signalTree(child, "SIGKILL"), 5e3).unref();
      }, opts.timeoutMs);
    }
    child.on("error", (err) => {
      running.delete(child);
      if (timer) clearTimeout(timer);
      log?.end();
      if (err.code === "ENOENT") {
        reject(new ExecError(argv0, 127, null, `${argv0}: command not found`, logFile));
      } else reject(err);
    });
    child.on("close", async (code, signal) => {
      running.delete(child);
      opts.signal?.removeEventListener("abort", onAbort);
      if (toFile && !toFile.closed && !toFileError) await new Promise((r) => toFile.end(r));
      if (timer) clearTimeout(timer);
      for (const s of ["stdout", "stderr"]) {
        partial[s] += decoders[s].end();
        if (partial[s]) {
          if (s === "stderr") errTail.push(partial[s]);
          opts.onLine?.(partial[s], s);
        }
      }
      const l = log;
      if (l && !l.closed) await new Promise((r) => l.once("close", () => r()).end());
      const result = {
        exitCode: code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(errAll).toString("utf8")
      };
      if (toFileError) {
        reject(new Error(`${shown}: cannot write its output to ${opts.stdoutFile}: ${toFileError.message}`));
        return;
      }
      if (code === 0 && !timedOut || opts.allowFailure) {
        resolve(result);
        return;
      }
      const tail = timedOut ? `timed out after ${Math.round((opts.timeoutMs ?? 0) / 1e3)} s
${errTail.join("\n")}` : errTail.join("\n");
      reject(
        new ExecError(shown.length > 200 ? `${shown.slice(0, 200)}\u2026` : shown, code, signal, tail, logFile)
      );
    });
  });
}
async function tryOutput(cmd, args, timeoutMs = 1e4) {
  try {
    const r = await exec(cmd, args, { timeoutMs, allowFailure: true });
    return r.exitCode === 0 ? r.stdout.trim() : void 0;
  } catch {
    return void 0;
  }
}

export {
  InputError,
  ExecError,
  errorMessage,
  isRoot,
  privilegePrefix,
  invokingUser,
  killChildren,
  exec,
  tryOutput
};
