// The host's shell and text tools configure packages in a foreign root (rootfs/native-tools.ts).
// The claim is that this changes no file: the same small root is built twice, once with the
// host's programs standing in and once wholly under emulation, and the two trees are compared
// entry by entry (path, type, mode, owner, size, link target, SHA-256 of the contents).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { itNeeds } from './support/needs.js';
import { fileScratch } from './support/scratch.js';
import { captureLog } from './support/capture-log.js';
import { buildRootfs, type RootfsSpec } from '../src/rootfs/mmdebstrap.js';
import { restoreUpdateInitramfs } from '../src/rootfs/boot-files.js';
import { inChroot, withChrootMounts } from '../src/rootfs/chroot.js';
import { SuiteTools, WRAPPER } from '../src/rootfs/suite-tools.js';
import { NativeTools, elfMachine, pathInRoot } from '../src/rootfs/native-tools.js';
import { tinyElf } from '../src/binfmt/elf.js';
import { profileText } from '../src/rootfs/dpkg-watch.js';
import { mkinitramfs } from '../src/rootfs/mkinitramfs.js';
import { generateLocale } from '../src/rootfs/locale-gen.js';

const MIN = 60_000;
// This file only builds (emulated, with no deadline). CI runs it beside image-build's first
// builds, whose Pi boots keep time by the host's clock: niced, its builds (children inherit the
// niceness) leave those boots the CPU they need.
setPriority(Math.min(19, getPriority() + 10));
// Four roots and a kernel tree by the end: removing them beside other files' builds has taken
// more than the 60 s a hook gets by default (fileScratch allows 5 minutes).
const scratch = fileScratch()('native-tools');

describe('pathInRoot resolves as a chroot would', () => {
  it('follows relative and absolute links inside the root, never out of it', () => {
    const root = join(scratch, 'links');
    mkdirSync(join(root, 'usr', 'lib'), { recursive: true });
    symlinkSync('usr/lib', join(root, 'lib'));
    symlinkSync('/usr/lib', join(root, 'abs'));
    symlinkSync('../../../../etc', join(root, 'usr', 'up'));
    symlinkSync('loop2', join(root, 'loop1'));
    symlinkSync('loop1', join(root, 'loop2'));
    return (async () => {
      expect(await pathInRoot(root, '/lib/x86_64-linux-gnu/libc.so.6')).toBe(
        join(root, 'usr/lib/x86_64-linux-gnu/libc.so.6'),
      );
      // An absolute link means the root's /usr/lib, not the host's.
      expect(await pathInRoot(root, '/abs/ld.so')).toBe(join(root, 'usr/lib/ld.so'));
      // .. stops at the root, as it does in a chroot.
      expect(await pathInRoot(root, '/usr/up/passwd')).toBe(join(root, 'etc/passwd'));
      // The last component is not followed: the link itself is what is named.
      expect(await pathInRoot(root, '/lib')).toBe(join(root, 'lib'));
      await expect(pathInRoot(root, '/loop1/x')).rejects.toThrow(/too many symlinks/);
    })();
  });
});

/** A merged-/usr root holding tiny AArch64 programs where dash, coreutils and sed put theirs. */
function fakeRoot(name: string): string {
  const root = join(scratch, name);
  for (const d of ['usr/bin', 'usr/lib/aarch64-linux-gnu', 'var/lib/dpkg/info', 'etc'])
    mkdirSync(join(root, d), { recursive: true });
  for (const l of ['bin', 'sbin', 'lib']) symlinkSync(`usr/${l}`, join(root, l));
  const lists: Record<string, string[]> = {
    dash: ['/usr/bin/dash'],
    coreutils: ['/usr/bin/basename', '/usr/bin/true', '/usr/bin/uname'],
    'sed:arm64': ['/usr/bin/sed'],
    dpkg: ['/usr/bin/dpkg', '/usr/bin/dpkg-deb'],
  };
  for (const [pkg, files] of Object.entries(lists)) {
    writeFileSync(
      join(root, 'var/lib/dpkg/info', `${pkg}.list`),
      `/.\n/usr\n/usr/bin\n${files.join('\n')}\n`,
    );
    for (const f of files) writeFileSync(join(root, f), tinyElf('aarch64'), { mode: 0o755 });
  }
  symlinkSync('dash', join(root, 'usr/bin/sh'));
  return root;
}

/**
 * The fake root as mmdebstrap's extract hook sees it: no dpkg lists yet, only the downloaded
 * packages (built here from the root's files, each with content told apart from what is extracted).
 */
