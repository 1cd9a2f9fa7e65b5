// base-image on an image laid out like Raspberry Pi OS Lite (bootfs/rootfs labels, PARTUUID in
// cmdline.txt and fstab, userconf-pi, sshswitch), made here with real sfdisk, mkfs and setcap:
// the partitions are read (the root through a read-only loop mount), the user's inputs applied
// the way Raspberry Pi OS expects them, and the image re-assembled with the same names. Also
// what is refused before work, a download with credentials, and a run killed mid-copy.
// Raspberry Pi OS itself cannot be downloaded here (README: what ran against a stand-in).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { assembleImage } from '../src/image/assemble.js';
import { CLI, MIN, cli as runCli, cliAsync as runCliAsync } from './support/image-checks.js';
import { debugfs, fatList, fatRead, partitions, run } from './support/image-inspect.js';
import { itNeeds } from './support/needs.js';
import { Runner } from './support/runner.js';
import { createHostedUser, removeHostedUser, userDeletes } from './support/hosted-user.js';
import { fileScratch } from './support/scratch.js';

const scratch = fileScratch();

const NEEDS = [
  'root',
  'tool:mkfs.ext4',
  'tool:sfdisk',
  'tool:mcopy',
  'tool:setcap',
  'tool:zip',
  'tool:losetup',
] as const;
const DISK_ID = '5e3da3da';
const HOSTED_USER = 'rpibuild-hosted-base';
const ROOT_UUID = '3b614a3f-4a65-4c05-a6a4-2b2c1e9d8f10';
const PASSWORD = 'base-image-pw-7c1f';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBaseImageTestKeyOnlyForThisTestAAAAAAAA test@base';
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A Raspberry Pi OS Lite-shaped arm64 image: what rpi-build reads and must keep. */
async function piOsLike(dir: string, bigFileMiB = 0): Promise<string> {
  const root = join(dir, 'root');
  const boot = join(dir, 'boot');
  for (const d of [
    'etc',
    'data/home/pi',
    'usr/bin',
    'usr/sbin',
    'usr/lib/userconf-pi',
    'lib/systemd/system',
    'var/lib/dpkg',
    'boot/firmware',
    'proc',
    'sys',
    'dev',
    'tmp',
  ])
    mkdirSync(join(root, d), { recursive: true });
  mkdirSync(boot, { recursive: true });
  writeFileSync(
    join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000:,,,:/home/pi:/bin/bash\n',
  );
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\nsudo:x:27:pi\npi:x:1000:\n');
  writeFileSync(join(root, 'etc/shadow'), 'root:*:19000:0:99999:7:::\npi:*:19000:0:99999:7:::\n', {
    mode: 0o640,
  });
  writeFileSync(join(root, 'etc/hostname'), 'raspberrypi\n');
  writeFileSync(
    join(root, 'etc/fstab'),
    `proc /proc proc defaults 0 0\nPARTUUID=${DISK_ID}-01 /boot/firmware vfat defaults 0 2\nPARTUUID=${DISK_ID}-02 / ext4 defaults,noatime 0 1\n`,
  );
  writeFileSync(join(root, 'usr/lib/userconf-pi/userconf'), '#!/bin/sh\n', { mode: 0o755 });
  writeFileSync(
    join(root, 'lib/systemd/system/sshswitch.service'),
    '[Unit]\nDescription=Turn on SSH if /boot/ssh is present\n',
  );
  writeFileSync(
    join(root, 'var/lib/dpkg/status'),
    'Package: base-files\nStatus: install ok installed\nArchitecture: arm64\nVersion: 12\n\nPackage: dpkg\nStatus: install ok installed\nArchitecture: arm64\nVersion: 1.21\n',
  );
  chownSync(join(root, 'data/home/pi'), 1000, 1000);
  // An absolute link, as read-only-root images have: followed on the host it would lead out.
  symlinkSync('/data/home', join(root, 'home'));
  // What a plain copy loses: a file capability, a hard link, setuid, a symlink, a FIFO.
  writeFileSync(join(root, 'usr/bin/pinglike'), 'ELF-ish\n', { mode: 0o755 });
  execFileSync('setcap', ['cap_net_raw+ep', join(root, 'usr/bin/pinglike')]);
  writeFileSync(join(root, 'usr/bin/perl5.36'), 'perl\n', { mode: 0o755 });
  linkSync(join(root, 'usr/bin/perl5.36'), join(root, 'usr/bin/perl'));
  writeFileSync(join(root, 'usr/bin/su-like'), 'su\n');
  chmodSync(join(root, 'usr/bin/su-like'), 0o4755);
  symlinkSync('/proc/self/mounts', join(root, 'etc/mtab'));
  execFileSync('mkfifo', [join(root, 'dev/initctl')]);
  if (bigFileMiB)
    execFileSync('dd', [
      'if=/dev/urandom',
      `of=${join(root, 'big')}`,
      'bs=1M',
      `count=${bigFileMiB}`,
      'status=none',
    ]);
  writeFileSync(
    join(boot, 'cmdline.txt'),
    `console=serial0,115200 console=tty1 root=PARTUUID=${DISK_ID}-02 rootfstype=ext4 fsck.repair=yes rootwait\n`,
  );
  writeFileSync(join(boot, 'config.txt'), 'arm_64bit=1\n');
  const image = join(dir, 'pios.img');
  await assembleImage({
    image,
    bootDir: boot,
    rootDir: root,
    bootSizeMiB: 64,
    rootMarginMiB: 16,
    identity: {
      diskId: DISK_ID,
      rootUuid: ROOT_UUID,
      bootLabel: 'bootfs',
      rootLabel: 'rootfs',
      bootVolumeId: '4E2A-1B3C',
    },
  });
  return image;
}

