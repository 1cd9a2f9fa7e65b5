// Real binfmt_misc, real qemu-user-static, real ARM programs from Debian's archive.
// Most cases run inside a private binfmt_misc (support/isolated.sh) so that breaking
// and fixing handlers never disturbs the host; one case registers on the host itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { fileScratch } from './support/scratch.js';
import { itNeeds } from './support/needs.js';
import { ISOLATED, ROOT } from './support/runner.js';

const scratch = fileScratch();

const CLI = join(ROOT, 'dist', 'cli.js');
const BUSYBOX = (arch: string) => join(ROOT, '.fixtures', arch, 'bin', 'busybox');
const NEEDS = ['root', 'userns-binfmt', 'fixtures', 'tool:qemu-aarch64-static'] as const;

/** Runs a fixed shell script inside a private binfmt_misc; paths come in as "$@", never spliced in. */
function isolated(mode: 'mount' | 'hide', script: string, ...args: string[]) {
  const r = spawnSync(ISOLATED, [mode, 'sh', '-c', script, 'sh', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('rpi-build doctor and qemu on a real kernel', () => {
  itNeeds([...NEEDS], 'doctor --json names an unmounted binfmt_misc and the fix', () => {
    const r = isolated('hide', 'node "$1" doctor --json --target qemu', CLI);
    const report = JSON.parse(r.out); // one JSON object, nothing else on stdout
    expect(report.host.binfmt.mounted).toBe(false);
    const p = report.problems.find((x: { id: string }) => x.id === 'binfmt-not-mounted');
    expect(p.fix).toContain('mount -t binfmt_misc');
    expect(report.ok).toBe(false);
    expect(r.code).toBe(1);
  });

  itNeeds(
    [...NEEDS],
    'qemu mounts binfmt_misc, registers F+C handlers, and arm64, armhf and armel programs run',
    () => {
      const r = isolated(
        'hide',
        `node "$1" qemu --arch arm64,armhf >/dev/null || exit 1
       cat /proc/sys/fs/binfmt_misc/qemu-aarch64 /proc/sys/fs/binfmt_misc/qemu-arm
       echo "arm64=$("$2" uname -m)"; echo "armhf=$("$3" uname -m)"; echo "armel=$("$4" uname -m)"`,
        CLI,
        BUSYBOX('arm64'),
        BUSYBOX('armhf'),
        BUSYBOX('armel'),
      );
      expect(r.err).toContain('Mounting binfmt_misc');
      expect(r.code).toBe(0);
      const flags = [...r.out.matchAll(/^flags: (\w+)$/gm)].map((m) => m[1]);
      expect(flags).toHaveLength(2);
      for (const f of flags) expect(f).toMatch(/^(?=.*F)(?=.*C)(?=.*O)/);
      expect(r.out).toMatch(/^arm64=aarch64$/m);
      expect(r.out).toMatch(/^armhf=armv7l$/m);
      expect(r.out).toMatch(/^armel=armv7l$/m);
    },
  );

  itNeeds([...NEEDS], 'a second qemu run leaves the handlers exactly as they were', () => {
    const r = isolated(
      'mount',
      `node "$1" qemu --arch arm64,armhf >/dev/null 2>&1 || exit 1
       a=$(cat /proc/sys/fs/binfmt_misc/qemu-*)
       node "$1" qemu --arch arm64,armhf 2>&1 || exit 1
       b=$(cat /proc/sys/fs/binfmt_misc/qemu-*)
       [ "$a" = "$b" ] && echo SAME`,
      CLI,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('SAME');
    expect(r.out).toMatch(/aarch64: qemu-aarch64 already registered .*left as is/);
    expect(r.out).toMatch(/arm: qemu-arm already registered .*left as is/);
    expect(r.out).not.toMatch(/registered qemu-/);
  });

  itNeeds(
    [...NEEDS],
    'a handler without the F flag is diagnosed, then replaced, and then works in a chroot',
    () => {
      const chroot = scratch('chroot');
      mkdirSync(join(chroot, 'bin'));
      copyFileSync(BUSYBOX('arm64'), join(chroot, 'bin', 'busybox'));
      execFileSync('chmod', ['755', join(chroot, 'bin', 'busybox')]);
      const noF =
        ':qemu-aarch64:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/bin/qemu-aarch64-static:';
      const r = isolated(
        'mount',
        `printf '%s' "$3" > /proc/sys/fs/binfmt_misc/register || exit 1
       chroot "$2" /bin/busybox true 2>/dev/null && echo CHROOT-BEFORE-OK || echo CHROOT-BEFORE-FAILS
       node "$1" doctor --json --target qemu > "$2/doctor.json"; grep -o '"handler-without-f"' "$2/doctor.json"
       node "$1" qemu --arch arm64 2>&1 || exit 1
       grep flags /proc/sys/fs/binfmt_misc/qemu-aarch64
       chroot "$2" /bin/busybox echo CHROOT-AFTER-OK`,
        CLI,
        chroot,
        noF,
      );
      expect(r.code).toBe(0);
      expect(r.out).toContain('CHROOT-BEFORE-FAILS'); // the interpreter is not inside the chroot
      expect(r.out).toContain('"handler-without-f"');
      expect(r.out).toMatch(/removing broken handler qemu-aarch64 \(flags ""/);
      expect(r.out).toMatch(/^flags: \w*F\w*$/m);
      expect(r.out).toContain('CHROOT-AFTER-OK');
    },
  );

  itNeeds(
    ['root', 'fixtures', 'tool:qemu-aarch64-static'],
    'on the host itself: qemu registers (or keeps) handlers and Debian arm64 and armhf busybox run',
    () => {
      const out = execFileSync('node', [CLI, 'qemu', '--arch', 'arm64,armhf'], { encoding: 'utf8' });
      expect(out).toMatch(/^emulated=arm64,armhf$/m);
      expect(out).toMatch(/^platforms=linux\/amd64,linux\/arm64,linux\/arm\/v7$/m);
      expect(execFileSync(BUSYBOX('arm64'), ['uname', '-m'], { encoding: 'utf8' }).trim()).toBe('aarch64');
      expect(execFileSync(BUSYBOX('armhf'), ['uname', '-m'], { encoding: 'utf8' }).trim()).toBe('armv7l');
    },
  );
});