function asDownloaded(root: string, extra: string[] = []): string {
  const archives = join(root, 'var/cache/apt/archives');
  mkdirSync(archives, { recursive: true });
  // By package name: "sed:arm64.list" is sed's list.
  const lists = new Map(
    readdirSync(join(root, 'var/lib/dpkg/info')).map((l) => [l.replace(/(?::arm64)?\.list$/, ''), l]),
  );
  for (const pkg of [...lists.keys(), ...extra]) {
    const list = lists.get(pkg);
    const files = list
      ? readFileSync(join(root, 'var/lib/dpkg/info', list), 'utf8')
          .split('\n')
          .filter((f) => f.startsWith('/usr/bin/'))
      : [];
    const dir = join(scratch, `deb-${pkg}-${root.split('/').pop()}`);
    mkdirSync(join(dir, 'DEBIAN'), { recursive: true });
    writeFileSync(
      join(dir, 'DEBIAN/control'),
      `Package: ${pkg}\nVersion: 1\nArchitecture: arm64\nMaintainer: t <t@example.org>\nDescription: t\n`,
    );
    for (const f of files) {
      mkdirSync(join(dir, 'usr/bin'), { recursive: true });
      writeFileSync(join(dir, f), Buffer.concat([tinyElf('aarch64'), Buffer.from(`${f} from the package`)]), {
        mode: 0o755,
      });
    }
    execFileSync('dpkg-deb', ['--build', '--root-owner-group', dir, join(archives, `${pkg}_1_arm64.deb`)], {
      stdio: 'ignore',
    });
    if (list) rmSync(join(root, 'var/lib/dpkg/info', list));
  }
  writeFileSync(join(root, 'var/lib/dpkg/status'), '');
  mkdirSync(join(root, 'var/lib/dpkg/updates'));
  return archives;
}

