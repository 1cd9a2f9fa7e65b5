// The kernel boot test's initramfs, checked with real tools: each /init runs under QEMU
// user-mode emulation and writes its line, `file` names the ELF, and cpio lists the archive
// the way the kernel will unpack it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { INIT_MARKER, initProgram, tinyInitramfs } from '../src/boot/tiny-initramfs.js';
import { itNeeds } from './support/needs.js';

const dir = mkdtempSync(join(tmpdir(), 'rpi-tiny-initramfs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES = [
  {
    arch: 'arm64',
    qemu: 'qemu-aarch64-static',
    cpu: 'cortex-a53',
    file: /ELF 64-bit LSB executable, ARM aarch64/,
  },
  { arch: 'armhf', qemu: 'qemu-arm-static', cpu: 'cortex-a7', file: /ELF 32-bit LSB executable, ARM, EABI5/ },
  // The Pi Zero/1's ARM1176: the same A32 program.
  { arch: 'armel', qemu: 'qemu-arm-static', cpu: 'arm1176', file: /ELF 32-bit LSB executable, ARM, EABI5/ },
] as const;

describe('the kernel boot test initramfs', () => {
  for (const c of CASES) {
    itNeeds(
      [`tool:${c.qemu}`, 'tool:file'],
      `${c.arch}: /init is a static program that prints the marker and exits 0`,
      () => {
        const init = join(dir, `init-${c.arch}`);
        writeFileSync(init, initProgram(c.arch), { mode: 0o755 });
        expect(execFileSync('file', ['-b', init], { encoding: 'utf8' })).toMatch(c.file);
        expect(execFileSync('file', ['-b', init], { encoding: 'utf8' })).toMatch(/statically linked/);
        const r = spawnSync(c.qemu, ['-cpu', c.cpu, init], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toBe(`${INIT_MARKER}\n`);
      },
    );
  }

  itNeeds(
    ['tool:cpio'],
    'the archive holds /dev, the console device node and an executable /init, owned by root',
    () => {
      const archive = join(dir, 'initrd.cpio');
      writeFileSync(archive, tinyInitramfs('arm64'));
      const listing = execFileSync('cpio', ['-itv', '--quiet', '-F', archive], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/));
      // mode, links, owner, group, (size | major, minor), date..., name
      expect(listing.map((f) => [f[0], f[2], f[3], f.at(-1)])).toEqual([
        ['drwxr-xr-x', 'root', 'root', 'dev'],
        ['crw-------', 'root', 'root', 'dev/console'],
        ['-rwxr-xr-x', 'root', 'root', 'init'],
      ]);
      expect(listing[1]!.slice(4, 6)).toEqual(['5,', '1']);
      // What cpio unpacks as /init is the program, byte for byte.
      const out = join(dir, 'unpacked');
      execFileSync('mkdir', ['-p', out]);
      execFileSync('cpio', ['-id', '--quiet', '--no-absolute-filenames', '-F', archive, 'init'], {
        cwd: out,
      });
      expect(execFileSync('cmp', [join(out, 'init'), '-'], { input: initProgram('arm64') }).length).toBe(0);
    },
  );
});