/** The CLI in `cwd` with its own cache folder there. */
const cli = (cwd: string, ...args: string[]) => runCli(cwd, join(cwd, 'cache'), ...args);
/** The same without blocking this process (the test's HTTP server must keep answering). */
const cliAsync = (cwd: string, ...args: string[]) => runCliAsync(cwd, join(cwd, 'cache'), {}, ...args);

const blkid = (image: string, offset: number) =>
  Object.fromEntries(
    run('blkid', '--probe', '--offset', String(offset), '--output', 'export', image)
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => l.split('=') as [string, string]),
  );

describe('base-image', () => {
  itNeeds(
    [...NEEDS],
    'a Raspberry Pi OS-shaped .zip: user through userconf.txt, SSH through the ssh file, same disk id, labels and UUIDs, capabilities, hard links, owners and setuid kept',
    async () => {
      const dir = scratch('pios');
      const image = await piOsLike(dir);
      const before = debugfs(image, partitions(image).partitions[1]!.start, 'ea_list /usr/bin/pinglike');
      expect(before, 'the base itself has the capability').toMatch(/security\.capability/);
      execFileSync('zip', ['-q', '-j', join(dir, 'pios.zip'), image]);
      const out = join(dir, 'out');
      const r = cli(
        dir,
        'image',
        '--base-image',
        join(dir, 'pios.zip'),
        '--password',
        PASSWORD,
        '--ssh-authorized-keys',
        KEY,
        '--boot-test',
        'false',
        '--compression',
        'none',
        '--copy-out',
        '/etc/fstab',
        '--work-dir',
        join(dir, 'work'),
        '--out',
        out,
      );
      expect(r.status, r.stdout.slice(-3000) + r.stderr).toBe(0);
      expect(r.stderr).toContain('base image: pios.zip: disk 5e3da3da, boot bootfs, root rootfs');
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
      const made = join(out, 'rpi-build-arm64.img');
      const t = partitions(made);
      const [p1, p2] = [t.partitions[0]!, t.partitions[1]!];
      expect(run('sfdisk', '--disk-id', made).trim()).toBe(`0x${DISK_ID}`);
      expect(blkid(made, p1.start)).toMatchObject({ TYPE: 'vfat', LABEL: 'bootfs', UUID: '4E2A-1B3C' });
      expect(blkid(made, p2.start)).toMatchObject({ TYPE: 'ext4', LABEL: 'rootfs', UUID: ROOT_UUID });
      // Raspberry Pi OS's own mechanisms: userconf.txt with a SHA-512 hash, the ssh file.
      const userconf = fatRead(made, p1.start, 'userconf.txt');
      expect(userconf).toMatch(/^pi:\$6\$[^:\s]+\n$/);
      expect(fatList(made, p1.start)).toMatch(/::\/ssh$/m);
      expect(fatRead(made, p1.start, 'cmdline.txt')).toContain(`root=PARTUUID=${DISK_ID}-02`);
      expect(readFileSync(join(out, 'fstab'), 'utf8')).toContain(`PARTUUID=${DISK_ID}-02 / ext4`);
      const off = p2.start;
      expect(debugfs(made, off, 'cat /data/home/pi/.ssh/authorized_keys')).toContain(KEY);
      expect(existsSync('/data/home'), 'nothing written through the link on the host').toBe(false);
      expect(debugfs(made, off, 'stat /data/home/pi/.ssh/authorized_keys')).toMatch(
        /User:\s+1000\s+Group:\s+1000/,
      );
      expect(debugfs(made, off, 'ea_list /usr/bin/pinglike')).toBe(before);
      expect(debugfs(made, off, 'stat /usr/bin/perl')).toMatch(/Links: 2/);
      expect(debugfs(made, off, 'stat /usr/bin/su-like')).toMatch(/Mode:\s+04755/);
      expect(debugfs(made, off, 'stat /dev/initctl')).toMatch(/Type: FIFO/);
      expect(debugfs(made, off, 'stat /etc/mtab')).toMatch(/Type: symlink/);
      expect(debugfs(made, off, 'cat /etc/shadow')).toMatch(/^pi:\*:/m); // the hash goes through userconf, not here
      // Nothing the build ran inside stays: no mount, no loop device on the work folder.
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(join(dir, 'work'));
      expect(execFileSync('losetup', ['-a'], { encoding: 'utf8' })).not.toContain(dir);
      // The file the user gave was only read.
      expect(existsSync(join(dir, 'pios.zip'))).toBe(true);
    },
    10 * MIN,
  );

  itNeeds(
    [...NEEDS],
    'the customised base is cached without its secrets: a rerun with the same inputs is a hit that still gets the password, a changed overlay misses',
    async () => {
      const dir = scratch('cached');
      const image = await piOsLike(dir);
      mkdirSync(join(dir, 'overlay', 'etc'), { recursive: true });
      writeFileSync(join(dir, 'overlay', 'etc', 'motd'), 'first\n');
      // Through the root's absolute /home link: it must land in the root's /data/home.
      mkdirSync(join(dir, 'overlay', 'home', 'pi'), { recursive: true });
      writeFileSync(join(dir, 'overlay', 'home', 'pi', 'notes.txt'), 'notes\n');
      const build = (out: string, password: string) =>
        cli(
          dir,
          'image',
          '--base-image',
          image,
          '--password',
          password,
          '--overlay',
          'overlay',
          '--boot-test',
          'false',
          '--compression',
          'none',
          '--work-dir',
          join(dir, 'work'),
          '--out',
          out,
        );
      const first = build(join(dir, 'out1'), PASSWORD);
      expect(first.status, first.stderr.slice(-3000)).toBe(0);
      expect(first.stderr).toMatch(/customised base cache miss: rpi-build-base-v1-arm64-[0-9a-f]{24}/);
      expect(first.stdout).toMatch(/^cache-hit=false$/m);
      const entries = execFileSync('find', [join(dir, 'cache'), '-name', '*.cache'], { encoding: 'utf8' })
        .trim()
        .split('\n');
      expect(entries).toHaveLength(1);
      // The entry holds the customised folders, but neither the password's hash nor userconf.txt.
      const listing = execFileSync('tar', ['--zstd', '-tf', entries[0]!], { encoding: 'utf8' });
      expect(listing).toMatch(/^\.\/rootfs\/etc\/motd$/m);
      expect(listing).toMatch(/^\.\/base\.json$/m);
      expect(listing).not.toMatch(/userconf\.txt/);
      const hash = fatRead(
        join(dir, 'out1', 'rpi-build-arm64.img'),
        partitions(join(dir, 'out1', 'rpi-build-arm64.img')).partitions[0]!.start,
        'userconf.txt',
      )
        .trim()
        .split(':')[1]!;
      expect(spawnSync('zstdgrep', ['-c', '-F', hash, entries[0]!], { encoding: 'utf8' }).stdout.trim()).toBe(
        '0',
      );

      // Same inputs, another password: a hit (the key knows no secret), the new password applied.
      const second = build(join(dir, 'out2'), `${PASSWORD}-2`);
      expect(second.status, second.stderr.slice(-3000)).toBe(0);
      expect(second.stderr).toMatch(/customised base cache hit: rpi-build-base-v1-arm64-/);
      expect(second.stderr).not.toContain('==> Customize');
      expect(second.stdout).toMatch(/^cache-hit=true$/m);
      const made = join(dir, 'out2', 'rpi-build-arm64.img');
      const [p1, p2] = partitions(made).partitions;
      const userconf = fatRead(made, p1!.start, 'userconf.txt');
      expect(userconf).toMatch(/^pi:\$6\$/);
      expect(userconf).not.toContain(hash);
      expect(debugfs(made, p2!.start, 'cat /etc/motd')).toBe('first\n');
      expect(debugfs(made, p2!.start, 'cat /data/home/pi/notes.txt')).toBe('notes\n');
      expect(existsSync('/data'), 'nothing written through the link on the host').toBe(false);
      expect(run('sfdisk', '--disk-id', made).trim()).toBe(`0x${DISK_ID}`);
      expect(debugfs(made, p2!.start, 'ea_list /usr/bin/pinglike')).toMatch(/security\.capability/);

      writeFileSync(join(dir, 'overlay', 'etc', 'motd'), 'second\n');
      const third = build(join(dir, 'out3'), PASSWORD);
      expect(third.status, third.stderr.slice(-3000)).toBe(0);
      expect(third.stderr).toMatch(/customised base cache miss/);
      expect(debugfs(join(dir, 'out3', 'rpi-build-arm64.img'), p2!.start, 'cat /etc/motd')).toBe('second\n');
    },
    10 * MIN,
  );

  itNeeds(
    [...NEEDS, 'tool:sudo', 'tool:useradd'],
    'the bundled action as a hosted runner user with sudo: the loop mount and the copy run through sudo, outputs name the image, the post step leaves nothing mounted and the user can delete all that is left',
    async () => {
      const user = createHostedUser(HOSTED_USER);
      try {
        const runner = new Runner(undefined, user);
        const image = await piOsLike(scratch('hosted-base'));
        const inWorkspace = join(runner.workspace, 'pios.img');
        copyFileSync(image, inWorkspace);
        execFileSync('chown', [`${user.uid}:${user.gid}`, inWorkspace]);
        const main = await runner.main({
          inputs: {
            'base-image': inWorkspace,
            password: PASSWORD,
            'boot-test': 'false',
            compression: 'none',
            cache: 'false',
            'copy-out': '/etc/fstab',
            'out-dir': join(runner.workspace, 'out'),
          },
          timeoutMs: 10 * MIN,
        });
        expect(main.exitCode, main.stdout.slice(-3000)).toBe(0);
        expect(main.stdout).toContain('::group::Base image: pios.img');
        // Only the mask command itself names it (the runner hides it everywhere after).
        expect(main.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(PASSWORD);
        expect(main.outputs['image-path']).toBe(join(runner.workspace, 'out', 'rpi-build-arm64.img'));
        expect(main.outputs.account).toBe('password');
        expect(main.summary).toMatch(/\| base \| \d+\.\d \| ok \|/);
        expect(readFileSync(join(runner.workspace, 'out', 'fstab'), 'utf8')).toContain(
          `PARTUUID=${DISK_ID}-02`,
        );
        const post = await runner.post();
        expect(post.exitCode).toBe(0);
        expect(post.stdout).toMatch(/nothing remains mounted/);
        expect(execFileSync('losetup', ['-a'], { encoding: 'utf8' })).not.toContain(runner.dir);
        const del = userDeletes(user, [runner.workspace, runner.temp]);
        expect(del.said).toBe('');
        expect(del.ok).toBe(true);
      } finally {
        removeHostedUser(HOSTED_USER);
      }
    },
    10 * MIN,
  );

  itNeeds(
    [...NEEDS],
    'refused before any customising: a wrong SHA-256, a URL without one, a zip with two images, an image without a FAT + Linux pair, the wrong arch',
    async () => {
      const dir = scratch('refused');
      const image = await piOsLike(dir);
      const work = join(dir, 'work');
      const refuse = (want: RegExp, ...args: string[]) => {
        const r = cli(
          dir,
          'image',
          '--boot-test',
          'false',
          '--work-dir',
          work,
          '--out',
          join(dir, 'out'),
          ...args,
        );
        expect(r.status, r.stdout + r.stderr).not.toBe(0);
        expect(r.stdout + r.stderr).toMatch(want);
        expect(r.stderr).not.toContain('==> Customize');
        expect(existsSync(join(dir, 'out'))).toBe(false);
      };
      refuse(
        /base-image-sha256: .*pios\.img has SHA-256 [0-9a-f]{64}, not 0{64}/,
        '--base-image',
        image,
        '--base-image-sha256',
        '0'.repeat(64),
      );
      refuse(
        /base-image-sha256: is required with a URL base-image \(http:\/\/example\.invalid\/pios\.img\.xz\)/,
        '--base-image',
        'http://user:tok3n@example.invalid/pios.img.xz',
      );
      copyFileSync(image, join(dir, 'second.img'));
      execFileSync('zip', ['-q', '-j', join(dir, 'two.zip'), image, join(dir, 'second.img')]);
      refuse(
        /base-image: \S*two\.zip holds 2 \.img files \(pios\.img, second\.img\)/,
        '--base-image',
        join(dir, 'two.zip'),
      );
      // Only a Linux partition: no boot partition to read config.txt from.
      const lone = join(dir, 'lone.img');
      execFileSync('truncate', ['-s', '64M', lone]);
      execFileSync('sfdisk', ['--quiet', lone], { input: 'label: dos\nstart=8192, type=83\n' });
      refuse(/base-image: lone\.img has no FAT \+ Linux partition pair \(1: type 83\)/, '--base-image', lone);
      refuse(
        /arch: is armhf, but pios\.img is an arm64 image.*Set arch: arm64/s,
        '--base-image',
        image,
        '--arch',
        'armhf',
      );
      refuse(/commands: only applies with base-image/, '--commands', 'true');
    },
    10 * MIN,
  );

  itNeeds(
    [...NEEDS],
    'a URL with credentials: downloaded, checked against its SHA-256, and the credentials appear in no output; image-out false brings only the copy-out files',
    async () => {
      const dir = scratch('url');
      const image = await piOsLike(dir);
      execFileSync('xz', ['-T0', '-1', '-k', image]);
      const xz = `${image}.xz`;
      const served = readFileSync(xz);
      let downloads = 0;
      const server = createServer((req, res) => {
        downloads++;
        const auth = Buffer.from('fetcher:s3cr3t-t0ken').toString('base64');
        if (req.headers.authorization !== `Basic ${auth}`) return void res.writeHead(401).end();
        res.writeHead(200, { 'content-length': served.length }).end(served);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      try {
        const out = join(dir, 'out');
        const build = (outDir: string, ...more: string[]) =>
          cliAsync(
            dir,
            'image',
            '--base-image',
            `http://fetcher:s3cr3t-t0ken@127.0.0.1:${port}/pios.img.xz`,
            '--base-image-sha256',
            sha256(xz),
            '--image-out',
            'false',
            '--copy-out',
            '/etc/hostname',
            '--work-dir',
            join(dir, 'work'),
            '--out',
            outDir,
            ...more,
          );
        const r = await build(out);
        expect(r.status, r.stdout.slice(-3000) + r.stderr).toBe(0);
        expect(r.stderr).toMatch(/base image download cache miss: rpi-build-base-download-[0-9a-f]{64}/);
        expect(downloads).toBe(1);
        expect(r.stdout + r.stderr).not.toContain('s3cr3t-t0ken');
        expect(readFileSync(join(out, 'hostname'), 'utf8')).toBe('raspberrypi\n');
        expect(existsSync(join(out, 'rpi-build-arm64.img'))).toBe(false);
        // Nor in the work folder's logs.
        expect(
          spawnSync('grep', ['-r', '-l', 's3cr3t-t0ken', join(dir, 'work')], { encoding: 'utf8' }).stdout,
        ).toBe('');
        // Another host name: the customised base misses, the download is the cache's.
        const again = await build(join(dir, 'out2'), '--hostname', 'other');
        expect(again.status, again.stdout.slice(-3000) + again.stderr).toBe(0);
        expect(again.stderr).toMatch(/customised base cache miss/);
        expect(again.stderr).toMatch(/base image download cache hit: rpi-build-base-download-/);
        expect(downloads).toBe(1);
        expect(readFileSync(join(dir, 'out2', 'hostname'), 'utf8')).toBe('other\n');
      } finally {
        server.close();
      }
    },
    10 * MIN,
  );

  itNeeds(
    [...NEEDS],
    'killed while the root is copied out of its loop mount: cleanup unmounts it, frees the loop device and ends the copy',
    async () => {
      const dir = scratch('killed');
      const image = await piOsLike(dir, 600);
      const work = join(dir, 'work');
      const child = spawn(
        'node',
        [
          CLI,
          'image',
          '--base-image',
          image,
          '--boot-test',
          'false',
          '--work-dir',
          work,
          '--out',
          join(dir, 'out'),
        ],
        {
          cwd: dir,
          env: { ...process.env, GITHUB_ACTIONS: '', XDG_CACHE_HOME: join(dir, 'cache') },
          stdio: 'ignore',
        },
      );
      const mounted = () => readFileSync('/proc/self/mountinfo', 'utf8').includes(join(work, 'base', 'mnt'));
      const deadline = Date.now() + 2 * MIN;
      while (!mounted() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(mounted(), 'the root was mounted').toBe(true);
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      expect(mounted(), 'SIGKILL leaves the mount, as a runner that kills the job does').toBe(true);
      const c = cli(dir, 'cleanup', '--work-dir', work);
      expect(c.status, c.stdout + c.stderr).toBe(0);
      expect(mounted()).toBe(false);
      expect(execFileSync('losetup', ['-a'], { encoding: 'utf8' })).not.toContain(work);
      const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
      expect(ps.split('\n').filter((l) => l.includes(work))).toEqual([]);
    },
    10 * MIN,
  );
});