describe('the host programs go in and come out again', () => {
  itNeeds(
    ['root'],
    'originals come back byte for byte, dpkg replacements stay, nothing of the host remains',
    async () => {
      const log = captureLog();
      const root = fakeRoot('inout');
      const before = tree(root);
      const tools = new NativeTools(root, join(scratch, 'no-hooks'), 'arm64');
      await tools.tryPutIn();
      expect(log.filter((l) => l.startsWith('warning'))).toEqual([]);
      // dash, basename, true, sed and dpkg-deb stood in; uname (it reports the CPU) and dpkg
      // (its architecture) stay the root's.
      expect(tools.count).toBe(5);
      // The host's loader needs /lib64, a link this root lacked: mkinitramfs must be told (rootfs/mkinitramfs.ts).
      expect(tools.topLinks()).toEqual(['lib64']);
      const host = (p: string) => readFileSync(p);
      expect(host(join(root, 'usr/bin/sed')).equals(host(realpathSync('/bin/sed')))).toBe(true);
      expect(host(join(root, 'usr/bin/uname')).equals(tinyElf('aarch64'))).toBe(true);
      expect(host(join(root, 'usr/bin/dpkg')).equals(tinyElf('aarch64'))).toBe(true);
      expect(host(join(root, 'usr/bin/dpkg-deb')).equals(host(realpathSync('/usr/bin/dpkg-deb')))).toBe(true);
      // The root's /bin/sh runs natively, with the host's libraries under the host's own paths.
      const r = spawnSync(
        'chroot',
        [root, '/bin/sh', '-c', 'echo a/b.txt | sed s/a/x/; basename /a/b.c .c'],
        {
          encoding: 'utf8',
        },
      );
      expect(r.stdout).toBe('x/b.txt\nb\n');
      expect(readdirSync(join(root, 'usr/lib'))).toContain('x86_64-linux-gnu');
      // Still a merged /usr, as systemd's preinst checks it: every top-level library folder leads into /usr/lib….
      for (const top of ['bin', 'sbin', 'lib', 'lib64', 'lib32', 'libx32']) {
        const p = join(root, top);
        if (existsSync(p)) expect(realpathSync(p)).toMatch(new RegExp(`^${root}/usr/(?:lib|${top})`));
      }
      expect(readdirSync(root)).toContain('lib64');
      // dpkg unpacks a new sed meanwhile: its file is the one that stays.
      rmSync(join(root, 'usr/bin/sed'));
      writeFileSync(join(root, 'usr/bin/sed'), 'new sed', { mode: 0o755 });
      await tools.takeOut();
      const after = tree(root);
      expect(after.get('usr/bin/sed')?.sha).toBe(createHash('sha256').update('new sed').digest('hex'));
      after.delete('usr/bin/sed');
      before.delete('usr/bin/sed');
      // Everything else as it was: the same entries, modes, owners and bytes; no folder, library or original left over.
      expect(differences(after, before)).toEqual([]);
      expect(log.join('\n')).toContain('dpkg replaced 1 program');
    },
  );

  itNeeds(
    ['root', 'tool:dpkg', 'tool:dpkg-deb'],
    "at mmdebstrap's extract hook, from the packages' .deb files: each program diverted, so dpkg unpacks the package's file aside; taken out, that file is in place and dpkg's list holds no diversion",
    async () => {
      const log = captureLog();
      const root = fakeRoot('extract');
      // usr-is-merged among them, as in bookworm: its postinst removes a /lib64 no package claims.
      const archives = asDownloaded(root, ['usr-is-merged']);
      const tools = new NativeTools(root, join(scratch, 'no-hooks'), 'arm64');
      await tools.tryPutIn('extract');
      expect(log.filter((l) => l.startsWith('warning'))).toEqual([]);
      expect(tools.count).toBe(5);
      expect(log.join('\n')).toMatch(
        /5 programs of .* run natively while the essential packages are installed/,
      );
      const diversions = readFileSync(join(root, 'var/lib/dpkg/diversions'), 'utf8');
      expect(diversions.split('\n').filter((_, i) => i % 3 === 0 && _)).toEqual(
        expect.arrayContaining([
          '/usr/bin/dash',
          '/usr/bin/basename',
          '/usr/bin/true',
          '/usr/bin/sed',
          '/usr/bin/dpkg-deb',
        ]),
      );
      expect(diversions).toMatch(/^\/usr\/bin\/sed\n\/\.rpi-build-native\/\d+\n:\n/m);
      // The /lib64 link made for the host's loader is claimed too: usr-is-merged's and usrmerge's
      // postinsts ask dpkg-query -S and remove a /lib64 no package claims.
      expect(diversions).toMatch(/^\/lib64\n\/\.rpi-build-native\/lib64\n:\n/m);
      const owner = spawnSync('dpkg-query', [`--admindir=${join(root, 'var/lib/dpkg')}`, '-S', '/lib64']);
      expect(owner.status, owner.stderr.toString()).toBe(0);
      // The real dpkg (the host's, on the root's database) unpacks sed: its file goes aside, ours stays.
      execFileSync(
        'dpkg',
        [
          `--root=${root}`,
          '--force-architecture',
          '--log=/dev/null',
          '--unpack',
          join(archives, 'sed_1_arm64.deb'),
        ],
        { stdio: 'ignore' },
      );
      expect(readFileSync(join(root, 'usr/bin/sed')).equals(readFileSync(realpathSync('/bin/sed')))).toBe(
        true,
      );
      await tools.takeOut();
      expect(readFileSync(join(root, 'usr/bin/sed'), 'latin1')).toContain('/usr/bin/sed from the package');
      // The others as the extract step left them.
      expect(readFileSync(join(root, 'usr/bin/dash')).equals(tinyElf('aarch64'))).toBe(true);
      expect(existsSync(join(root, 'var/lib/dpkg/diversions'))).toBe(false);
      expect(readdirSync(root)).not.toContain('.rpi-build-native');
      expect(readdirSync(root)).not.toContain('lib64');
      expect(readdirSync(join(root, 'usr/lib'))).not.toContain('x86_64-linux-gnu');
    },
  );

  itNeeds(
    ['root', 'tool:dpkg-deb'],
    'at the extract hook without usr-is-merged or usrmerge (trixie, whose base-files diverts /lib64 itself), /lib64 gets no diversion of ours',
    async () => {
      const root = fakeRoot('extract-trixie');
      asDownloaded(root);
      const tools = new NativeTools(root, join(scratch, 'no-hooks'), 'arm64');
      await tools.tryPutIn('extract');
      expect(tools.count).toBe(5);
      expect(readlinkSync(join(root, 'lib64'))).toBe('usr/lib64');
      const diversions = readFileSync(join(root, 'var/lib/dpkg/diversions'), 'utf8');
      expect(diversions).toMatch(/^\/usr\/bin\/sed\n/m);
      expect(diversions).not.toMatch(/^\/lib64\n/m);
      await tools.takeOut();
      expect(readdirSync(root)).not.toContain('lib64');
    },
  );

  itNeeds(
    ['root', 'tool:dpkg-deb'],
    "at the extract hook, essential packages that include usrmerge (bookworm's: its postinst runs the root's ldd on /bin/cp) are installed wholly under emulation",
    async () => {
      const log = captureLog();
      const root = fakeRoot('extract-usrmerge');
      asDownloaded(root, ['usrmerge']);
      const before = tree(root);
      const tools = new NativeTools(root, join(scratch, 'no-hooks'), 'arm64');
      await tools.tryPutIn('extract');
      expect(tools.count).toBe(0);
      expect(log.join('\n')).toContain(
        "The essential packages include usrmerge, whose maintainer script examines the root's programs: they are installed under emulation",
      );
      expect(differences(tree(root), before)).toEqual([]);
      await tools.takeOut();
    },
  );

  itNeeds(
    ['root'],
    'a root that already holds a host library path is left wholly under emulation, with a warning',
    async () => {
      const log = captureLog();
      const root = fakeRoot('clash');
      const loader = spawnSync('sh', ['-c', "ldd /bin/dash | grep -o '/[^ ]*ld-linux[^ ]*'"], {
        encoding: 'utf8',
      }).stdout.trim();
      const clash = await pathInRoot(root, loader);
      mkdirSync(join(clash, '..'), { recursive: true });
      writeFileSync(clash, "the root's own");
      const before = tree(root);
      const tools = new NativeTools(root, join(scratch, 'no-hooks'), 'arm64');
      await tools.tryPutIn();
      expect(tools.count).toBe(0);
      expect(log.join('\n')).toMatch(/could not stand in .*exists in the root.*under emulation/);
      expect(differences(tree(root), before)).toEqual([]);
    },
  );
});

interface Entry {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  link?: string;
  sha?: string;
}

