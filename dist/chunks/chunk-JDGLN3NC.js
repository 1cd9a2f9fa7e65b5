import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  bootMarks,
  consoleProgress,
  plainConsole
} from "./chunk-3GK75JHN.js";
import {
  ensureHostPackages
} from "./chunk-I2QPKFXT.js";
import {
  ARCH_INFO,
  EMULATED_SLACK,
  PI_BOARD,
  machineArgs,
  machineLabel,
  nextPowerOfTwo,
  patchedPiDtb
} from "./chunk-FCYPM6WI.js";
import {
  exec
} from "./chunk-ICWOZ6BD.js";
import {
  logger
} from "./chunk-HN3MK2TO.js";

// src/boot/qemu.ts
import { mkdir as mkdir2, open, readFile, rm, stat, truncate, writeFile as writeFile2 } from "node:fs/promises";
import { join as join2, resolve } from "node:path";
import { createWriteStream } from "node:fs";

// src/boot/guest-tests.ts
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
var GUEST_DIR = "/var/lib/rpi-build-test";
var UNIT_NAME = "rpi-build-test.service";
var UNIT_PATH = `/etc/systemd/system/${UNIT_NAME}`;
var WANTS_LINK = `/etc/systemd/system/multi-user.target.wants/${UNIT_NAME}`;
var DEVICE_DROPIN_DIR = "/etc/systemd/system/device.d";
var DEVICE_DROPIN_TEXT = "[Unit]\nJobRunningTimeoutSec=900\n";
var MARK = "rpi-build-test:";
var POWEROFF_AFTER = 90;
var UNIT_TEXT = `[Unit]
Description=rpi-build boot test: built-in checks and test scripts (scratch copy only)
After=multi-user.target

[Service]
Type=exec
ExecStart=${GUEST_DIR}/run
StandardInput=null
StandardOutput=journal+console
StandardError=journal+console
SyslogIdentifier=rpi-build
`;
function scriptNames(paths) {
  const seen = /* @__PURE__ */ new Map();
  return paths.map((p) => {
    const name = basename(p).replace(/[^A-Za-z0-9._+-]/g, "_") || "script";
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name}#${n}`;
  });
}
var guestScript = (i) => `${GUEST_DIR}/${String(i + 1).padStart(2, "0")}`;
var RUNNER_SCRIPT = [
  "#!/bin/bash",
  "# rpi-build boot test runner: exists only in the boot test's scratch copy of the image.",
  "set -u",
  "here=/var/lib/rpi-build-test",
  `say() { printf 'rpi-build-test: %s\\n' "$*"; }`,
  "say start",
  "# The system as a whole: running (or degraded, with the failed units named).",
  'say "check system $(timeout 300 systemctl is-system-running --wait 2>/dev/null || true)"',
  "failed=",
  'while read -r unit _; do failed="$failed $unit"; done < <(systemctl --failed --plain --no-legend 2>/dev/null)',
  'say "check failed-units$failed"',
  "# The root filesystem against its partition and the disk (bytes).",
  "dev=$(findmnt -n -o SOURCE /)",
  'part=$(basename "$dev")',
  'disk=$(lsblk -no PKNAME "$dev" | head -n 1)',
  'start=$(cat "/sys/class/block/$part/start" 2>/dev/null || echo 0)',
  'size=$(cat "/sys/class/block/$part/size" 2>/dev/null || echo 0)',
  'total=$(cat "/sys/class/block/$disk/size" 2>/dev/null || echo 0)',
  `say "check root fs=$(df -B1 --output=size / | tail -n 1 | tr -d ' ') part=$((size * 512)) end=$(((start + size) * 512)) disk=$((total * 512))"`,
  "# The first user (its name is the first line of the file user).",
  'IFS= read -r u < "$here/user"',
  'if getent passwd "$u" >/dev/null; then',
  '  home=$(getent passwd "$u" | cut -d: -f6)',
  "  keys=0",
  '  [ -f "$home/.ssh/authorized_keys" ] && keys=$(grep -c . "$home/.ssh/authorized_keys")',
  `  say "check user name=$u groups=$(id -nG "$u" | tr ' ' ,) password=$(passwd -S "$u" | cut -d' ' -f2) keys=$keys"`,
  "else",
  '  say "check user name=$u missing"',
  "fi",
  "# SSH host keys (made on first boot; the image ships none).",
  "keys=",
  "for f in /etc/ssh/ssh_host_*_key; do",
  '  [ -s "$f" ] || continue',
  '  t=$(basename "$f" _key)',
  '  keys="$keys ${t#ssh_host_}"',
  "done",
  "[ -x /usr/sbin/sshd ] && sshd=yes || sshd=no",
  'say "check ssh-host-keys sshd=$sshd$keys"',
  "",
  'IFS= read -r budget < "$here/timeout"',
  "deadline=$(($(date +%s) + budget))",
  "run() {",
  "  local name=$1 file=$2 left begin rc",
  "  left=$((deadline - $(date +%s)))",
  '  if [ "$left" -le 0 ]; then say "skip $name"; return; fi',
  '  say "begin $name"',
  "  begin=$(date +%s)",
  "  # A file without #! runs under sh, as it would when given to sh by hand.",
  `  if [ "$(head -c 2 "$file")" = '#!' ]; then set -- "$file"; else set -- /bin/sh "$file"; fi`,
  '  (cd /root && timeout --kill-after=5 "$left" "$@" </dev/null 2>&1) |',
  '    while IFS= read -r line || [ -n "$line" ]; do say "| $line"; done',
  "  rc=${PIPESTATUS[0]}",
  '  if [ "$rc" -ge 124 ] && [ $(($(date +%s) - begin)) -ge "$left" ]; then',
  '    say "timeout $name seconds=$(($(date +%s) - begin))"',
  "  else",
  '    say "end $name exit=$rc seconds=$(($(date +%s) - begin))"',
  "  fi",
  "}",
  "# The scripts' names, one per line; script i is the file 01, 02, ...",
  "i=0",
  "while IFS= read -r name; do",
  "  i=$((i + 1))",
  '  run "$name" "$here/$(printf %02d "$i")"',
  'done < "$here/names"',
  "say done",
  // rpi-build ends QEMU once it has the login prompt too (boot/qemu.ts, PROMPT_GRACE); the
  // getty may print it after the checks on a slow emulated board, so it is given time first.
  `sleep ${POWEROFF_AFTER}`,
  "systemctl poweroff --no-block",
  ""
].join("\n");
function runnerData(names, opts) {
  return {
    user: `${opts.username}
`,
    timeout: `${Math.trunc(opts.timeoutSeconds)}
`,
    names: names.map((n) => `${n}
`).join("")
  };
}
function debugfsRequests(count) {
  const file = (src, dest, mode) => [
    `write ${src} ${dest}`,
    `sif ${dest} mode ${mode}`,
    `sif ${dest} uid 0`,
    `sif ${dest} gid 0`
  ];
  return [
    `mkdir ${GUEST_DIR}`,
    ...file("run", `${GUEST_DIR}/run`, "0100755"),
    ...["user", "timeout", "names"].flatMap((d) => file(d, `${GUEST_DIR}/${d}`, "0100644")),
    ...Array.from(
      { length: count },
      (_, i) => file(basename(guestScript(i)), guestScript(i), "0100755")
    ).flat(),
    ...file("unit", UNIT_PATH, "0100644"),
    `symlink ${WANTS_LINK} ${UNIT_PATH}`,
    `mkdir ${DEVICE_DROPIN_DIR}`,
    ...file("device-timeout", `${DEVICE_DROPIN_DIR}/rpi-build-test.conf`, "0100644")
  ];
}
async function installGuestTests(image, offset, dir, opts) {
  const names = scriptNames(opts.scripts);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "run"), RUNNER_SCRIPT);
  for (const [file, text] of Object.entries(runnerData(names, opts))) await writeFile(join(dir, file), text);
  await writeFile(join(dir, "unit"), UNIT_TEXT);
  await writeFile(join(dir, "device-timeout"), DEVICE_DROPIN_TEXT);
  for (const [i, script] of opts.scripts.entries())
    await copyFile(script, join(dir, basename(guestScript(i))));
  await writeFile(join(dir, "requests"), `${debugfsRequests(opts.scripts.length).join("\n")}
`);
  const r = await exec("debugfs", ["-w", "-f", "requests", `${image}?offset=${offset}`], {
    cwd: dir,
    allowFailure: true
  });
  const errors = r.stderr.split("\n").filter((l) => l.trim() && !/^debugfs \d/.test(l) && !/^\s*Using EXT2FS/.test(l));
  if (r.exitCode !== 0 || errors.length)
    throw new Error(
      `could not add the boot test's unit to the scratch copy's root with debugfs: ${errors.join(" ") || `exit ${r.exitCode}`}`
    );
  return names;
}
function parseMarker(raw) {
  const line = raw.replace(/\r$/, "");
  const at = line.indexOf(`${MARK} `);
  if (at < 0) return void 0;
  const rest = line.slice(at + MARK.length + 1);
  if (rest.startsWith("| ") || rest === "|") return { kind: "output", text: rest.slice(2) };
  if (rest === "start" || rest === "done") return { kind: rest };
  let m = /^check (\S+) ?(.*)$/.exec(rest);
  if (m) return { kind: "check", name: m[1], value: m[2] };
  m = /^(begin|skip) (\S+)$/.exec(rest);
  if (m) return { kind: m[1], name: m[2] };
  m = /^end (\S+) exit=(\d+) seconds=(\d+)$/.exec(rest);
  if (m) return { kind: "end", name: m[1], exitCode: Number(m[2]), seconds: Number(m[3]) };
  m = /^timeout (\S+) seconds=(\d+)$/.exec(rest);
  if (m) return { kind: "timeout", name: m[1], seconds: Number(m[2]) };
  return void 0;
}
var num = (v, key) => Number(new RegExp(`(?:^| )${key}=(\\d+)`).exec(v)?.[1] ?? NaN);
var GuestRun = class {
  started = false;
  done = false;
  /** The script that began and has not ended (named when the boot runs out of time). */
  current;
  checks = {};
  scripts;
  constructor(names) {
    this.scripts = names.map((name) => ({ name, status: "not run" }));
  }
  /** Feeds one marker; returns the output line of the running script, if it was one. */
  feed(m) {
    const result = (name) => this.scripts.find((s) => s.name === name);
    switch (m.kind) {
      case "start":
        this.started = true;
        return void 0;
      case "done":
        this.done = true;
        this.current = void 0;
        return void 0;
      case "begin":
        this.current = m.name;
        return void 0;
      case "skip": {
        const r = result(m.name);
        if (r) r.status = "skipped";
        return void 0;
      }
      case "end":
      case "timeout": {
        const r = result(m.name);
        if (r) {
          r.seconds = m.seconds;
          if (m.kind === "timeout") r.status = "timeout";
          else {
            r.exitCode = m.exitCode;
            r.status = m.exitCode === 0 ? "passed" : "failed";
          }
        }
        this.current = void 0;
        return void 0;
      }
      case "output":
        return this.current ? { script: this.current, text: m.text } : void 0;
      case "check":
        this.check(m.name, m.value);
        return void 0;
    }
  }
  check(name, v) {
    const c = this.checks;
    if (name === "system") c.system = v || "unknown";
    else if (name === "failed-units") c.failedUnits = v.split(/\s+/).filter(Boolean);
    else if (name === "root")
      c.root = { fs: num(v, "fs"), part: num(v, "part"), end: num(v, "end"), disk: num(v, "disk") };
    else if (name === "user") {
      const field = (k) => new RegExp(`(?:^| )${k}=(\\S*)`).exec(v)?.[1] ?? "";
      c.user = {
        name: field("name"),
        missing: / missing$/.test(v),
        groups: field("groups").split(",").filter(Boolean),
        pwState: field("password"),
        keys: Number(field("keys") || 0)
      };
    } else if (name === "ssh-host-keys") {
      const words = v.split(/\s+/).filter(Boolean);
      c.sshHostKeys = { sshd: words[0] === "sshd=yes", types: words.slice(1) };
    }
  }
};
var END_SLACK = 16 * 1024 * 1024;
var FS_SHARE = 0.9;
var mib = (n) => `${Math.round(n / 1024 / 1024)} MiB`;
var PASSWORD_STATE = { P: "password set", L: "password locked", NP: "no password" };
function judgeChecks(c, opts) {
  const facts = {};
  const problems = [];
  const warnings = [];
  if (c.root && c.root.disk > 0 && c.root.end > 0) {
    const { fs, part, end, disk } = c.root;
    const grown = disk - end <= END_SLACK && fs >= part * FS_SHARE;
    facts["boot-check: root"] = `${grown ? "fills the disk" : "did not grow"}: file system ${mib(fs)}, partition ends at ${mib(end)} of ${mib(disk)}`;
    if (!grown) problems.push(`the root did not grow to fill the disk (${facts["boot-check: root"]})`);
  }
  if (c.user) {
    const u = c.user;
    if (u.missing) {
      facts["boot-check: user"] = `${u.name}: missing`;
      if (opts.account) problems.push(`the first user ${u.name} does not exist`);
    } else {
      const sudo = u.groups.includes("sudo");
      const pw = PASSWORD_STATE[u.pwState] ?? `password state ${u.pwState}`;
      facts["boot-check: user"] = `${u.name}: ${sudo ? "in sudo" : "not in sudo"}, ${pw}, ${u.keys} authorized key${u.keys === 1 ? "" : "s"}`;
      if (opts.account) {
        const wantPassword = opts.account.includes("password");
        const wantKeys = opts.account.includes("ssh-key");
        if (!sudo) problems.push(`the first user ${u.name} is not in the sudo group`);
        if (wantPassword !== (u.pwState === "P"))
          problems.push(`the first user ${u.name} has ${pw}, but the build set account ${opts.account}`);
        if (wantKeys !== u.keys > 0)
          problems.push(
            `the first user ${u.name} has ${u.keys} authorized keys, but the build set account ${opts.account}`
          );
      }
    }
  }
  if (c.sshHostKeys) {
    const k = c.sshHostKeys;
    facts["boot-check: ssh-host-keys"] = k.types.length ? k.types.join(", ") : k.sshd ? "none" : "none (no sshd)";
    if (k.sshd && !k.types.length) problems.push("no SSH host keys were made on first boot");
  }
  if (c.system !== void 0) {
    const failed = c.failedUnits ?? [];
    facts["boot-check: units"] = failed.length ? `${c.system}; failed: ${failed.join(", ")}` : `${c.system}, no failed units`;
    if (failed.length) warnings.push(`units failed at boot: ${failed.join(", ")}`);
    else if (c.system !== "running") warnings.push(`the system reached "${c.system}", not "running"`);
  }
  return { facts, problems, warnings };
}
function scriptFacts(results, timeoutSeconds) {
  const text = (r) => {
    const s = `${r.seconds ?? 0} s`;
    switch (r.status) {
      case "passed":
        return `passed in ${s}`;
      case "failed":
        return `failed (exit ${r.exitCode}) after ${s}`;
      case "timeout":
        return `timed out after ${s} (test-timeout ${timeoutSeconds} s)`;
      case "skipped":
        return "not run (test-timeout spent)";
      case "not run":
        return "not run";
    }
  };
  return Object.fromEntries(results.map((r) => [`test: ${r.name}`, text(r)]));
}
function scriptFailure(run, timeoutSeconds) {
  const bad = run.scripts.filter((s) => s.status !== "passed");
  if (!bad.length) return void 0;
  return bad.map((s) => {
    if (s.status === "failed") return `test script ${s.name} exited with code ${s.exitCode}`;
    if (s.status === "timeout")
      return `test script ${s.name} did not finish within test-timeout (${timeoutSeconds} s) and was stopped`;
    if (s.status === "skipped")
      return `test script ${s.name} did not run: test-timeout (${timeoutSeconds} s) was spent`;
    return `test script ${s.name} never ran`;
  }).join("; ");
}

