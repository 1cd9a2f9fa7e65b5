// Image assembly with the real tools (mkfs.vfat, mtools, mkfs.ext4 -d, sfdisk, bmaptool,
// xz/zstd/gzip) on small trees: the same code path as a full build, in seconds.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync, copyFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileScratch } from './support/scratch.js';
import { bootFilesFromConfig, partitionOffsets } from '../src/boot/qemu.js';
import { assembleImage } from '../src/image/assemble.js';
import { writeBmap } from '../src/image/bmap.js';
import { sha256File, writeSha256Sums } from '../src/image/checksums.js';
import { which } from '../src/host/tools.js';
import { compressImage } from '../src/image/compress.js';
import { fatSectorsPerCluster } from '../src/image/filesystems.js';
import { MiB, computeLayout, rootSizeBytes, sfdiskScript } from '../src/image/layout.js';
import { parseDpkgStatus } from '../src/image/manifest.js';
import { itNeeds } from './support/needs.js';

const scratch = fileScratch();

const sh = (cmd: string, ...args: string[]) =>
  execFileSync(cmd, args, {
    encoding: 'utf8',
    env: { ...process.env, MTOOLS_SKIP_CHECK: '1', PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
  });

describe('layout', () => {
  it('sizes the root from its content plus the margin, aligned to 4 MiB', () => {
    const size = rootSizeBytes({ blockBytes: 600 * MiB, inodes: 30_000 }, 512);
    expect(size % (4 * MiB)).toBe(0);
    expect(size).toBeGreaterThan((600 + 512 + 64) * MiB);
    expect(size).toBeLessThan((600 + 512) * MiB * 1.25);
  });
  it('writes a DOS table: FAT32 LBA boot at 4 MiB, then the root', () => {
    const l = computeLayout(256, 1024 * MiB);
    expect(sfdiskScript(l, 'deadbeef')).toBe(
      'label: dos\nlabel-id: 0xdeadbeef\nunit: sectors\n\nstart=8192, size=524288, type=c, bootable\nstart=532480, size=2097152, type=83\n',
    );
  });
  it('keeps FAT32 above its minimum cluster count', () => {
    for (const mib of [64, 256, 512, 2048]) {
      const clusters = (mib * MiB) / 512 / fatSectorsPerCluster(mib * MiB);
      expect(clusters).toBeGreaterThan(65_525);
    }
  });
  it('reads config.txt the way the firmware does', () => {
    expect(
      bootFilesFromConfig(
        'arm_64bit=1\nkernel=vmlinuz-6.1.0-50-arm64\n# x\ninitramfs initrd.img-6.1.0-50-arm64 followkernel\n',
      ),
    ).toEqual({
      kernel: 'vmlinuz-6.1.0-50-arm64',
      initramfs: 'initrd.img-6.1.0-50-arm64',
    });
    expect(() => bootFilesFromConfig('enable_uart=1\n')).toThrow(/no kernel=/);
  });
  it('parses the dpkg database into a manifest, installed packages only', () => {
    const m = parseDpkgStatus(
      'Package: zlib1g\nStatus: install ok installed\nArchitecture: arm64\nVersion: 1:1.2.13\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\nArchitecture: arm64\n\nPackage: base-files\nStatus: install ok installed\nArchitecture: arm64\nVersion: 12.4\n',
    );
    expect(m).toEqual([
      { name: 'base-files', version: '12.4', arch: 'arm64' },
      { name: 'zlib1g', version: '1:1.2.13', arch: 'arm64' },
    ]);
  });
});

describe('rootless assembly with the real tools', () => {
  const NEEDS = [
    'root',
    'tool:mkfs.vfat',
    'tool:mcopy',
    'tool:sfdisk',
    'tool:mkfs.ext4',
    'tool:bmaptool',
    'tool:debugfs',
    'fixtures',
  ] as const;
  itNeeds(
    [...NEEDS],
    'builds a partitioned image from two folders; every byte can be read back',
    async () => {
      const dir = scratch('assemble');
      const boot = join(dir, 'boot');
      const root = join(dir, 'root');
      mkdirSync(join(boot, 'overlays'), { recursive: true });
      writeFileSync(join(boot, 'config.txt'), 'kernel=vmlinuz\n');
      writeFileSync(join(boot, 'overlays', 'x.dtbo'), Buffer.alloc(3000, 7));
      mkdirSync(join(root, 'bin'), { recursive: true });
      mkdirSync(join(root, 'boot', 'firmware'), { recursive: true });
      copyFileSync(
        join(__dirname, '..', '.fixtures', 'arm64', 'bin', 'busybox'),
        join(root, 'bin', 'busybox'),
      );
      symlinkSync('busybox', join(root, 'bin', 'sh'));
      writeFileSync(join(root, 'big'), Buffer.alloc(5 * MiB, 1));
      const image = join(dir, 'test.img');
      const r = await assembleImage({
        image,
        bootDir: boot,
        rootDir: root,
        bootSizeMiB: 64,
        rootMarginMiB: 16,
      });

      const table = JSON.parse(sh('sfdisk', '--json', image)).partitiontable;
      expect(table.label).toBe('dos');
      expect(table.partitions.map((p: { type: string; start: number }) => [p.type, p.start])).toEqual([
        ['c', 8192],
        ['83', r.layout.rootOffset / 512],
      ]);
      expect(await partitionOffsets(image)).toEqual([
        { type: 0x0c, start: 4 * MiB, size: 64 * MiB },
        { type: 0x83, start: r.layout.rootOffset, size: r.layout.rootSize },
      ]);
      expect(sh('mtype', '-i', `${image}@@${4 * MiB}`, '::config.txt')).toBe('kernel=vmlinuz\n');
      expect(sh('mdir', '-b', '-i', `${image}@@${4 * MiB}`, '::overlays')).toContain('x.dtbo');
      expect(
        sh('blkid', '-p', '-O', String(r.layout.rootOffset), '-s', 'LABEL', '-o', 'value', image).trim(),
      ).toBe('RASPIROOT');
      const dumped = join(dir, 'sh-from-image');
      sh('debugfs', '-R', `dump /bin/busybox ${dumped}`, `${image}?offset=${r.layout.rootOffset}`);
      expect(readFileSync(dumped).equals(readFileSync(join(root, 'bin', 'busybox')))).toBe(true);
      expect(sh('file', dumped)).toMatch(/ARM aarch64/);
      expect(sh('debugfs', '-R', 'stat /bin/sh', `${image}?offset=${r.layout.rootOffset}`)).toMatch(
        /Type: symlink/,
      );
      // Sparse: the file's allocated blocks are far below its length.
      expect(statSync(image).blocks * 512).toBeLessThan(statSync(image).size / 2);

      // A bmap that bmaptool itself accepts to write the image back, bit for bit.
      await writeBmap(image, `${image}.bmap`);
      const copy = join(dir, 'copy.img');
      sh('bmaptool', 'copy', '--bmap', `${image}.bmap`, image, copy);
      expect(await sha256File(copy)).toBe(await sha256File(image));
    },
  );

  itNeeds(
    ['tool:xz', 'tool:zstd', 'tool:gzip'],
    'compresses with xz, zstd and gzip; each decompresses to the same bytes; SHA256SUMS checks',
    async () => {
      const dir = scratch('compress');
      const src = join(dir, 'a.img');
      writeFileSync(
        src,
        Buffer.concat([Buffer.alloc(MiB), Buffer.from('payload'.repeat(1000)), Buffer.alloc(MiB)]),
      );
      const want = await sha256File(src);
      const outs = [];
      for (const [how, cat] of [
        ['xz', 'xzcat'],
        ['zstd', 'zstdcat'],
        ['gzip', 'zcat'],
      ] as const) {
        const out = await compressImage(src, how);
        outs.push(out);
        execFileSync('sh', ['-c', '"$1" "$2" > "$3"', 'sh', cat, out, join(dir, 'back')]);
        expect(await sha256File(join(dir, 'back'))).toBe(want);
      }
      expect(await compressImage(src, 'none')).toBe(src);
      await writeSha256Sums(dir, outs);
      // sha256sum -c resolves the names beside SHA256SUMS, as a user checking a download does.
      expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toMatch(
        /^a\.img\.xz: OK$/m,
      );
    },
  );

  itNeeds(
    ['tool:xz', 'tool:gzip'],
    "compresses at compression-level, else at the tool's default (xz 0); the level shows in the file",
    async () => {
      const dir = scratch('compress');
      const src = join(dir, 'a.img');
      writeFileSync(src, Buffer.concat([Buffer.alloc(MiB), Buffer.from('payload'.repeat(1000))]));
      // xz records each block's filter chain: preset 0 has a 256 KiB dictionary, preset 6 8 MiB.
      const xzDict = async (level?: number): Promise<string> => {
        const out = await compressImage(src, 'xz', level === undefined ? {} : { level });
        const list = execFileSync('xz', ['--robot', '-lvv', out], { encoding: 'utf8' });
        return /--lzma2=dict=(\w+)/.exec(list)?.[1] ?? list;
      };
      expect(await xzDict()).toBe('256KiB');
      expect(await xzDict(6)).toBe('8MiB');
      // gzip's header byte 8 (XFL): 2 for the slowest level (9), 4 for the fastest (1).
      const gzipXfl = async (level: number): Promise<number> =>
        readFileSync(await compressImage(src, 'gzip', { level }))[8]!;
      expect(await gzipXfl(9)).toBe(2);
      expect(await gzipXfl(1)).toBe(4);
    },
  );

  itNeeds(['tool:xz'], 'compresses niced, so a boot test beside it keeps its CPU', async () => {
    const dir = scratch('compress');
    const src = join(dir, 'a.img');
    writeFileSync(src, Buffer.alloc(MiB));
    // The real xz, behind a wrapper on PATH that records the niceness it was started at.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const realXz = await which('xz');
    writeFileSync(join(bin, 'xz'), `#!/bin/sh\nnice > "${dir}/niceness"\nexec "${realXz}" "$@"\n`, {
      mode: 0o755,
    });
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      await compressImage(src, 'xz');
    } finally {
      process.env.PATH = path;
    }
    expect(Number(readFileSync(join(dir, 'niceness'), 'utf8'))).toBe(19);
  });
});
