// The pure pieces of the boot test's guest side: the runner's text and unit, the debugfs
// requests, the console markers folded into results, and how checks and scripts are judged.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileScratch } from '../support/scratch.js';
import {
  GuestRun,
  UNIT_TEXT,
  WANTS_LINK,
  debugfsRequests,
  DEVICE_DROPIN_DIR,
  DEVICE_DROPIN_TEXT,
  judgeChecks,
  parseMarker,
  GUEST_DIR,
  RUNNER_SCRIPT,
  runnerData,
  scriptFacts,
  scriptFailure,
  scriptNames,
  type Marker,
} from '../../src/boot/guest-tests.js';
import { parseCli } from '../../src/cli-args.js';
import { loadConfig } from '../../src/config/load.js';
import { InputError } from '../../src/runtime/errors.js';

const scratch = fileScratch();

const feedAll = (run: GuestRun, lines: string[]) =>
  lines.flatMap((l) => {
    const m = parseMarker(l);
    const said = m ? run.feed(m) : undefined;
    return said ? [said] : [];
  });

describe('markers', () => {
  it('are found behind the prefix journald puts on console lines, with a CR', () => {
    expect(parseMarker('[  41.2] rpi-build[312]: rpi-build-test: begin check.sh\r')).toEqual({
      kind: 'begin',
      name: 'check.sh',
    });
    expect(parseMarker('rpi-build-test: end check.sh exit=3 seconds=2')).toEqual({
      kind: 'end',
      name: 'check.sh',
      exitCode: 3,
      seconds: 2,
    });
    expect(parseMarker('rpi-build-test: timeout hang.sh seconds=30')).toEqual({
      kind: 'timeout',
      name: 'hang.sh',
      seconds: 30,
    });
    expect(parseMarker('rpi-build-test: | end x exit=0 seconds=1')).toEqual<Marker>({
      kind: 'output',
      text: 'end x exit=0 seconds=1',
    });
    expect(parseMarker('rpi-build-test: check failed-units')).toEqual({
      kind: 'check',
      name: 'failed-units',
      value: '',
    });
    expect(parseMarker('[  OK  ] Started ssh.service')).toBeUndefined();
  });

  it('fold into script results, output lines attributed to the running script', () => {
    const run = new GuestRun(['ok.sh', 'bad.sh', 'hang.sh', 'late.sh']);
    const said = feedAll(run, [
      'rpi-build-test: start',
      'rpi-build-test: | stray line before any script',
      'rpi-build-test: begin ok.sh',
      'rpi-build-test: | hello',
      'rpi-build-test: end ok.sh exit=0 seconds=1',
      'rpi-build-test: begin bad.sh',
      'rpi-build-test: end bad.sh exit=3 seconds=0',
      'rpi-build-test: begin hang.sh',
    ]);
    expect(said).toEqual([{ script: 'ok.sh', text: 'hello' }]);
    expect(run.current).toBe('hang.sh');
    feedAll(run, [
      'rpi-build-test: timeout hang.sh seconds=30',
      'rpi-build-test: skip late.sh',
      'rpi-build-test: done',
    ]);
    expect(run.done).toBe(true);
    expect(run.scripts.map((s) => s.status)).toEqual(['passed', 'failed', 'timeout', 'skipped']);
    expect(scriptFacts(run.scripts, 30)).toEqual({
      'test: ok.sh': 'passed in 1 s',
      'test: bad.sh': 'failed (exit 3) after 0 s',
      'test: hang.sh': 'timed out after 30 s (test-timeout 30 s)',
      'test: late.sh': 'not run (test-timeout spent)',
    });
    const why = scriptFailure(run, 30)!;
    expect(why).toContain('test script bad.sh exited with code 3');
    expect(why).toContain('test script hang.sh did not finish within test-timeout (30 s)');
    expect(scriptFailure(new GuestRun([]), 30)).toBeUndefined();
  });
});