// src/boot/qemu.ts
var EXTRA_DISK = 1024 * 1024 * 1024;
async function partitionOffsets(image) {
  const fh = await open(image, "r");
  try {
    const mbr = Buffer.alloc(512);
    await fh.read(mbr, 0, 512, 0);
    if (mbr.readUInt16LE(510) !== 43605) throw new Error(`${image} has no DOS partition table`);
    const parts = [];
    for (let i = 0; i < 4; i++) {
      const e = 446 + i * 16;
      const type = mbr[e + 4];
      if (type === 0) continue;
      parts.push({ type, start: mbr.readUInt32LE(e + 8) * 512, size: mbr.readUInt32LE(e + 12) * 512 });
    }
    return parts;
  } finally {
    await fh.close();
  }
}
async function readFromFat(image, offset, name, dest) {
  await exec("mcopy", ["-n", "-o", "-i", `${image}@@${offset}`, `::${name}`, dest], {
    env: { MTOOLS_SKIP_CHECK: "1" }
  });
}
function bootFilesFromConfig(configTxt) {
  let kernel;
  let initramfs;
  for (const raw of configTxt.split("\n")) {
    const line = raw.trim();
    const k = /^kernel=(\S+)/.exec(line);
    if (k) kernel = k[1];
    const i = /^initramfs\s+(\S+)/.exec(line);
    if (i) initramfs = i[1];
  }
  if (!kernel) throw new Error("config.txt names no kernel= line");
  return initramfs ? { kernel, initramfs } : { kernel };
}
function linesBefore(consoleText, marker, pattern) {
  if (!consoleText.includes(marker)) return void 0;
  const plain = plainConsole(consoleText);
  return [...plain.slice(0, plain.indexOf(marker)).matchAll(pattern)].map((m) => (m[1] ?? m[0]).trim());
}
function emergencyMode(consoleText) {
  const causes = linesBefore(
    consoleText,
    "You are in emergency mode.",
    /(?:Timed out waiting for device|Dependency failed for|Failed to mount|Failed to start) [^\r\n]*/g
  );
  if (!causes) return void 0;
  const cause = causes.find((c) => c.startsWith("Timed out")) ?? causes[0];
  return `the system stopped in emergency mode${cause ? ` (${cause})` : ""}`;
}
function systemdFroze(consoleText) {
  const causes = linesBefore(
    consoleText,
    "Freezing execution.",
    /systemd\[1\]: ((?:Caught <|Assertion |Failed to )[^\n]*)/g
  );
  if (!causes) return void 0;
  const cause = causes.find((c) => c.startsWith("Assertion")) ?? causes.at(-1);
  return `systemd (PID 1) stopped and froze the system${cause ? ` (${cause})` : ""}`;
}
function cpuStall(consoleText) {
  const m = /soft lockup - CPU#\d+ stuck for \d+s! \[[^\]\r\n]*\]|rcu: INFO: rcu_\w+ (?:self-)?detected stalls? on CPUs?/.exec(
    consoleText
  );
  return m?.[0];
}
var RUNNER_GRACE = 180;
var CHECKS_BUDGET = 300;
var PROMPT_GRACE = POWEROFF_AFTER - 30;
async function bootTest(req) {
  const { image, arch, machine, workDir, consoleLog, timeoutSeconds, guest } = req;
  const qemu = ARCH_INFO[arch].qemuSystem;
  await ensureHostPackages(["boot"]);
  const dir = join2(workDir, "boot-test");
  await rm(dir, { recursive: true, force: true });
  await mkdir2(dir, { recursive: true });
  const parts = await partitionOffsets(image);
  const fat = parts.find((p) => p.type === 12 || p.type === 11 || p.type === 14);
  if (!fat) throw new Error(`${image} has no FAT boot partition`);
  const root = parts.find((p) => p.type === 131);
  if (!root) throw new Error(`${image} has no Linux root partition (type 83)`);
  await readFromFat(image, fat.start, "config.txt", join2(dir, "config.txt"));
  const files = bootFilesFromConfig(await readFile(join2(dir, "config.txt"), "utf8"));
  await readFromFat(image, fat.start, files.kernel, join2(dir, "kernel"));
  if (files.initramfs) await readFromFat(image, fat.start, files.initramfs, join2(dir, "initrd"));
  const pi = machine === "pi";
  let dtb;
  let cmdline;
  if (pi) {
    const board = PI_BOARD[arch];
    const boardDtb = join2(dir, "board.dtb");
    dtb = boardDtb;
    await readFromFat(image, fat.start, board.dtb, boardDtb).catch(() => readFromFat(image, fat.start, board.forkDtb, boardDtb)).catch((err) => {
      throw new Error(
        `the image's boot partition has neither ${board.dtb} nor ${board.forkDtb}, the device tree of QEMU's ${board.machine} (${err.message.split("\n")[0]}); boot it with boot-machine virt instead`
      );
    });
    await writeFile2(dtb, patchedPiDtb(await readFile(dtb)));
    await readFromFat(image, fat.start, "cmdline.txt", join2(dir, "cmdline.txt"));
    cmdline = `${(await readFile(join2(dir, "cmdline.txt"), "utf8")).replace(/\s+/g, " ").trim()} ${EMULATED_SLACK}`;
  }
  const copy = join2(dir, "disk.img");
  await exec("cp", ["--sparse=always", "--reflink=auto", "--", resolve(image), copy]);
  const grown = (await stat(image)).size + EXTRA_DISK;
  await truncate(copy, pi ? nextPowerOfTwo(grown) : grown);
  const names = await installGuestTests(copy, root.start, join2(dir, "guest"), guest);
  const args = machineArgs(arch, machine, {
    kernel: join2(dir, "kernel"),
    ...files.initramfs ? { initrd: join2(dir, "initrd") } : {},
    ...dtb ? { dtb } : {},
    ...cmdline !== void 0 ? { cmdline } : {},
    disk: copy
  });
  const started = Date.now();
  const out = createWriteStream(consoleLog);
  out.on(
    "error",
    (err) => logger().warn(`cannot write the console log ${consoleLog} (${err.message}); the boot test goes on`)
  );
  const run = new GuestRun(names);
  let firstboot;
  let seen = "";
  let login;
  let loginAt = 0;
  let panic;
  let stuck;
  let stall;
  let silent = false;
  const stop = new AbortController();
  const end = () => {
    if (!stop.signal.aborted) stop.abort();
  };
  const bootTimer = setTimeout(() => {
    if (!login && !run.started) end();
  }, timeoutSeconds * 1e3);
  let doneAt = 0;
  const graceTimer = setInterval(() => {
    if (login && !run.started && Date.now() - loginAt > RUNNER_GRACE * 1e3) {
      silent = true;
      end();
    }
    if (run.done && !login && Date.now() - doneAt > PROMPT_GRACE * 1e3) end();
  }, 1e3);
  const r = await exec(qemu, args, {
    allowFailure: true,
    timeoutMs: (timeoutSeconds + CHECKS_BUDGET + PROMPT_GRACE + (names.length ? guest.timeoutSeconds : 0) + 60) * 1e3,
    signal: stop.signal,
    onData: (text) => {
      out.write(text);
      if (stop.signal.aborted) return;
      seen = (seen + text).slice(-4096);
      if (!login || !firstboot) {
        const marks = bootMarks(seen);
        firstboot ??= marks.firstboot;
        if (!login && marks.login) {
          login = marks.login;
          loginAt = Date.now();
          if (run.done) end();
        }
      }
      panic ??= /Kernel panic - not syncing: .*/.exec(seen)?.[0];
      stuck ??= emergencyMode(seen) ?? systemdFroze(seen);
      stall ??= cpuStall(seen);
      if (panic || stuck) end();
    },
    onLine: (line) => {
      const m = parseMarker(line);
      if (!m) {
        const text = consoleProgress(line);
        return text ? logger().progress(`boot: ${text}`) : void 0;
      }
      const said = run.feed(m);
      if (said) logger().info(`[${said.script}] ${said.text}`);
      else if (m.kind === "begin") logger().info(`Test script ${m.name}: running`);
      else if (m.kind === "end" || m.kind === "timeout") {
        const res = run.scripts.find((s) => s.name === m.name);
        if (res)
          logger().info(
            `Test script ${m.name}: ${scriptFacts([res], guest.timeoutSeconds)[`test: ${m.name}`]}`
          );
      }
      if (run.done && !doneAt) {
        doneAt = Date.now();
        if (login) end();
      }
    }
  });
  clearTimeout(bootTimer);
  clearInterval(graceTimer);
  out.end();
  await rm(copy, { force: true });
  const seconds = (Date.now() - started) / 1e3;
  const judged = judgeChecks(run.checks, guest);
  const loginSeconds = login ? (loginAt - started) / 1e3 : void 0;
  const facts = {
    // Where it booted and how long the login prompt took (the figure boot time is judged by).
    "boot-check: machine": `${machineLabel(arch, machine)}${loginSeconds === void 0 ? ", no login prompt" : `, login prompt after ${loginSeconds.toFixed(0)} s`}`,
    ...judged.facts,
    ...scriptFacts(run.scripts, guest.timeoutSeconds)
  };
  const warnings = [...judged.warnings];
  let passed = false;
  let detail;
  if (run.done) {
    const failure = [...judged.problems, scriptFailure(run, guest.timeoutSeconds)].filter(Boolean);
    passed = failure.length === 0;
    detail = passed ? login ?? "the built-in checks passed (no login prompt seen)" : failure.join("; ");
  } else if (panic) detail = panic;
  else if (stuck) detail = stuck;
  else if (run.current)
    detail = `test script ${run.current} was still running when the boot test ran out of time (test-timeout ${guest.timeoutSeconds} s, boot-timeout ${timeoutSeconds} s)`;
  else if (silent && !names.length) {
    passed = true;
    detail = login;
    warnings.push(`the built-in checks did not run within ${RUNNER_GRACE} s of the login prompt`);
  } else if (silent) detail = `the test scripts never started within ${RUNNER_GRACE} s of the login prompt`;
  else if (run.started)
    detail = `the checks did not finish within the boot test's time (last: ${Object.keys(judged.facts).pop() ?? "none"})`;
  else detail = `no login prompt within ${timeoutSeconds} s`;
  if (!passed && !run.done && !panic && !stuck && stall)
    detail += `; the guest's kernel reported "${stall}": an emulated board's CPUs stall like this when the host's cores are busy with other work (run fewer jobs beside the boot test, or raise boot-timeout), or the guest hung`;
  if (!passed && !stop.signal.aborted && r.exitCode !== 0 && r.signal === null && !run.started) {
    detail = `${qemu} exited with code ${r.exitCode}: ${r.stderr.trim().split("\n").slice(-3).join(" ")}`;
  }
  for (const w of warnings) logger().warn(`Boot test: ${w}`);
  for (const [k, v] of Object.entries(facts)) logger().info(`${k}: ${v}`);
  return {
    passed,
    seconds,
    consoleLog,
    detail,
    facts,
    warnings,
    scripts: run.scripts,
    ...firstboot ? { firstboot } : {}
  };
}

export {
  bootTest
};
