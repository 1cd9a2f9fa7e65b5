import { afterAll, describe, expect, it } from 'vitest';
import { readElf, tinyElf } from '../../src/binfmt/elf.js';
import { HANDLERS, handlerCatches, parseHandler, registerLine } from '../../src/binfmt/handlers.js';
import { diagnose } from '../../src/host/diagnose.js';
import type { HostReport } from '../../src/host/probe.js';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const scratch = mkdtempSync(join(tmpdir(), 'elf-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('tiny foreign programs', () => {
  it.each(['aarch64', 'arm'] as const)(
    '%s program is a static ELF the standard QEMU handler catches',
    async (m) => {
      const p = join(scratch, m);
      writeFileSync(p, tinyElf(m));
      expect(await readElf(p)).toEqual({ bits: m === 'aarch64' ? 64 : 32, machine: m, dynamic: false });
      const h = parseHandler(
        HANDLERS[m].name,
        `enabled\ninterpreter /x\nflags: OCF\noffset 0\nmagic ${HANDLERS[m].magic.toString('hex')}\nmask ${HANDLERS[m].mask.toString('hex')}\n`,
      );
      expect(handlerCatches(h, m)).toBe(true);
      expect(handlerCatches(h, m === 'arm' ? 'aarch64' : 'arm')).toBe(false);
    },
  );
  it('the native-probe variant slips past the handler masks', () => {
    const b = tinyElf('aarch64', true);
    expect(b[9]).toBe(1);
    const spec = HANDLERS.aarch64;
    const masked = [...spec.magic].every((x, i) => (b[i]! & spec.mask[i]!) === (x & spec.mask[i]!));
    expect(masked).toBe(false);
  });
  it('reads the host /bin/sh as a dynamic 64-bit program', async () => {
    const info = await readElf('/bin/sh');
    expect(info?.dynamic).toBe(true);
    expect(info?.bits).toBe(64);
  });
  it('escapes every byte in the register line', () => {
    expect(registerLine(HANDLERS.arm, '/usr/bin/qemu-arm-static')).toBe(
      ':qemu-arm:M:0:\\x7f\\x45\\x4c\\x46\\x01\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\x28\\x00:' +
        '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/bin/qemu-arm-static:FC',
    );
  });
});

/** A healthy x86_64 runner with both handlers; each test breaks one fact. */
function host(over: Partial<HostReport> = {}): HostReport {
  const handler = (name: string, m: 'aarch64' | 'arm', flags = 'OCF') =>
    parseHandler(
      name,
      `enabled\ninterpreter /usr/bin/${name}-static\nflags: ${flags}\noffset 0\nmagic ${HANDLERS[m].magic.toString('hex')}\nmask ${HANDLERS[m].mask.toString('hex')}\n`,
    );
  return {
    machine: 'x86_64',
    kernelRelease: '6.8.0-1021-azure',
    kernelArch: 'amd64',
    userland: { bits: 64, arch: 'amd64', dpkgArch: 'amd64' },
    pageSize: 4096,
    wsl: { detected: false, interopHandler: false },
    container: null,
    binfmt: {
      path: '/proc/sys/fs/binfmt_misc',
      mounted: true,
      enabled: true,
      handlers: [handler('qemu-aarch64', 'aarch64'), handler('qemu-arm', 'arm')],
    },
    aarch64: { native: false, handlers: ['qemu-aarch64'], runs: true },
    arm: { native: false, handlers: ['qemu-arm'], runs: true },
    disk: { path: '/home/runner', freeBytes: 20 * 1024 ** 3, totalBytes: 80 * 1024 ** 3 },
    tools: [],
    privileges: { root: false, sudo: true },
    ...over,
  };
}
const ctx = { arches: ['arm64', 'armhf'] as ('arm64' | 'armhf')[], minFreeGiB: 8 };
const ids = (r: HostReport) => diagnose(r, ctx).map((p) => p.id);

