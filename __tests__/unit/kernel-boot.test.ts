// The kernel boot test's verdict on a console that never showed /init's line: the kernel
// option to build in, where the console shows which (samples as Linux 6.1 prints them).
import { describe, expect, it } from 'vitest';
import { kernelBootVerdict } from '../../src/boot/kernel-boot.js';

describe('kernel boot verdict', () => {
  it('no initramfs support: the root mount panics; names CONFIG_BLK_DEV_INITRD', () => {
    const text =
      '[    0.412] VFS: Cannot open root device "(null)" or unknown-block(0,0): error -6\n' +
      '[    0.413] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n';
    expect(kernelBootVerdict(text, 'arm64', 'virt', 60)).toBe(
      "the kernel did not run the initramfs's /init (Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)): build it with CONFIG_BLK_DEV_INITRD=y",
    );
  });

  it('no initramfs and no block layer (tinyconfig): no init at all; names CONFIG_BLK_DEV_INITRD', () => {
    // How Linux 6.1 ends when it has neither an initramfs nor a block device to mount (the
    // end-to-end case that booted such a kernel cost a second cold compile in CI; it is here now).
    const text =
      '[    0.142] Run /sbin/init as init process\n[    0.143] Run /etc/init as init process\n' +
      '[    0.145] Kernel panic - not syncing: No working init found.  Try passing init= option to kernel. See Linux Documentation/admin-guide/init.rst for guidance.\n';
    expect(kernelBootVerdict(text, 'arm64', 'virt', 60)).toMatch(
      /^the kernel did not run the initramfs's \/init \(Kernel panic - not syncing: No working init found\..*\): build it with CONFIG_BLK_DEV_INITRD=y$/,
    );
  });

  it('no ELF support: /init cannot be executed; names CONFIG_BINFMT_ELF', () => {
    const text =
      '[    0.51] Run /init as init process\n[    0.52] Failed to execute /init (error -8)\n' +
      '[    0.53] Kernel panic - not syncing: No working init found.  Try passing init= option to kernel.\n';
    expect(kernelBootVerdict(text, 'armhf', 'virt', 60)).toMatch(
      /^the kernel could not run \/init, a static armhf ELF program \(Kernel panic - not syncing: No working init found\..*\): build it with CONFIG_BINFMT_ELF=y$/,
    );
  });

  it('a silent console: names the serial console options, and on a board its drivers or virt', () => {
    expect(kernelBootVerdict('', 'arm64', 'virt', 60)).toBe(
      'the kernel printed nothing on the serial console of virt within 60 s: build in the PL011 serial console it boots with (console=ttyAMA0,115200: CONFIG_SERIAL_AMBA_PL011=y, CONFIG_SERIAL_AMBA_PL011_CONSOLE=y)',
    );
    expect(kernelBootVerdict('\r\n', 'arm64', 'raspi3b (Pi 3B)', 60)).toMatch(
      /of raspi3b \(Pi 3B\) within 60 s: .*, and the board's drivers, or try boot-machine virt$/,
    );
  });

  it('another panic is quoted; a console that stops is quoted by its last line', () => {
    expect(
      kernelBootVerdict('x\nKernel panic - not syncing: Oops: Fatal exception\n', 'arm64', 'virt', 9),
    ).toBe('Kernel panic - not syncing: Oops: Fatal exception');
    expect(
      kernelBootVerdict('[ 0.1] Booting Linux\n[ 2.0] clk: Disabling unused clocks\n', 'arm64', 'virt', 9),
    ).toBe("/init did not start within 9 s; the console's last line: [ 2.0] clk: Disabling unused clocks");
  });
});
