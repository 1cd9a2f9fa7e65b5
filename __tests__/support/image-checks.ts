// What the image end-to-end files share: the CLI run with its own cache folder, and the checks
// every built image must pass (partitions, boot files, the boot log on its Pi board, sources).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from './runner.js';
import {
  debugfs,
  describeFile,
  dumpFromExt4,
  fatList,
  fatRead,
  partitions,
  securityVersions,
} from './image-inspect.js';

export const CLI = join(ROOT, 'dist', 'cli.js');
export const MIN = 60_000;
/** What every image build needs (the hosted-runner cases add sudo and useradd). */
export const IMAGE_NEEDS = [
  'root',
  'tool:mmdebstrap',
  'tool:qemu-aarch64-static',
  'tool:qemu-system-aarch64',
  'tool:mkfs.vfat',
  'tool:mcopy',
  'tool:debugfs',
] as const;

/**
 * A cache home kept between runs under the temp folder, as a self-hosted runner keeps its own:
 * kernel-image's builds save the default root (trixie arm64), its toolchain and ccache there, and
 * boot-tests' build, which fails on purpose and so never saves, restores the root from it. The
 * first run on a machine, or on a new archive state, builds the root cold, unless image-build's
 * cold action build (which never restores from it) ran first and put its root in.
 */
export const KEPT_CACHE_HOME =
  process.env.RPI_BUILD_TEST_CACHE_KEPT ?? join(tmpdir(), 'rpi-build-kernel-image-test-cache');

