// The boot test stops at once when systemd drops to emergency mode, naming what sent it there
// (the fixture is the console of a bookworm armhf boot on raspi2b whose FAT label came too late).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emergencyMode } from '../../src/boot/qemu.js';

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