/** Every entry below root, by path, without following links. */
function tree(root: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const walk = (rel: string): void => {
    const p = join(root, rel);
    const st = lstatSync(p);
    const type = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : st.isFile() ? 'f' : 'o';
    const e: Entry = { type, mode: st.mode, uid: st.uid, gid: st.gid, size: type === 'd' ? 0 : st.size };
    if (type === 'l') e.link = readlinkSync(p);
    if (type === 'f') e.sha = createHash('sha256').update(readFileSync(p)).digest('hex');
    out.set(rel || '/', e);
    if (type === 'd') for (const n of readdirSync(p).sort()) walk(rel ? `${rel}/${n}` : n);
  };
  walk('');
  return out;
}

/** Paths that differ between two trees, each with what differs. */
function differences(a: Map<string, Entry>, b: Map<string, Entry>): string[] {
  const diffs: string[] = [];
  for (const [p, ea] of a) {
    const eb = b.get(p);
    if (!eb) diffs.push(`${p}: only with native tools`);
    else if (JSON.stringify(ea) !== JSON.stringify(eb)) {
      const what = (Object.keys(ea) as (keyof Entry)[]).filter((k) => ea[k] !== eb[k]);
      diffs.push(`${p}: ${what.join(', ')} differ`);
    }
  }
  for (const p of b.keys()) if (!a.has(p)) diffs.push(`${p}: only under emulation`);
  return diffs;
}

/** Files whose contents record when or how long, not what: dpkg's and apt's logs. */
const TIMESTAMPED = /^var\/log\/(?:dpkg\.log|alternatives\.log|apt\/(?:history|term)\.log)$/;

const installed = (root: string): string =>
  spawnSync('dpkg-query', [`--admindir=${root}/var/lib/dpkg`, '-W', '-f', '${Package} ${Version}\n'], {
    encoding: 'utf8',
  }).stdout;

/** Runs fn with SOURCE_DATE_EPOCH at one fixed time, then puts the caller's back. */
async function atFixedEpoch(fn: () => Promise<void>): Promise<void> {
  const saved = process.env.SOURCE_DATE_EPOCH;
  process.env.SOURCE_DATE_EPOCH = '1767225600';
  try {
    await fn();
  } finally {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved;
  }
}

/** Builds a root for the tree comparison in scratch/name, with or without the host's tools. */
async function buildRoot(spec: RootfsSpec, name: string, nativeTools: boolean) {
  const dir = join(scratch, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'hooks'), { recursive: true });
  const t0 = Date.now();
  const profile = await buildRootfs(
    { ...spec, nativeTools },
    join(dir, 'root'),
    join(dir, 'hooks'),
    join(dir, 'log'),
  );
  const seconds = (Date.now() - t0) / 1000;
  console.log(`${name}: ${seconds.toFixed(0)} s\n${profile ? profileText(profile) : ''}`);
  return { root: join(dir, 'root'), seconds };
}

type Built = Awaited<ReturnType<typeof buildRoot>>;

/** Builds the root again wholly under emulation and expects the same tree, entry by entry. */
async function expectSameAsEmulated(native: Built, buildEmulated: () => Promise<Built>): Promise<void> {
  let emulated = await buildEmulated();
  // Debian pushes several times a day: a push between the builds is a new package set; once more then.
  if (installed(emulated.root) !== installed(native.root)) emulated = await buildEmulated();
  expect(installed(emulated.root)).toBe(installed(native.root));
  // As the build does next (rootfs/boot-files.ts): dpkg's diversions-old then holds the same in both.
  for (const root of [native.root, emulated.root])
    await restoreUpdateInitramfs(root, join(scratch, 'undivert.log'));
  const diffs = differences(tree(native.root), tree(emulated.root)).filter(
    (d) => !TIMESTAMPED.test(d.split(':')[0]!),
  );
  writeFileSync(join(scratch, 'differences.txt'), diffs.join('\n'));
  expect(diffs).toEqual([]);
  console.log(`native ${native.seconds.toFixed(0)} s, emulated ${emulated.seconds.toFixed(0)} s`);
  await rm(dirname(emulated.root), { recursive: true, force: true });
}

/** The root the tree comparison built with the host tools, for the initramfs below. */
let nativeRoot: string | undefined;

