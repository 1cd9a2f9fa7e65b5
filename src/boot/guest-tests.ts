// Checks and the user's test scripts run inside the booted image. They go into a scratch copy
// of the image only (the artifact never holds them): a unit, a runner and the scripts are
// written into its ext4 root with debugfs (no mount, no loop device, so the same path serves
// any boot machine: virt's disk and a Pi board's SD card alike). The runner speaks to the
// host through marker lines on the serial console; the host parses them into results.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { exec } from '../runtime/exec.js';

export interface GuestTestOptions {
  /** The user's scripts (host paths, checked to be files when the config was loaded). */
  scripts: string[];
  /** Seconds the scripts may run in all. */
  timeoutSeconds: number;
  /** The first user to check. */
  username: string;
  /**
   * The account state the build made ('password', 'ssh-key', 'password+ssh-key', 'locked'); set,
   * a different state in the booted image fails the boot test. Unset (boot-test of any image):
   * the state is only reported.
   */
  account?: string;
}

/** Where the runner and the scripts live in the scratch copy's root. */
export const GUEST_DIR = '/var/lib/rpi-build-test';
export const UNIT_NAME = 'rpi-build-test.service';
export const UNIT_PATH = `/etc/systemd/system/${UNIT_NAME}`;
export const WANTS_LINK = `/etc/systemd/system/multi-user.target.wants/${UNIT_NAME}`;
/**
 * For QEMU's emulated machines (the Pi boards and virt, all TCG), where udev can take longer
 * than systemd's 90 s to show a partition's label on a busy host and the boot then stops in
 * emergency mode: every device job may run 900 s. A drop-in
 * for all device units (systemd's unit-type drop-in folder), because systemd before 254
 * (bookworm's 252) has no systemd.default_device_timeout_sec=; scratch copy only.
 */
export const DEVICE_DROPIN_DIR = '/etc/systemd/system/device.d';
export const DEVICE_DROPIN_TEXT = '[Unit]\nJobRunningTimeoutSec=900\n';
/** The runner's marker (RUNNER_SCRIPT's say() prints it). */
const MARK = 'rpi-build-test:';

/** Seconds the runner waits after its last marker before it powers the machine off. */
export const POWEROFF_AFTER = 90;

// Type=exec, not oneshot: a oneshot unit's start job holds the boot in "starting" until it ends,
// so the runner's own `systemctl is-system-running --wait` would wait for itself. After=
// multi-user.target runs it once the system is up; journal+console puts each line on the serial
// console (journald reopens the console for each line, so a getty's hangup cannot cut it off).
export const UNIT_TEXT = `[Unit]
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

/** A name safe in a marker line, a shell word and a fact key; unique among the scripts. */
export function scriptNames(paths: string[]): string[] {
  const seen = new Map<string, number>();
  return paths.map((p) => {
    const name = basename(p).replace(/[^A-Za-z0-9._+-]/g, '_') || 'script';
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name}#${n}`;
  });
}

/** The guest-side file name of script i: fixed by index, so no user text names a path. */
export const guestScript = (i: number): string => `${GUEST_DIR}/${String(i + 1).padStart(2, '0')}`;

/**
 * The runner: the built-in checks, then each script in order with the time left of the budget,
 * every line of its output on the console behind a marker, then power off. bash for PIPESTATUS.
 * Constant text: what differs per run (the user to check, the time budget, the scripts' names)
 * is read from data files beside it (runnerData), so nothing is ever interpolated into a shell
 * script. Script i is the file 01, 02, … in its folder.
 */
