// The stamps that keep systemd's ConditionNeedsUpdate units (ldconfig, the journal catalog,
// sysusers, hwdb) from running at first boot: /etc/.updated and /var/.updated with /usr's
// time to the nanosecond, as systemd compares it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeUpdateStamps } from '../../src/rootfs/update-stamps.js';

const root = mkdtempSync(join(tmpdir(), 'rpi-stamps-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('update stamps', () => {
  it('gives /etc/.updated and /var/.updated the time of /usr, and that time as TIMESTAMP_NSEC', async () => {
    for (const d of ['usr', 'etc', 'var']) mkdirSync(join(root, d));
    // A time with a fraction of a second, which a copy to the millisecond would lose.
    utimesSync(join(root, 'usr'), 1_700_000_000.123456, 1_700_000_000.123456);
    const usr = statSync(join(root, 'usr'), { bigint: true }).mtimeNs;
    await writeUpdateStamps(root);
    for (const d of ['etc', 'var']) {
      const stamp = join(root, d, '.updated');
      expect(statSync(stamp, { bigint: true }).mtimeNs).toBe(usr);
      expect(readFileSync(stamp, 'utf8')).toMatch(new RegExp(`^TIMESTAMP_NSEC=${usr}$`, 'm'));
    }
  });
});
