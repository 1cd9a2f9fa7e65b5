import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DpkgWatch,
  parseDpkgLine,
  profileText,
  slowestSteps,
  stageName,
  stepTotals,
} from '../../src/rootfs/dpkg-watch.js';

const root = mkdtempSync(join(tmpdir(), 'rpi-dpkg-watch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const T = '2026-11-29 22:00:01';

describe('dpkg.log', () => {
  it('reads steps, installs, ends and dpkg runs; drops the architecture', () => {
    expect(parseDpkgLine(`${T} configure openssh-server:arm64 1:9.2p1-2 1:9.2p1-2`)).toEqual({
      kind: 'configure',
      pkg: 'openssh-server',
    });
    expect(parseDpkgLine(`${T} trigproc libc-bin:arm64 2.36-9 <none>`)).toEqual({
      kind: 'trigger',
      pkg: 'libc-bin',
    });
    // dpkg.log has no "unpack" line: "install" (or "upgrade") begins the unpacking.
    expect(parseDpkgLine(`${T} install zstd:arm64 <none> 1.5.4`)).toEqual({
      install: true,
      kind: 'unpack',
      pkg: 'zstd',
    });
    expect(parseDpkgLine(`${T} upgrade zstd:arm64 1.5.4 1.5.5`)).toEqual({ kind: 'unpack', pkg: 'zstd' });
    expect(parseDpkgLine(`${T} status installed zstd:arm64 1.5.4`)).toEqual({ installed: 'zstd' });
    expect(parseDpkgLine(`${T} status half-configured zstd:arm64 1.5.4`)).toEqual({});
    expect(parseDpkgLine(`${T} startup packages configure`)).toEqual({ startup: true });
    expect(parseDpkgLine('garbage')).toEqual({});
  });

  it("names mmdebstrap's stages", () => {
    expect(stageName('I: downloading packages with apt...')).toBe('download');
    expect(stageName('I: installing remaining packages inside the chroot...')).toBe('remaining');
    expect(stageName('I: automatically chosen format: directory')).toBeUndefined();
  });

  it('follows the file as it grows: progress names the package and counts, steps are timed by arrival', async () => {
    const dir = join(root, 'r1');
    mkdirSync(join(dir, 'var', 'log'), { recursive: true });
    const log = join(dir, 'var', 'log', 'dpkg.log');
    let clock = 1_000_000;
    const progress: string[] = [];
    const w = new DpkgWatch(
      dir,
      (p) => progress.push(p),
      60_000,
      () => clock,
    );
    w.line('I: downloading packages with apt...');
    clock += 5000;
    w.line('I: installing remaining packages inside the chroot...');
    const poll = (): Promise<void> => (w as unknown as { poll(): Promise<void> }).poll();
    // Lines appended, then read by a poll of the real file (as the timer does) at the clock's time.
    const add = async (text: string): Promise<void> => {
      appendFileSync(log, text);
      await poll();
    };
    const lines = (...l: string[]): string => l.map((x) => `${T} ${x}\n`).join('');
    clock += 1000;
    await add(lines('startup archives unpack', 'install zstd:arm64 <none> 1'));
    clock += 1500;
    await add(lines('install ca-certificates:all <none> 2'));
    clock += 500;
    await add(lines('startup packages configure', 'configure zstd:arm64 1 1'));
    clock += 2000;
    await add(lines('status installed zstd:arm64 1', 'configure ca-certificates:all 2 2'));
    clock += 7000;
    // Half a line: read only once it is whole.
    await add(`${lines('status installed ca-certificates:all 2')}${T} trigproc ca-certi`);
    clock += 3000;
    await add('ficates:all 2 <none>\n');
    clock += 4000;
    const p = await w.stop();
    expect(progress).toEqual([
      'download',
      'remaining',
      'unpacking zstd',
      'unpacking ca-certificates',
      'configuring zstd (1 of 2)',
      'configuring ca-certificates (2 of 2)',
      'triggers of ca-certificates',
    ]);
    expect(p.steps).toEqual([
      { kind: 'unpack', pkg: 'zstd', seconds: 1.5, stage: 'remaining' },
      { kind: 'unpack', pkg: 'ca-certificates', seconds: 0.5, stage: 'remaining' },
      { kind: 'configure', pkg: 'zstd', seconds: 2, stage: 'remaining' },
      { kind: 'configure', pkg: 'ca-certificates', seconds: 7, stage: 'remaining' },
      { kind: 'trigger', pkg: 'ca-certificates', seconds: 4, stage: 'remaining' },
    ]);
    expect(stepTotals(p)).toEqual([
      { stage: 'remaining', kind: 'unpack', seconds: 2, count: 2 },
      { stage: 'remaining', kind: 'configure', seconds: 9, count: 2 },
      { stage: 'remaining', kind: 'trigger', seconds: 4, count: 1 },
    ]);
    expect(p.stages).toEqual([
      { name: 'download', seconds: 5 },
      { name: 'remaining', seconds: 19 },
    ]);
    expect(await w.stop()).toBe(p);
    expect(slowestSteps(p, 2).map((s) => `${s.kind} ${s.pkg}`)).toEqual([
      'configure ca-certificates',
      'trigger ca-certificates',
    ]);
    expect(profileText(p)).toMatch(
      /^root filesystem stages: download 5 s, remaining 19 s; dpkg: remaining unpack 2 s \(2\), remaining configure 9 s \(2\), remaining trigger 4 s \(1\); slowest steps: ca-certificates \(configure\) 7\.0 s, /,
    );
  });

  it("sums a package's repeated triggers", () => {
    const steps = [
      { kind: 'trigger' as const, pkg: 'libc-bin', seconds: 1 },
      { kind: 'configure' as const, pkg: 'udev', seconds: 1.5 },
      { kind: 'trigger' as const, pkg: 'libc-bin', seconds: 1 },
    ];
    expect(slowestSteps({ stages: [], steps })[0]).toEqual({ kind: 'trigger', pkg: 'libc-bin', seconds: 2 });
  });
});