export const RUNNER_SCRIPT = [
  '#!/bin/bash',
  "# rpi-build boot test runner: exists only in the boot test's scratch copy of the image.",
  'set -u',
  'here=/var/lib/rpi-build-test',
  'say() { printf \'rpi-build-test: %s\\n\' "$*"; }',
  'say start',
  '# The system as a whole: running (or degraded, with the failed units named).',
  'say "check system $(timeout 300 systemctl is-system-running --wait 2>/dev/null || true)"',
  'failed=',
  'while read -r unit _; do failed="$failed $unit"; done < <(systemctl --failed --plain --no-legend 2>/dev/null)',
  'say "check failed-units$failed"',
  '# The root filesystem against its partition and the disk (bytes).',
  'dev=$(findmnt -n -o SOURCE /)',
  'part=$(basename "$dev")',
  'disk=$(lsblk -no PKNAME "$dev" | head -n 1)',
  'start=$(cat "/sys/class/block/$part/start" 2>/dev/null || echo 0)',
  'size=$(cat "/sys/class/block/$part/size" 2>/dev/null || echo 0)',
  'total=$(cat "/sys/class/block/$disk/size" 2>/dev/null || echo 0)',
  'say "check root fs=$(df -B1 --output=size / | tail -n 1 | tr -d \' \') part=$((size * 512)) end=$(((start + size) * 512)) disk=$((total * 512))"',
  '# The first user (its name is the first line of the file user).',
  'IFS= read -r u < "$here/user"',
  'if getent passwd "$u" >/dev/null; then',
  '  home=$(getent passwd "$u" | cut -d: -f6)',
  '  keys=0',
  '  [ -f "$home/.ssh/authorized_keys" ] && keys=$(grep -c . "$home/.ssh/authorized_keys")',
  '  say "check user name=$u groups=$(id -nG "$u" | tr \' \' ,) password=$(passwd -S "$u" | cut -d\' \' -f2) keys=$keys"',
  'else',
  '  say "check user name=$u missing"',
  'fi',
  '# SSH host keys (made on first boot; the image ships none).',
  'keys=',
  'for f in /etc/ssh/ssh_host_*_key; do',
  '  [ -s "$f" ] || continue',
  '  t=$(basename "$f" _key)',
  '  keys="$keys ${t#ssh_host_}"',
  'done',
  '[ -x /usr/sbin/sshd ] && sshd=yes || sshd=no',
  'say "check ssh-host-keys sshd=$sshd$keys"',
  '',
  'IFS= read -r budget < "$here/timeout"',
  'deadline=$(($(date +%s) + budget))',
  'run() {',
  '  local name=$1 file=$2 left begin rc',
  '  left=$((deadline - $(date +%s)))',
  '  if [ "$left" -le 0 ]; then say "skip $name"; return; fi',
  '  say "begin $name"',
  '  begin=$(date +%s)',
  '  # A file without #! runs under sh, as it would when given to sh by hand.',
  '  if [ "$(head -c 2 "$file")" = \'#!\' ]; then set -- "$file"; else set -- /bin/sh "$file"; fi',
  '  (cd /root && timeout --kill-after=5 "$left" "$@" </dev/null 2>&1) |',
  '    while IFS= read -r line || [ -n "$line" ]; do say "| $line"; done',
  '  rc=${PIPESTATUS[0]}',
  '  if [ "$rc" -ge 124 ] && [ $(($(date +%s) - begin)) -ge "$left" ]; then',
  '    say "timeout $name seconds=$(($(date +%s) - begin))"',
  '  else',
  '    say "end $name exit=$rc seconds=$(($(date +%s) - begin))"',
  '  fi',
  '}',
  "# The scripts' names, one per line; script i is the file 01, 02, ...",
  'i=0',
  'while IFS= read -r name; do',
  '  i=$((i + 1))',
  '  run "$name" "$here/$(printf %02d "$i")"',
  'done < "$here/names"',
  'say done',
  // rpi-build ends QEMU once it has the login prompt too (boot/qemu.ts, PROMPT_GRACE); the
  // getty may print it after the checks on a slow emulated board, so it is given time first.
  `sleep ${POWEROFF_AFTER}`,
  'systemctl poweroff --no-block',
  '',
].join('\n');

/** The runner's data files: the user to check, the seconds the scripts may take, their names. */
export function runnerData(
  names: string[],
  opts: Pick<GuestTestOptions, 'timeoutSeconds' | 'username'>,
): Record<'user' | 'timeout' | 'names', string> {
  return {
    user: `${opts.username}\n`,
    timeout: `${Math.trunc(opts.timeoutSeconds)}\n`,
    names: names.map((n) => `${n}\n`).join(''),
  };
}

/**
 * debugfs requests that add the runner, the scripts and the unit (its wants link too), and the
 * device drop-in. Sources are names in debugfs's cwd.
 */