describe('native tools change no file of the root', () => {
  itNeeds(
    ['root', 'tool:mmdebstrap', 'tool:qemu-aarch64-static', 'tool:dpkg-query'],
    'an arm64 trixie root with ca-certificates, openssh-client and systemd built with the host tools equals one built wholly under emulation',
    async () => {
      const log = captureLog({ groups: true });
      const spec: RootfsSpec = {
        arch: 'arm64',
        suite: 'trixie',
        mirror: 'http://deb.debian.org/debian',
        components: ['main'],
        // ca-certificates: hundreds of shell, sed, ln and openssl runs; openssh-client: debconf, alternatives;
        // systemd: its preinst checks the merged /usr the host's loader folder must keep.
        // initramfs-tools: for the initramfs made both ways below.
        // locales: for the locale archive made both ways below. zstd: what trixie compresses the initramfs
        // with (only recommended by initramfs-tools; without it, gzip).
        packages: ['ca-certificates', 'openssh-client', 'systemd-sysv', 'initramfs-tools', 'locales', 'zstd'],
      };
      const build = (name: string, nativeTools: boolean) => buildRoot(spec, name, nativeTools);
      // Same clock for both: mmdebstrap clamps what it writes to SOURCE_DATE_EPOCH.
      await atFixedEpoch(async () => {
        const native = await build('native', true);
        const said = log.join('\n');
        // From the extract hook on, diverted while dpkg installs the essential packages: coreutils
        // alone has about 100, so the host's really stood in.
        const count = Number(
          /(\d+) programs of .* run natively while the essential packages are installed/.exec(said)?.[1] ?? 0,
        );
        expect(count).toBeGreaterThan(80);
        // perl (essential) from the extract hook on: the essential packages' debconf and
        // deb-systemd-helper ran on it, counted by its stand-in.
        expect(said).toMatch(
          /perl \S+, localedef \S+, apt-extracttemplates \S+ from the archive's \S+ packages run natively while the essential packages are installed/,
        );
        const essentialRuns = Number(
          /Run natively while the essential packages were installed: perl (\d+) times/.exec(said)?.[1] ?? 0,
        );
        expect(essentialRuns).toBeGreaterThan(5);
        // udev's postinst made the hardware database with trixie's systemd-hwdb for the host's CPU.
        expect(said).toMatch(
          /depmod \S+, systemd-hwdb \S+ from the archive's \S+ packages run natively while packages are configured/,
        );
        expect(said).toMatch(
          /Run natively while packages are configured: perl \d+ times, localedef \d+ times, apt-extracttemplates [1-9]\d* times, depmod \d+ times, systemd-hwdb \d+ times/,
        );
        // debconf (ca-certificates asks) and deb-systemd-helper (apt's timers) ran on the host's perl, none fell back.
        expect(said).not.toMatch(/perl ran under emulation/);
        expect(readdirSync(native.root)).not.toContain('.rpi-build-suite-tools');
        // Nothing of the host is left in the root: no x86-64 library folder, no loader, no originals aside.
        expect(readdirSync(native.root)).not.toContain('lib64');
        expect(readdirSync(native.root)).not.toContain('.rpi-build-native');
        expect(readdirSync(join(native.root, 'usr', 'lib'))).not.toContain('x86_64-linux-gnu');

        await expectSameAsEmulated(native, () => build('emulated', false));
        nativeRoot = native.root;
      });
    },
    30 * MIN,
  );

  itNeeds(
    ['root', 'tool:mmdebstrap', 'tool:qemu-arm-static', 'tool:dpkg-query'],
    "a bookworm armhf root (merged from the start by mmdebstrap's merged-usr hook, its essential packages installed with the host tools) equals one built wholly under emulation",
    async () => {
      const log = captureLog({ groups: true });
      const spec: RootfsSpec = {
        arch: 'armhf',
        suite: 'bookworm',
        mirror: 'http://deb.debian.org/debian',
        components: ['main'],
        packages: ['ca-certificates', 'openssh-client', 'systemd-sysv'],
      };
      await atFixedEpoch(async () => {
        const native = await buildRoot(spec, 'bookworm-native', true);
        const said = log.join('\n');
        // usr-is-merged's postinst ran among them and left the host loader's /lib64 alone.
        expect(said).toMatch(/programs of .* run natively while the essential packages are installed/);
        expect(said).not.toContain('The essential packages include usrmerge');
        expect(said).not.toMatch(/could not stand in/);
        expect(installed(native.root)).toMatch(/^usr-is-merged /m);
        expect(installed(native.root)).not.toMatch(/^usrmerge /m);
        expect(readlinkSync(join(native.root, 'bin'))).toBe('usr/bin');
        expect(readdirSync(native.root)).not.toContain('lib64');
        await expectSameAsEmulated(native, () => buildRoot(spec, 'bookworm-emulated', false));
        await rm(dirname(native.root), { recursive: true, force: true });
      });
    },
    30 * MIN,
  );
});

