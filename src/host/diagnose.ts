// Turns the probe's facts into problems, each with a one-line diagnosis and the fix.
// Pure: tests feed it hand-made reports for hosts we do not have (WSL, a Pi, a container).
import type { Arch } from '../config/schema.js';
import { ARCH_INFO } from './arch.js';
import type { HostReport } from './probe.js';
import { WANTED_FLAGS, hasFlags } from '../binfmt/handlers.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  id: string;
  severity: Severity;
  diagnosis: string;
  fix: string;
}

export interface DiagnoseContext {
  /** Arches the build needs to run programs of (none for a kernel: nothing foreign runs). */
  arches: Arch[];
  /** GiB of free disk needed where the build writes. */
  minFreeGiB: number;
}

export const MIN_FREE_GIB: Record<string, number> = { qemu: 1, image: 8, kernel: 15 };

const GiB = 1024 ** 3;

export function diagnose(r: HostReport, ctx: DiagnoseContext): Problem[] {
  const p: Problem[] = [];
  const machines = [...new Set(ctx.arches.map((a) => ARCH_INFO[a].qemu))];

  // binfmt_misc matters only to a build that runs ARM programs here.
  const emulates = machines.length > 0;
  if (emulates && !r.binfmt.mounted) {
    p.push({
      id: 'binfmt-not-mounted',
      severity: 'error',
      diagnosis: `binfmt_misc is not mounted at ${r.binfmt.path}, so the kernel cannot hand ARM programs to QEMU ("Exec format error").`,
      fix: `Mount it: sudo mount -t binfmt_misc binfmt_misc ${r.binfmt.path} (rpi-build qemu does this for you).`,
    });
  } else if (emulates && r.binfmt.enabled === false) {
    p.push({
      id: 'binfmt-disabled',
      severity: 'error',
      diagnosis: 'binfmt_misc is mounted but switched off, so no handler is used.',
      fix: `Switch it on: echo 1 | sudo tee ${r.binfmt.path}/status`,
    });
  }

  if (r.wsl.detected) {
    const anyQemu = r.binfmt.handlers.some((h) => h.name.startsWith('qemu-'));
    if (emulates && !anyQemu) {
      p.push({
        id: 'wsl-systemd-binfmt',
        severity: 'error',
        diagnosis:
          'This is WSL, which disables systemd-binfmt (as on Ubuntu 24.04 under WSL), so the QEMU handlers that qemu-user-static installs are never registered and ARM programs fail with "Exec format error".',
        fix: 'Run `sudo rpi-build qemu --arch arm64,armhf` after each WSL start (it registers the handlers directly), or add it to /etc/wsl.conf [boot] command=.',
      });
    }
    if (!r.wsl.interopHandler) {
      p.push({
        id: 'wsl-interop-missing',
        severity: 'info',
        diagnosis:
          'WSL interop is not registered in binfmt_misc, so Windows programs cannot be started from this shell (not needed for builds).',
        fix: 'Restart WSL (wsl --shutdown) to bring it back; rpi-build never removes it.',
      });
    }
  }

  for (const h of r.binfmt.handlers) {
    if (!h.name.startsWith('qemu-') && !['aarch64', 'arm'].some((m) => h.name.endsWith(m))) continue;
    if (!h.enabled || h.extension) continue;
    if (!hasFlags(h, 'F')) {
      p.push({
        id: 'handler-without-f',
        severity: 'warning',
        diagnosis: `The handler ${h.name} is registered without the F flag: the kernel looks up ${h.interpreter ?? 'its interpreter'} inside each chroot or container, where it does not exist, so emulated builds fail there.`,
        fix: `rpi-build qemu replaces it with one registered with flags ${WANTED_FLAGS} (or: echo -1 | sudo tee ${r.binfmt.path}/${h.name}, then register with F).`,
      });
    }
  }

  if (r.kernelArch === 'arm64' && r.userland.bits === 32) {
    p.push({
      id: 'kernel64-userland32',
      severity: 'warning',
      diagnosis: `The kernel is 64-bit (${r.machine}) but the userland is 32-bit (${r.userland.arch}); scripts that trust \`uname -m\` pick arm64 tools and fail ("Cross-arch ARM building like aarch64<->arm is not supported").`,
      fix: 'Name the arch explicitly (--arch armhf), or run tools under `setarch linux32`; rpi-build decides from the userland, not uname.',
    });
  }

  for (const m of ['aarch64', 'arm'] as const) {
    const f = r[m];
    const archNames = m === 'aarch64' ? 'arm64' : 'armhf/armel';
    if (f.native && f.handlers.length > 0) {
      p.push({
        id: `emulation-on-native-${m}`,
        severity: 'warning',
        diagnosis: `QEMU is registered for ${archNames} (${f.handlers.join(', ')}) although this CPU runs that code natively: every such program, the host's own included, now runs slower under emulation, and some break.`,
        fix: `Remove it: echo -1 | sudo tee ${f.handlers.map((h) => `${r.binfmt.path}/${h}`).join(' ')}`,
      });
    }
    if (machines.includes(m) && !f.native && !f.runs && r.binfmt.mounted) {
      p.push({
        id: `no-emulation-${m}`,
        severity: 'warning',
        diagnosis:
          f.handlers.length > 0
            ? `A handler for ${archNames} is registered (${f.handlers.join(', ')}) but a test program still fails: ${f.runError ?? 'unknown error'}.`
            : `${archNames} programs cannot run here: this CPU does not run them and no QEMU handler is registered.`,
        fix: `Run: rpi-build qemu --arch ${m === 'aarch64' ? 'arm64' : 'armhf'}`,
      });
    }
  }

  if (r.kernelArch === 'arm64' && r.aarch64.native) {
    p.push({
      id: 'native-arm-host',
      severity: 'info',
      diagnosis: `This is an ARM host: arm64 runs natively${r.arm.native ? ', and so does 32-bit ARM (AArch32)' : '; this CPU has no AArch32, so armhf and armel need QEMU'}.`,
      fix: 'Nothing to do: rpi-build registers emulation only for what the CPU cannot run.',
    });
  }

  if (r.pageSize !== null && r.pageSize !== 4096 && machines.includes('arm')) {
    p.push({
      id: 'large-pages-armhf',
      severity: 'warning',
      diagnosis: `The kernel uses ${r.pageSize / 1024} KiB pages (as on a Pi 5 kernel_2712); some 32-bit ARM programs assume 4 KiB pages and crash.`,
      fix: 'Build armhf/armel on a host with a 4 KiB page kernel (on a Pi 5: kernel=kernel8.img in config.txt).',
    });
  }

  if (r.disk && r.disk.freeBytes < ctx.minFreeGiB * GiB) {
    p.push({
      id: 'low-disk',
      severity: 'error',
      diagnosis: `Only ${(r.disk.freeBytes / GiB).toFixed(1)} GiB free at ${r.disk.path}; this build needs about ${ctx.minFreeGiB} GiB.`,
      fix: 'Free space (on GitHub-hosted runners, remove unused toolsets such as /usr/local/lib/android), or point work-dir at a larger disk.',
    });
  }

  const missing = r.tools.filter((t) => !t.path && t.name.startsWith('qemu-') && t.name.endsWith('-static'));
  if (missing.length > 0 && machines.some((m) => !r[m].native)) {
    p.push({
      id: 'qemu-user-missing',
      severity: 'info',
      diagnosis: `QEMU user-mode emulators are not installed (${missing.map((t) => t.name).join(', ')}).`,
      fix: 'rpi-build qemu installs them (apt-get install qemu-user-static).',
    });
  }

  if (!r.privileges.root && !r.privileges.sudo) {
    p.push({
      id: 'no-privileges',
      severity: 'warning',
      diagnosis:
        'Neither root nor passwordless sudo: registering emulation, installing packages and building root filesystems will fail.',
      fix: 'Run as root, or give this user passwordless sudo (GitHub-hosted runners have it).',
    });
  }
  return p;
}