export function debugfsRequests(count: number): string[] {
  const file = (src: string, dest: string, mode: string): string[] => [
    `write ${src} ${dest}`,
    `sif ${dest} mode ${mode}`,
    `sif ${dest} uid 0`,
    `sif ${dest} gid 0`,
  ];
  return [
    `mkdir ${GUEST_DIR}`,
    ...file('run', `${GUEST_DIR}/run`, '0100755'),
    ...(['user', 'timeout', 'names'] as const).flatMap((d) => file(d, `${GUEST_DIR}/${d}`, '0100644')),
    ...Array.from({ length: count }, (_, i) =>
      file(basename(guestScript(i)), guestScript(i), '0100755'),
    ).flat(),
    ...file('unit', UNIT_PATH, '0100644'),
    `symlink ${WANTS_LINK} ${UNIT_PATH}`,
    `mkdir ${DEVICE_DROPIN_DIR}`,
    ...file('device-timeout', `${DEVICE_DROPIN_DIR}/rpi-build-test.conf`, '0100644'),
  ];
}

/**
 * Writes the runner, scripts and unit into the ext4 root at `offset` of `image` (a scratch copy)
 * with debugfs. debugfs exits 0 even when a request fails, so anything on stderr but its banner
 * is an error.
 */
export async function installGuestTests(
  image: string,
  offset: number,
  dir: string,
  opts: GuestTestOptions,
): Promise<string[]> {
  const names = scriptNames(opts.scripts);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'run'), RUNNER_SCRIPT);
  for (const [file, text] of Object.entries(runnerData(names, opts))) await writeFile(join(dir, file), text);
  await writeFile(join(dir, 'unit'), UNIT_TEXT);
  await writeFile(join(dir, 'device-timeout'), DEVICE_DROPIN_TEXT);
  for (const [i, script] of opts.scripts.entries())
    await copyFile(script, join(dir, basename(guestScript(i))));
  await writeFile(join(dir, 'requests'), `${debugfsRequests(opts.scripts.length).join('\n')}\n`);
  const r = await exec('debugfs', ['-w', '-f', 'requests', `${image}?offset=${offset}`], {
    cwd: dir,
    allowFailure: true,
  });
  const errors = r.stderr
    .split('\n')
    .filter((l) => l.trim() && !/^debugfs \d/.test(l) && !/^\s*Using EXT2FS/.test(l));
  if (r.exitCode !== 0 || errors.length)
    throw new Error(
      `could not add the boot test's unit to the scratch copy's root with debugfs: ${errors.join(' ') || `exit ${r.exitCode}`}`,
    );
  return names;
}

export interface ScriptResult {
  name: string;
  status: 'passed' | 'failed' | 'timeout' | 'skipped' | 'not run';
  exitCode?: number;
  seconds?: number;
}

export interface GuestChecks {
  system?: string;
  failedUnits?: string[];
  root?: { fs: number; part: number; end: number; disk: number };
  /** `passwd -S`'s state letter for the user: P (set), L (locked), NP (none). */
  user?: { name: string; missing: boolean; groups: string[]; pwState: string; keys: number };
  sshHostKeys?: { sshd: boolean; types: string[] };
}

/** What a console line said, if it is one of the runner's markers. */
export type Marker =
  | { kind: 'start' | 'done' }
  | { kind: 'check'; name: string; value: string }
  | { kind: 'begin' | 'skip'; name: string }
  | { kind: 'end'; name: string; exitCode: number; seconds: number }
  | { kind: 'timeout'; name: string; seconds: number }
  | { kind: 'output'; text: string };