/** Runs the CLI in `cwd` with its own cache folder (XDG_CACHE_HOME), so each test chooses cold or warm. */
export function cli(cwd: string, cacheHome: string, ...args: string[]) {
  return spawnSync('node', [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 40 * MIN,
    env: { ...process.env, GITHUB_ACTIONS: '', XDG_CACHE_HOME: cacheHome },
  });
}
/** The same, without blocking the event loop (a proxy in this process must keep answering). */
export function cliAsync(cwd: string, cacheHome: string, env: Record<string, string>, ...args: string[]) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('node', [CLI, ...args], {
      cwd,
      env: { ...process.env, GITHUB_ACTIONS: '', XDG_CACHE_HOME: cacheHome, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 40 * MIN);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
export const cacheEntries = (cacheHome: string) =>
  existsSync(join(cacheHome, 'rpi-build')) ? readdirSync(join(cacheHome, 'rpi-build')) : [];

/** Build-host paths (the folder the build ran in) appear nowhere in the image's bytes. */
export function expectNoHostPath(image: string, hostDir: string) {
  const r = spawnSync('grep', ['-c', '-a', '-F', '--', hostDir, image], { encoding: 'utf8' });
  expect(r.stdout.trim(), `${hostDir} found in ${image}`).toBe('0');
}

/**
 * The image resolves names through its own configuration (systemd-resolved's stub, the unit
 * enabled) and gets updates: sources for the suite, -updates and -security, and every package
 * with a security-only version (newer than the suite's and -updates') installed at that version.
 */
export function checkResolverAndSources(
  image: string,
  root: number,
  manifest: string,
  arch: string,
  mirror: string,
  security: boolean,
  suite: string,
) {
  expect(debugfs(image, root, 'stat /etc/resolv.conf')).toMatch(
    /Fast link dest: "\.\.\/run\/systemd\/resolve\/stub-resolv\.conf"/,
  );
  // Debian's unit is WantedBy=sysinit.target.
  expect(debugfs(image, root, 'ls /etc/systemd/system/sysinit.target.wants')).toMatch(
    /systemd-resolved\.service/,
  );
  if (suite === 'bookworm') {
    const sources = readFileSync(
      dumpFromExt4(image, root, '/etc/apt/sources.list', `${image}.sources`),
      'utf8',
    );
    expect(sources).toBe(
      `deb ${mirror}/debian bookworm main non-free-firmware\n` +
        `deb ${mirror}/debian bookworm-updates main non-free-firmware\n` +
        (security ? `deb ${mirror}/debian-security bookworm-security main non-free-firmware\n` : ''),
    );
  } else {
    // trixie: deb822, as Debian's installer writes it; no one-line sources.list.
    expect(debugfs(image, root, 'ls -l /etc/apt')).not.toMatch(/ sources\.list$/m);
    expect(debugfs(image, root, 'ls -l /etc/apt')).toMatch(/ sources\.list\.d$/m);
    const sources = readFileSync(
      dumpFromExt4(image, root, '/etc/apt/sources.list.d/debian.sources', `${image}.sources`),
      'utf8',
    );
    const stanza = (uri: string, suites: string) =>
      `Types: deb\nURIs: ${uri}\nSuites: ${suites}\nComponents: main non-free-firmware\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`;
    expect(sources).toBe(
      stanza(`${mirror}/debian`, `${suite} ${suite}-updates`) +
        (security ? `\n${stanza(`${mirror}/debian-security`, `${suite}-security`)}` : ''),
    );
  }
  if (!security) return;
  const { fromSecurity, candidates } = securityVersions(manifest, suite, arch);
  // A stable release nearly always has some (libc6, openssl, the kernel …); where none exists there is nothing to show.
  if (candidates.length)
    expect(fromSecurity, `security-only versions: ${candidates.join(', ')}`).not.toEqual([]);
}

/** The default suite. */
export const SUITE = 'trixie';

export function checkImage(
  out: string,
  arch: 'arm64' | 'armhf',
  mirror = 'http://deb.debian.org',
  security = true,
  suite = SUITE,
) {
  const files = readdirSync(out).sort();
  const base = `rpi-build-${suite}-${arch}`;
  expect(files).toEqual([
    'SHA256SUMS',
    `${base}.boot.log`,
    `${base}.img.bmap`,
    `${base}.img.xz`,
    `${base}.manifest`,
  ]);
  execFileSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: out });

  const image = join(out, `${base}.img`);
  execFileSync('xz', ['-dk', '-T0', join(out, `${base}.img.xz`)]);
  const table = partitions(image);
  expect(table.label).toBe('dos');
  expect(table.partitions.map((p) => p.type)).toEqual(['c', '83']);
  const fat = table.partitions[0]!;
  const root = table.partitions[1]!;

  const config = fatRead(image, fat.start, 'config.txt');
  const kernel = /^kernel=(\S+)$/m.exec(config)?.[1];
  expect(kernel).toMatch(/^vmlinuz-/);
  expect(fatList(image, fat.start)).toContain(kernel);
  expect(fatRead(image, fat.start, 'cmdline.txt')).toMatch(/root=LABEL=RASPIROOT .*rootwait/);
  if (arch === 'arm64') {
    expect(config).toMatch(/^arm_64bit=1$/m);
    expect(fatList(image, fat.start)).toMatch(/bcm2711-rpi-4-b\.dtb/);
  }

  const sh = dumpFromExt4(image, root.start, '/bin/sh', join(out, 'sh.bin'));
  expect(describeFile(sh)).toMatch(
    arch === 'arm64' ? /ELF 64-bit LSB .* ARM aarch64/ : /ELF 32-bit LSB .* ARM, EABI5/,
  );
  // No SSH host keys ship (made on first boot), and the account without password or key is locked.
  expect(debugfs(image, root.start, 'ls -l /etc/ssh')).not.toMatch(/ssh_host_/);
  const manifest = readFileSync(join(out, `${base}.manifest`), 'utf8');
  expect(manifest).toMatch(new RegExp(`^raspi-firmware\\t\\S+\\tall$`, 'm'));
  expect(manifest).toMatch(
    new RegExp(`^linux-image-${arch === 'arm64' ? 'arm64' : 'armmp'}\\t\\S+\\t${arch}$`, 'm'),
  );
  const bootLog = readFileSync(join(out, `${base}.boot.log`), 'utf8');
  expect(bootLog).toMatch(/raspberrypi login:/);
  // Booted on the Pi board (the default boot-machine): its device tree, its root on the SD card
  // through the SD host, whose DMA the scratch device tree leaves out (QEMU's gap).
  expect(bootLog).toMatch(
    arch === 'arm64' ? /Machine model: Raspberry Pi 3 Model B\b/ : /Machine model: Raspberry Pi 2 Model B\b/,
  );
  expect(bootLog).toMatch(/EXT4-fs \(mmcblk0p2\): mounted/);
  expect(bootLog).toMatch(/sdhost-bcm2835 \S+: unable to initialise DMA channel\. Falling back to PIO/);
  checkResolverAndSources(image, root.start, manifest, arch, mirror, security, suite);
  return { image, root: root.start };
}