describe('built-in checks', () => {
  const GiB = 1024 ** 3;
  const healthy = [
    'rpi-build-test: check system running',
    'rpi-build-test: check failed-units',
    `rpi-build-test: check root fs=${2.4 * GiB} part=${2.5 * GiB} end=${2.75 * GiB} disk=${2.75 * GiB}`,
    'rpi-build-test: check user name=pi groups=pi,adm,sudo password=L keys=1',
    'rpi-build-test: check ssh-host-keys sshd=yes ecdsa ed25519 rsa',
  ];
  const judge = (lines: string[], account?: string) => {
    const run = new GuestRun([]);
    feedAll(run, lines);
    return judgeChecks(run.checks, { username: 'pi', ...(account ? { account } : {}) });
  };

  it('a healthy first boot gives facts, no problems and no warnings', () => {
    const j = judge(healthy, 'ssh-key');
    expect(j.problems).toEqual([]);
    expect(j.warnings).toEqual([]);
    expect(j.facts).toEqual({
      'boot-check: root': 'fills the disk: file system 2458 MiB, partition ends at 2816 MiB of 2816 MiB',
      'boot-check: user': 'pi: in sudo, password locked, 1 authorized key',
      'boot-check: ssh-host-keys': 'ecdsa, ed25519, rsa',
      'boot-check: units': 'running, no failed units',
    });
  });

  it('a root that did not grow, no host keys or a user unlike the build fail; failed units warn', () => {
    const j = judge(
      [
        'rpi-build-test: check system degraded',
        'rpi-build-test: check failed-units broken.service other.service',
        `rpi-build-test: check root fs=${1.2 * GiB} part=${1.3 * GiB} end=${1.75 * GiB} disk=${2.75 * GiB}`,
        'rpi-build-test: check user name=pi groups=pi password=L keys=0',
        'rpi-build-test: check ssh-host-keys sshd=yes',
      ],
      'password',
    );
    expect(j.problems.join('\n')).toMatch(/root did not grow/);
    expect(j.problems.join('\n')).toMatch(/not in the sudo group/);
    expect(j.problems.join('\n')).toMatch(/password locked, but the build set account password/);
    expect(j.problems.join('\n')).toMatch(/no SSH host keys/);
    expect(j.warnings).toEqual(['units failed at boot: broken.service, other.service']);
    expect(j.facts['boot-check: units']).toBe('degraded; failed: broken.service, other.service');
  });

  it('without the build’s account (boot-test of any image) the user is only reported', () => {
    const j = judge(['rpi-build-test: check user name=pi missing']);
    expect(j.problems).toEqual([]);
    expect(j.facts['boot-check: user']).toBe('pi: missing');
    expect(judge(['rpi-build-test: check user name=pi missing'], 'locked').problems).toEqual([
      'the first user pi does not exist',
    ]);
  });
});