describe('doctor diagnoses', () => {
  it('finds nothing wrong on a healthy runner', () => {
    expect(diagnose(host(), ctx)).toEqual([]);
  });
  it('binfmt_misc not mounted, with the mount command as the fix', () => {
    const p = diagnose(
      host({ binfmt: { path: '/proc/sys/fs/binfmt_misc', mounted: false, enabled: null, handlers: [] } }),
      ctx,
    );
    expect(p[0]).toMatchObject({ id: 'binfmt-not-mounted', severity: 'error' });
    expect(p[0]!.fix).toContain('mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc');
  });
  it('a kernel build (no arch to emulate) is not told about binfmt_misc', () => {
    const bare = host({
      binfmt: { path: '/proc/sys/fs/binfmt_misc', mounted: false, enabled: null, handlers: [] },
      aarch64: { native: false, handlers: [], runs: false },
      arm: { native: false, handlers: [], runs: false },
    });
    expect(diagnose(bare, { arches: [], minFreeGiB: 15 })).toEqual([]);
    expect(diagnose(bare, ctx).map((x) => x.id)).toContain('binfmt-not-mounted');
  });
  it('WSL with systemd-binfmt disabled (no QEMU handlers)', () => {
    const r = host({
      kernelRelease: '5.15.167.4-microsoft-standard-WSL2',
      wsl: { detected: true, version: 2, interopHandler: true, systemdBinfmtDisabled: true },
      binfmt: {
        path: '/proc/sys/fs/binfmt_misc',
        mounted: true,
        enabled: true,
        handlers: [
          parseHandler('WSLInterop', 'enabled\ninterpreter /init\nflags: PF\noffset 0\nmagic 4d5a\n'),
        ],
      },
      aarch64: { native: false, handlers: [], runs: false, runError: 'Exec format error' },
      arm: { native: false, handlers: [], runs: false, runError: 'Exec format error' },
    });
    const p = diagnose(r, ctx);
    expect(p.map((x) => x.id)).toContain('wsl-systemd-binfmt');
    expect(p.find((x) => x.id === 'wsl-systemd-binfmt')!.diagnosis).toMatch(/systemd-binfmt/);
    expect(p.map((x) => x.id)).not.toContain('wsl-interop-missing');
  });
  it('a handler without the F flag', () => {
    const r = host();
    r.binfmt.handlers[0] = parseHandler(
      'qemu-aarch64',
      'enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: \noffset 0\nmagic 7f454c46\n',
    );
    expect(ids(r)).toEqual(['handler-without-f']);
  });
  it('emulation registered for an arch the CPU runs natively (ARM host)', () => {
    const r = host({
      machine: 'aarch64',
      kernelArch: 'arm64',
      userland: { bits: 64, arch: 'arm64' },
      aarch64: { native: true, handlers: ['qemu-aarch64'], runs: true },
    });
    expect(ids(r)).toEqual(['emulation-on-native-aarch64', 'native-arm-host']);
  });
  it('a 64-bit kernel under a 32-bit userland', () => {
    const r = host({
      machine: 'aarch64',
      kernelArch: 'arm64',
      userland: { bits: 32, arch: 'armhf' },
      aarch64: { native: true, handlers: [], runs: true },
      arm: { native: true, handlers: [], runs: true },
    });
    r.binfmt.handlers = [];
    const p = diagnose(r, ctx);
    expect(p.map((x) => x.id)).toEqual(['kernel64-userland32', 'native-arm-host']);
    expect(p[0]!.diagnosis).toMatch(/64-bit.*32-bit/);
  });
  it('an arm64 CPU without AArch32 needs emulation for armhf', () => {
    const r = host({
      machine: 'aarch64',
      kernelArch: 'arm64',
      userland: { bits: 64, arch: 'arm64' },
      aarch64: { native: true, handlers: [], runs: true },
      arm: { native: false, handlers: [], runs: false, runError: 'Exec format error' },
    });
    r.binfmt.handlers = [];
    const p = diagnose(r, ctx);
    expect(p.map((x) => x.id)).toEqual(['no-emulation-arm', 'native-arm-host']);
    expect(p[1]!.diagnosis).toMatch(/no AArch32/);
  });
  it('too little disk', () => {
    const p = diagnose(
      host({ disk: { path: '/mnt', freeBytes: 2 * 1024 ** 3, totalBytes: 14 * 1024 ** 3 } }),
      ctx,
    );
    expect(p).toEqual([expect.objectContaining({ id: 'low-disk', severity: 'error' })]);
    expect(p[0]!.diagnosis).toMatch(/2\.0 GiB free at \/mnt.*8 GiB/);
  });
  it('no root and no sudo', () => {
    expect(ids(host({ privileges: { root: false, sudo: false } }))).toEqual(['no-privileges']);
  });
});