/** Parses one console line (journald may put its own prefix before the marker). */
export function parseMarker(raw: string): Marker | undefined {
  const line = raw.replace(/\r$/, '');
  const at = line.indexOf(`${MARK} `);
  if (at < 0) return undefined;
  const rest = line.slice(at + MARK.length + 1);
  if (rest.startsWith('| ') || rest === '|') return { kind: 'output', text: rest.slice(2) };
  if (rest === 'start' || rest === 'done') return { kind: rest };
  let m = /^check (\S+) ?(.*)$/.exec(rest);
  if (m) return { kind: 'check', name: m[1]!, value: m[2]! };
  m = /^(begin|skip) (\S+)$/.exec(rest);
  if (m) return { kind: m[1] as 'begin' | 'skip', name: m[2]! };
  m = /^end (\S+) exit=(\d+) seconds=(\d+)$/.exec(rest);
  if (m) return { kind: 'end', name: m[1]!, exitCode: Number(m[2]), seconds: Number(m[3]) };
  m = /^timeout (\S+) seconds=(\d+)$/.exec(rest);
  if (m) return { kind: 'timeout', name: m[1]!, seconds: Number(m[2]) };
  return undefined;
}

const num = (v: string, key: string): number =>
  Number(new RegExp(`(?:^| )${key}=(\\d+)`).exec(v)?.[1] ?? NaN);

/** Folds the markers into results as they arrive. */
export class GuestRun {
  started = false;
  done = false;
  /** The script that began and has not ended (named when the boot runs out of time). */
  current: string | undefined;
  readonly checks: GuestChecks = {};
  readonly scripts: ScriptResult[];

  constructor(names: string[]) {
    this.scripts = names.map((name) => ({ name, status: 'not run' }));
  }

  /** Feeds one marker; returns the output line of the running script, if it was one. */
  feed(m: Marker): { script: string; text: string } | undefined {
    const result = (name: string): ScriptResult | undefined => this.scripts.find((s) => s.name === name);
    switch (m.kind) {
      case 'start':
        this.started = true;
        return undefined;
      case 'done':
        this.done = true;
        this.current = undefined;
        return undefined;
      case 'begin':
        this.current = m.name;
        return undefined;
      case 'skip': {
        const r = result(m.name);
        if (r) r.status = 'skipped';
        return undefined;
      }
      case 'end':
      case 'timeout': {
        const r = result(m.name);
        if (r) {
          r.seconds = m.seconds;
          if (m.kind === 'timeout') r.status = 'timeout';
          else {
            r.exitCode = m.exitCode;
            r.status = m.exitCode === 0 ? 'passed' : 'failed';
          }
        }
        this.current = undefined;
        return undefined;
      }
      case 'output':
        return this.current ? { script: this.current, text: m.text } : undefined;
      case 'check':
        this.check(m.name, m.value);
        return undefined;
    }
  }

  private check(name: string, v: string): void {
    const c = this.checks;
    if (name === 'system') c.system = v || 'unknown';
    else if (name === 'failed-units') c.failedUnits = v.split(/\s+/).filter(Boolean);
    else if (name === 'root')
      c.root = { fs: num(v, 'fs'), part: num(v, 'part'), end: num(v, 'end'), disk: num(v, 'disk') };
    else if (name === 'user') {
      const field = (k: string): string => new RegExp(`(?:^| )${k}=(\\S*)`).exec(v)?.[1] ?? '';
      c.user = {
        name: field('name'),
        missing: / missing$/.test(v),
        groups: field('groups').split(',').filter(Boolean),
        pwState: field('password'),
        keys: Number(field('keys') || 0),
      };
    } else if (name === 'ssh-host-keys') {
      const words = v.split(/\s+/).filter(Boolean);
      c.sshHostKeys = { sshd: words[0] === 'sshd=yes', types: words.slice(1) };
    }
  }
}

/** Slack a grown root may leave at the disk's end (alignment), and the share of the partition ext4 may keep for itself. */
const END_SLACK = 16 * 1024 * 1024;
const FS_SHARE = 0.9;
const mib = (n: number): string => `${Math.round(n / 1024 / 1024)} MiB`;
const PASSWORD_STATE: Record<string, string> = { P: 'password set', L: 'password locked', NP: 'no password' };

/**
 * The built-in checks as facts, with the problems that fail the boot test and the warnings that
 * do not. Failed units only warn: QEMU's boards lack hardware the Pi has (Wi-Fi, Bluetooth, a
 * camera), so a unit for such a device may fail here and work on the card; the image's own
 * units start cleanly, so a unit named here is worth a look but not a failed build.
 */
