// The boot test stops at once when systemd drops to emergency mode, naming what sent it there
// (the fixture is the console of a bookworm armhf boot on raspi2b whose FAT label came too late).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuStall, emergencyMode, systemdFroze } from '../../src/boot/qemu.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'emergency-console.txt');

describe('emergency mode on the console', () => {
  it('names the device that timed out, colours stripped', () => {
    expect(emergencyMode(readFileSync(FIXTURE, 'utf8'))).toBe(
      'the system stopped in emergency mode (Timed out waiting for device … - /dev/disk/by-label/RASPIFIRM.)',
    );
  });

  it('names the first failed dependency when nothing timed out, and says so plainly when nothing is named', () => {
    const text =
      '[FAILED] Failed to mount boot-firmware.mount - /boot/firmware.\r\n' +
      '[DEPEND] Dependency failed for local-fs.target - Local File Systems.\r\n' +
      'You are in emergency mode. After logging in, type "journalctl -xb" to view\r\n';
    expect(emergencyMode(text)).toBe(
      'the system stopped in emergency mode (Failed to mount boot-firmware.mount - /boot/firmware.)',
    );
    expect(emergencyMode('You are in emergency mode. After logging in')).toBe(
      'the system stopped in emergency mode',
    );
  });

  it('is nothing on a console that never says it', () => {
    expect(emergencyMode('[  OK  ] Reached target multi-user.target\r\nraspberrypi login: ')).toBeUndefined();
  });
});

// systemd's crash handler (src/core/crash-handler.c): the signal it caught, then freeze().
describe('systemd (PID 1) frozen on the console', () => {
  it('names what PID 1 caught before it froze, colours stripped', () => {
    const text =
      '[  OK  ] Started \x1b[0;1;39msystemd-journald.service\x1b[0m - Journal Service.\r\n' +
      '[  443.861207] systemd[1]: Caught <SEGV> from PID 1, core dump failed (child 412, code=killed, status=11/SEGV).\r\n' +
      '[  443.872804] systemd[1]: Freezing execution.\r\n';
    expect(systemdFroze(text)).toBe(
      'systemd (PID 1) stopped and froze the system (Caught <SEGV> from PID 1, core dump failed (child 412, code=killed, status=11/SEGV).)',
    );
  });

  it('names a failed assertion, and says so plainly when nothing is named', () => {
    expect(
      systemdFroze(
        "[   52.1] systemd[1]: Assertion 'u' failed at src/core/unit.c:1234, function unit_ref_set(). Aborting.\n" +
          '[   52.2] systemd[1]: Caught <ABRT>, dumped core as pid 301.\n[   52.3] systemd[1]: Freezing execution.\n',
      ),
    ).toBe(
      "systemd (PID 1) stopped and froze the system (Assertion 'u' failed at src/core/unit.c:1234, function unit_ref_set(). Aborting.)",
    );
    expect(systemdFroze('[    9.0] systemd[1]: Freezing execution.\n')).toBe(
      'systemd (PID 1) stopped and froze the system',
    );
  });

  it('is nothing on a console that never says it', () => {
    expect(systemdFroze('[  OK  ] Reached target multi-user.target\r\nraspberrypi login: ')).toBeUndefined();
  });
});

// Lines of a CI run's Pi 3 boot that ran out of time on a host whose cores were busy.
describe('a CPU stall reported by the guest kernel', () => {
  it('names the first report, an RCU stall or a soft lockup', () => {
    expect(
      cpuStall(
        '[  753.111826]  el0t_64_sync+0x190/0x198\r\n[  790.040493] rcu: INFO: rcu_sched self-detected stall on CPU\r\n' +
          '[  817.112002] watchdog: BUG: soft lockup - CPU#1 stuck for 338s! [modprobe:271]\r\n',
      ),
    ).toBe('rcu: INFO: rcu_sched self-detected stall on CPU');
    expect(
      cpuStall('[  817.112002] watchdog: BUG: soft lockup - CPU#1 stuck for 338s! [modprobe:271]\r\n'),
    ).toBe('soft lockup - CPU#1 stuck for 338s! [modprobe:271]');
    expect(cpuStall('[ 60.1] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n')).toBe(
      'rcu: INFO: rcu_preempt detected stalls on CPUs',
    );
  });

  it('is nothing on a console that never says it', () => {
    expect(cpuStall('[  OK  ] Reached target multi-user.target\r\nraspberrypi login: ')).toBeUndefined();
  });
});