describe('native tools change no byte of the initramfs', () => {
  itNeeds(
    ['root', 'tool:qemu-aarch64-static'],
    'mkinitramfs with the host tools writes the same initramfs as under emulation, and one holding a host program is made again',
    async () => {
      const root = nativeRoot;
      if (!root) throw new Error('the tree comparison above did not leave its root');
      const log = captureLog();
      // No kernel package: mkinitramfs only warns that the modules folder is missing, and still
      // runs every hook (klibc, kmod, udev, fsck) and the scripts, which is where the programs run.
      const version = '6.12.0-rpi-build-test';
      // The root's own zstd (trixie compresses the initramfs with it) and depmod, as a base build has them.
      const hooks = join(scratch, 'initramfs-hooks');
      mkdirSync(hooks, { recursive: true });
      const suite = trixieSuiteTools(root, hooks, 'initramfs-suite.log');
      expect(await suite.fetch([])).toBe(true);
      const make = async (name: string, nativeTools: boolean) => {
        const t0 = Date.now();
        await mkinitramfs(
          root,
          version,
          '/etc/initramfs-tools',
          {
            arch: 'arm64',
            nativeTools,
            logFile: join(scratch, `${name}.log`),
            suite,
          },
          `/boot/${name}`,
        );
        console.log(`initramfs ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        return readFileSync(join(root, 'boot', name));
      };
      // Same clock for both: the initramfs's entries get SOURCE_DATE_EPOCH's time.
      await atFixedEpoch(async () => {
        const emulated = await make('emulated', false);
        const native = await make('native', true);
        expect(log.join('\n')).toMatch(/\d+ programs of .* run natively for mkinitramfs/);
        expect(log.join('\n')).toMatch(
          /depmod \S+, zstd \S+ from the archive's \S+ packages run natively for mkinitramfs/,
        );
        expect(log.join('\n')).toMatch(/Run natively for mkinitramfs: depmod \d+ times, zstd 1 times/);
        // Byte for byte: the same entries, modes, owners, times and contents, in the same order.
        expect(native.length).toBeGreaterThan(1_000_000);
        expect(native.equals(emulated)).toBe(true);
        expect(readdirSync(root)).not.toContain('lib64');
        expect(readdirSync(join(root, 'tmp'))).toEqual([]);

        // A hook that copies sed would copy the host's while it stands in, and one copying zstd
        // the stand-in's script: caught, made again.
        const hook = join(root, 'etc/initramfs-tools/hooks/copy-sed');
        writeFileSync(
          hook,
          '#!/bin/sh\n[ "$1" = prereqs ] && exit 0\n. /usr/share/initramfs-tools/hook-functions\ncopy_exec /usr/bin/sed /bin\ncopy_exec /usr/bin/zstd /bin\n',
          { mode: 0o755 },
        );
        try {
          const emulatedSed = await make('emulated-sed', false);
          log.length = 0;
          const nativeSed = await make('native-sed', true);
          const warnings = log.filter((l) => l.startsWith('warning'));
          expect(warnings).toEqual([
            expect.stringMatching(/initramfs held the host's own .*made again under emulation/),
          ]);
          expect(warnings[0]).toContain('/usr/bin/sed');
          expect(warnings[0]).toMatch(/\/zstd\b/);
          expect(nativeSed.equals(emulatedSed)).toBe(true);
          expect(nativeSed.equals(emulated)).toBe(false);
        } finally {
          rmSync(hook);
        }
      });

      // Outside an installation, only a program the root has: with zstd not installed, the root's
      // path stays as it is (mkinitramfs would otherwise find a zstd and not fall back to gzip).
      const status = join(root, 'var/lib/dpkg/status');
      const saved = readFileSync(status, 'utf8');
      writeFileSync(status, saved.replace(/^Package: zstd\n(?:.+\n)*\n/m, ''));
      try {
        const zstd = suite.share(['zstd'], 'for the check');
        await zstd.putIn();
        expect(await elfMachine(join(root, 'usr/bin/zstd'))).toBe('aarch64');
        await zstd.takeOut();
      } finally {
        writeFileSync(status, saved);
      }
      expect(readFileSync(status, 'utf8')).toContain('Package: zstd\n');
      await suite.dispose();
      expect(readdirSync(hooks)).toEqual([]);
    },
    15 * MIN,
  );
});

/** The suite tools of the test root's release (trixie arm64), logging to `log` in the scratch folder. */
const trixieSuiteTools = (root: string, hooks: string, log: string) =>
  new SuiteTools(
    root,
    hooks,
    { arch: 'arm64', suite: 'trixie', mirror: 'http://deb.debian.org/debian', components: ['main'] },
    join(scratch, log),
  );

describe("the root's own depmod for the host's CPU", () => {
  itNeeds(
    ['root', 'tool:mmdebstrap', 'tool:qemu-aarch64-static'],
    "writes every module index byte for byte as the root's depmod does under emulation; a root with another kmod gets them made again under emulation",
    async () => {
      const root = nativeRoot;
      if (!root) throw new Error('the tree comparison above did not leave its root');
      const log = captureLog();
      // A kernel's modules (Debian's smallest arm64 kernel), unpacked beside the root and moved in.
      const unpacked = join(scratch, 'cloud-kernel');
      execFileSync(
        'mmdebstrap',
        [
          '--mode=root',
          '--variant=extract',
          '--architectures=arm64',
          '--include=linux-image-cloud-arm64',
          'trixie',
          unpacked,
          'deb http://deb.debian.org/debian trixie main',
        ],
        { stdio: 'ignore' },
      );
      const version = readdirSync(join(unpacked, 'usr/lib/modules'))[0]!;
      const modules = join(root, 'usr/lib/modules', version);
      // The root has no kernel of its own: no modules folder yet.
      mkdirSync(join(root, 'usr/lib/modules'), { recursive: true });
      execFileSync('cp', ['-a', join(unpacked, 'usr/lib/modules', version), modules]);
      const indexes = () =>
        Object.fromEntries(
          readdirSync(modules)
            .filter((f) => f.startsWith('modules.'))
            .map((f) => [
              f,
              createHash('sha256')
                .update(readFileSync(join(modules, f)))
                .digest('hex'),
            ]),
        );
      const t0 = Date.now();
      await inChroot(root, ['depmod', version]);
      const emulatedSeconds = (Date.now() - t0) / 1000;
      const emulated = indexes();
      expect(Object.keys(emulated)).toEqual(
        expect.arrayContaining(['modules.dep', 'modules.dep.bin', 'modules.alias.bin']),
      );
      for (const f of Object.keys(emulated))
        if (!['modules.order', 'modules.builtin', 'modules.builtin.modinfo'].includes(f))
          rmSync(join(modules, f));

      const hooks = join(scratch, 'suite-hooks');
      mkdirSync(hooks, { recursive: true });
      const diversions = readFileSync(join(root, 'var/lib/dpkg/diversions'), 'utf8');
      const suite = trixieSuiteTools(root, hooks, 'suite.log');
      expect(await suite.fetch([])).toBe(true);
      await suite.putIn();
      // The root's depmod is the stand-in now (the root's own moved aside by dpkg-divert).
      expect(readFileSync(join(root, 'usr/sbin/depmod'), 'utf8')).toBe(WRAPPER);
      const t1 = Date.now();
      await inChroot(root, ['depmod', version]);
      const nativeSeconds = (Date.now() - t1) / 1000;
      console.log(
        `depmod of ${version}: emulated ${emulatedSeconds.toFixed(1)} s, host build ${nativeSeconds.toFixed(1)} s`,
      );
      await suite.takeOut();
      expect(indexes()).toEqual(emulated);
      expect(readdirSync(root)).not.toContain('.rpi-build-suite-tools');
      expect(readFileSync(join(root, 'var/lib/dpkg/diversions'), 'utf8')).toBe(diversions);
      expect(await elfMachine(join(root, 'usr/bin/kmod'))).toBe('aarch64');
      expect(log.filter((l) => l.startsWith('warning'))).toEqual([]);

      // dpkg installs another kmod while the stand-in is in: the indexes are made again under emulation.
      const status = join(root, 'var/lib/dpkg/status');
      const saved = readFileSync(status, 'utf8');
      try {
        for (const f of ['modules.dep', 'modules.dep.bin']) rmSync(join(modules, f));
        expect(await suite.fetch([])).toBe(true);
        await suite.putIn();
        writeFileSync(status, saved.replace(/^(Package: kmod\n(?:.+\n)*?Version: ).+$/m, '$1999-1'));
        await suite.takeOut();
        expect(log.filter((l) => l.startsWith('warning'))).toEqual([
          expect.stringMatching(
            /The root has kmod 999-1, the archive's \S+ build was \S+: depmod's work is done again under emulation/,
          ),
        ]);
        expect(indexes()).toEqual(emulated);
      } finally {
        writeFileSync(status, saved);
      }
    },
    15 * MIN,
  );
});

describe("the root's own perl for the host's CPU", () => {
  itNeeds(
    ['root', 'tool:mmdebstrap', 'tool:qemu-aarch64-static'],
    "finds the modules the root's perl finds, loads those built for the root's CPU from the host's build, runs a program needing one it lacks under the root's perl, and stays out of a root with another perl-base",
    async () => {
      const root = nativeRoot;
      if (!root) throw new Error('the tree comparison above did not leave its root');
      const log = captureLog();
      const hooks = join(scratch, 'perl-hooks');
      mkdirSync(hooks, { recursive: true });
      const diversions = readFileSync(join(root, 'var/lib/dpkg/diversions'), 'utf8');
      const suite = trixieSuiteTools(root, hooks, 'perl.log');
      const perl = async (argv: string[]) => {
        const t0 = Date.now();
        const r = await inChroot(root, argv, { allowFailure: true });
        return { ...r, seconds: (Date.now() - t0) / 1000 };
      };
      // Every module debconf loads (its optional ones in evals too), sorted, and where POSIX came from.
      const loaded = [
        '-e',
        'use Debconf::Db; use Debconf::Encoding; print join(" ", sort keys %INC), "\\n", $INC{"POSIX.pm"}, "\\n"',
      ];
      // A module only the root's folder for its own CPU has (as an XS module's .pm would be), in
      // taint mode as adduser runs (what the search reads, and the program run again, are untainted).
      const fake = join(root, 'usr/lib/aarch64-linux-gnu/perl5/5.40/RpiBuildFake.pm');
      const fakeRun = [
        '-T',
        '-w',
        '-e',
        'use RpiBuildFake; print RpiBuildFake::x(), ":", join(",", @ARGV), "\\n"',
      ];
      const emulated = await perl(['perl', ...loaded]);
      expect(emulated.exitCode, emulated.stderr).toBe(0);
      expect(await suite.fetch([])).toBe(true);
      await suite.putIn();
      expect(log.join('\n')).toMatch(
        /perl 5\.\S+(?:, \S+ \S+)* from the archive's \S+ packages run natively/,
      );
      const native = await withChrootMounts(root, async () => {
        const r = await perl(['perl', ...loaded]);
        mkdirSync(join(fake, '..'), { recursive: true });
        writeFileSync(fake, 'package RpiBuildFake; sub x { 42 } 1;\n');
        try {
          return { loaded: r, fallback: await perl(['perl', ...fakeRun, 'a b', '', 'c']) };
        } finally {
          rmSync(fake);
        }
      });
      await suite.takeOut();
      console.log(
        `perl loading debconf: emulated ${emulated.seconds} s, host build ${native.loaded.seconds} s`,
      );
      const [names, posix] = native.loaded.stdout.split('\n');
      const [emulatedNames, emulatedPosix] = emulated.stdout.split('\n');
      // The same modules found, besides the search itself.
      expect(names!.split(' ').filter((n) => n !== 'RpiBuildInc.pm')).toEqual(emulatedNames!.split(' '));
      expect(emulatedPosix).toBe('/usr/lib/aarch64-linux-gnu/perl-base/POSIX.pm');
      expect(posix).toBe('/.rpi-build-suite-tools/usr/lib/x86_64-linux-gnu/perl-base/POSIX.pm');
      // The whole program again under the root's perl, its arguments as they were.
      expect(native.fallback.exitCode, native.fallback.stderr).toBe(0);
      expect(native.fallback.stdout).toBe('42:a b,,c\n');
      expect(log.join('\n')).toContain(
        "perl ran under emulation for the programs that load RpiBuildFake.pm (built only for the root's CPU)",
      );
      expect(readdirSync(root)).not.toContain('.rpi-build-suite-tools');
      expect(readFileSync(join(root, 'var/lib/dpkg/diversions'), 'utf8')).toBe(diversions);
      expect(await elfMachine(join(root, 'usr/bin/perl'))).toBe('aarch64');

      // A root whose perl-base is another release: its own perl stays.
      const status = join(root, 'var/lib/dpkg/status');
      const saved = readFileSync(status, 'utf8');
      writeFileSync(status, saved.replace(/^(Package: perl-base\n(?:.+\n)*?Version: ).+$/m, '$1999-1'));
      try {
        expect(await suite.fetch([])).toBe(true);
        await suite.putIn();
        expect(await elfMachine(join(root, 'usr/bin/perl'))).toBe('aarch64');
        await suite.takeOut();
        expect(log.join('\n')).toMatch(
          /perl runs under emulation: the root has perl-base 999-1, the archive's \S+ build is \S+/,
        );
      } finally {
        writeFileSync(status, saved);
      }
      expect(log.filter((l) => l.startsWith('warning'))).toEqual([]);
    },
    10 * MIN,
  );
});

describe("the root's own localedef for the host's CPU", () => {
  itNeeds(
    ['root', 'tool:mmdebstrap', 'tool:qemu-aarch64-static'],
    "makes the locale archive byte for byte as the root's localedef does under emulation, and leaves nothing of it in the root",
    async () => {
      const root = nativeRoot;
      if (!root) throw new Error('the tree comparison above did not leave its root');
      const log = captureLog();
      const hooks = join(scratch, 'locale-hooks');
      mkdirSync(hooks, { recursive: true });
      const archive = join(root, 'usr/lib/locale/locale-archive');
      const diversions = readFileSync(join(root, 'var/lib/dpkg/diversions'), 'utf8');
      const make = async (host: boolean) => {
        rmSync(archive, { force: true });
        rmSync(join(root, 'etc/locale.gen'), { force: true });
        const t0 = Date.now();
        await generateLocale(
          root,
          'de_DE.UTF-8',
          join(scratch, 'locale.log'),
          host
            ? {
                spec: {
                  arch: 'arm64',
                  suite: 'trixie',
                  mirror: 'http://deb.debian.org/debian',
                  components: ['main'],
                },
                hooksDir: hooks,
              }
            : undefined,
        );
        console.log(
          `locale archive ${host ? 'host' : 'emulated'}: ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        );
        return readFileSync(archive);
      };
      const emulated = await make(false);
      expect(log.join('\n')).not.toMatch(/localedef \S+ from the archive/);
      const native = await make(true);
      expect(log.join('\n')).toMatch(
        /localedef \S+ from the archive's \S+ packages run natively for locale-gen/,
      );
      expect(native.length).toBeGreaterThan(1_000_000);
      expect(native.equals(emulated)).toBe(true);
      // Gone again: its folder, its diversion, the fetched packages.
      expect(readdirSync(root)).not.toContain('.rpi-build-suite-tools');
      expect(readFileSync(join(root, 'var/lib/dpkg/diversions'), 'utf8')).toBe(diversions);
      expect(await elfMachine(join(root, 'usr/bin/localedef'))).toBe('aarch64');
      expect(readdirSync(hooks)).toEqual([]);
      expect(log.filter((l) => l.startsWith('warning'))).toEqual([]);
    },
    10 * MIN,
  );
});