export function judgeChecks(
  c: GuestChecks,
  opts: Pick<GuestTestOptions, 'username' | 'account'>,
): { facts: Record<string, string>; problems: string[]; warnings: string[] } {
  const facts: Record<string, string> = {};
  const problems: string[] = [];
  const warnings: string[] = [];
  if (c.root && c.root.disk > 0 && c.root.end > 0) {
    const { fs, part, end, disk } = c.root;
    const grown = disk - end <= END_SLACK && fs >= part * FS_SHARE;
    facts['boot-check: root'] =
      `${grown ? 'fills the disk' : 'did not grow'}: file system ${mib(fs)}, partition ends at ${mib(end)} of ${mib(disk)}`;
    if (!grown) problems.push(`the root did not grow to fill the disk (${facts['boot-check: root']})`);
  }
  if (c.user) {
    const u = c.user;
    if (u.missing) {
      facts['boot-check: user'] = `${u.name}: missing`;
      if (opts.account) problems.push(`the first user ${u.name} does not exist`);
    } else {
      const sudo = u.groups.includes('sudo');
      const pw = PASSWORD_STATE[u.pwState] ?? `password state ${u.pwState}`;
      facts['boot-check: user'] =
        `${u.name}: ${sudo ? 'in sudo' : 'not in sudo'}, ${pw}, ${u.keys} authorized key${u.keys === 1 ? '' : 's'}`;
      if (opts.account) {
        const wantPassword = opts.account.includes('password');
        const wantKeys = opts.account.includes('ssh-key');
        if (!sudo) problems.push(`the first user ${u.name} is not in the sudo group`);
        if (wantPassword !== (u.pwState === 'P'))
          problems.push(`the first user ${u.name} has ${pw}, but the build set account ${opts.account}`);
        if (wantKeys !== u.keys > 0)
          problems.push(
            `the first user ${u.name} has ${u.keys} authorized keys, but the build set account ${opts.account}`,
          );
      }
    }
  }
  if (c.sshHostKeys) {
    const k = c.sshHostKeys;
    facts['boot-check: ssh-host-keys'] = k.types.length
      ? k.types.join(', ')
      : k.sshd
        ? 'none'
        : 'none (no sshd)';
    if (k.sshd && !k.types.length) problems.push('no SSH host keys were made on first boot');
  }
  if (c.system !== undefined) {
    const failed = c.failedUnits ?? [];
    facts['boot-check: units'] = failed.length
      ? `${c.system}; failed: ${failed.join(', ')}`
      : `${c.system}, no failed units`;
    if (failed.length) warnings.push(`units failed at boot: ${failed.join(', ')}`);
    else if (c.system !== 'running') warnings.push(`the system reached "${c.system}", not "running"`);
  }
  return { facts, problems, warnings };
}

/** One fact per script: `test: NAME` -> its status and duration. */
export function scriptFacts(results: ScriptResult[], timeoutSeconds: number): Record<string, string> {
  const text = (r: ScriptResult): string => {
    const s = `${r.seconds ?? 0} s`;
    switch (r.status) {
      case 'passed':
        return `passed in ${s}`;
      case 'failed':
        return `failed (exit ${r.exitCode}) after ${s}`;
      case 'timeout':
        return `timed out after ${s} (test-timeout ${timeoutSeconds} s)`;
      case 'skipped':
        return 'not run (test-timeout spent)';
      case 'not run':
        return 'not run';
    }
  };
  return Object.fromEntries(results.map((r) => [`test: ${r.name}`, text(r)]));
}

/** Why the scripts fail the boot test, naming each failing script; undefined when they passed. */
export function scriptFailure(run: GuestRun, timeoutSeconds: number): string | undefined {
  const bad = run.scripts.filter((s) => s.status !== 'passed');
  if (!bad.length) return undefined;
  return bad
    .map((s) => {
      if (s.status === 'failed') return `test script ${s.name} exited with code ${s.exitCode}`;
      if (s.status === 'timeout')
        return `test script ${s.name} did not finish within test-timeout (${timeoutSeconds} s) and was stopped`;
      if (s.status === 'skipped')
        return `test script ${s.name} did not run: test-timeout (${timeoutSeconds} s) was spent`;
      return `test script ${s.name} never ran`;
    })
    .join('; ');
}