describe('what goes into the scratch copy', () => {
  it('script names are safe words, unique, from the basename', () => {
    expect(scriptNames(['ci/check.sh', 'other/check.sh', "a/it's $(bad).sh"])).toEqual([
      'check.sh',
      'check.sh#2',
      'it_s___bad_.sh',
    ]);
  });

  it('the runner is constant, valid bash; the user, budget and names come from data files', () => {
    const dir = scratch('runner');
    writeFileSync(join(dir, 'run'), RUNNER_SCRIPT);
    execFileSync('bash', ['-n', join(dir, 'run')]);
    expect(RUNNER_SCRIPT).toContain(`here=${GUEST_DIR}\n`);
    expect(RUNNER_SCRIPT).not.toMatch(/\$\{(?!PIPESTATUS\[0\]\}|t#ssh_host_\})/);
    const data = runnerData(scriptNames(['a.sh', 'b.sh']), {
      timeoutSeconds: 60.7,
      username: "x'; reboot; '",
    });
    expect(data).toEqual({ user: "x'; reboot; '\n", timeout: '60\n', names: 'a.sh\nb.sh\n' });
  });

  it('the runner reads its data files and runs each script by index, output behind markers', () => {
    // The runner itself, its guest folder swapped for a scratch one and systemctl stubbed.
    const dir = scratch('runner-run');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    // sleep: the runner's wait before it powers off (the login prompt may follow the checks).
    for (const tool of ['systemctl', 'findmnt', 'lsblk', 'sleep'])
      writeFileSync(join(bin, tool), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const data = runnerData(['ok.sh', 'bad.sh'], { timeoutSeconds: 30, username: 'nobody-here' });
    for (const [f, t] of Object.entries(data)) writeFileSync(join(dir, f), t);
    writeFileSync(join(dir, '01'), '#!/bin/sh\necho hi from one\n', { mode: 0o755 });
    writeFileSync(join(dir, '02'), 'echo two; exit 3\n', { mode: 0o755 });
    writeFileSync(join(dir, 'run'), RUNNER_SCRIPT.replace(`here=${GUEST_DIR}`, `here=${dir}`));
    const out = spawnSync('bash', [join(dir, 'run')], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    }).stdout;
    const run = new GuestRun(['ok.sh', 'bad.sh']);
    const said: string[] = [];
    for (const l of out.split('\n')) {
      const m = parseMarker(l);
      const o = m && run.feed(m);
      if (o) said.push(`[${o.script}] ${o.text}`);
    }
    expect(run.done).toBe(true);
    expect(run.checks.user).toMatchObject({ name: 'nobody-here', missing: true });
    expect(run.scripts.map((s) => [s.name, s.status, s.exitCode])).toEqual([
      ['ok.sh', 'passed', 0],
      ['bad.sh', 'failed', 3],
    ]);
    expect(said).toEqual(['[ok.sh] hi from one', '[bad.sh] two']);
  });

  it('the unit runs after multi-user.target without holding the boot, its lines on the console', () => {
    expect(UNIT_TEXT).toMatch(/^After=multi-user\.target$/m);
    expect(UNIT_TEXT).toMatch(/^Type=exec$/m);
    expect(UNIT_TEXT).toMatch(/^StandardOutput=journal\+console$/m);
  });

  it('debugfs requests name only fixed paths and fixed local names', () => {
    const r = debugfsRequests(2);
    expect(r).toContain('write 01 /var/lib/rpi-build-test/01');
    expect(r).toContain('write 02 /var/lib/rpi-build-test/02');
    expect(r).toContain('write run /var/lib/rpi-build-test/run');
    expect(r).toContain(`symlink ${WANTS_LINK} /etc/systemd/system/rpi-build-test.service`);
    expect(r).toContain('write names /var/lib/rpi-build-test/names');
    for (const line of r) expect(line).toMatch(/^[a-z_]+( [A-Za-z0-9/._-]+)+$/);
  });

  it("on every emulated machine each device job may run 900 s: a drop-in for all device units, root's, 0644", () => {
    expect(DEVICE_DROPIN_TEXT).toBe('[Unit]\nJobRunningTimeoutSec=900\n');
    const r = debugfsRequests(1);
    const conf = `${DEVICE_DROPIN_DIR}/rpi-build-test.conf`;
    expect(r.slice(-5)).toEqual([
      `mkdir ${DEVICE_DROPIN_DIR}`,
      `write device-timeout ${conf}`,
      `sif ${conf} mode 0100644`,
      `sif ${conf} uid 0`,
      `sif ${conf} gid 0`,
    ]);
    expect(DEVICE_DROPIN_DIR).toBe('/etc/systemd/system/device.d');
  });
});

describe('test-script', () => {
  it('a path that is not a file is refused before any work, naming the input', async () => {
    const err = await loadConfig({ overrides: { 'test-script': '/nonexistent/check.sh' } }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(
      /^test-script: "\/nonexistent\/check.sh" is not a file\. Give paths of scripts/,
    );
  });

  it('takes paths one per line (spaces kept) and defaults test-timeout to 300 s', async () => {
    const dir = scratch('ts');
    const a = join(dir, 'my check.sh');
    const b = join(dir, 'b.sh');
    writeFileSync(a, 'true\n');
    writeFileSync(b, 'true\n');
    const c = await loadConfig({ overrides: { 'test-script': `${a}\n${b}` } });
    expect(c.testScript).toEqual([a, b]);
    expect(c.testTimeout).toBe(300);
    const err = await loadConfig({ overrides: { 'test-timeout': '5' } }).catch((e) => e);
    expect(err.message).toMatch(/^test-timeout/);
  });

  it('the CLI takes --test-script once per script (a repeated flag adds, not replaces)', () => {
    const cli = parseCli(['boot-test', 'x.img', '--test-script', 'a.sh', '--test-script', 'b c.sh'], {});
    expect(cli.overrides['test-script']).toBe('a.sh\nb c.sh');
    expect(parseCli(['image', '--test-script', 'a.sh'], {}).overrides['test-script']).toBe('a.sh');
  });
});
