// The host's own shell and text tools stand in for the root's while mmdebstrap configures the
// remaining packages. Every program an emulated maintainer script starts costs about 36 ms
// under QEMU user emulation against about 1 ms natively, and scripts such as
// update-ca-certificates start hundreds (measured in a trixie arm64 root: 78 s emulated, 2.5 s
// with these, the same links and bundle). A shell, coreutils, sed or grep computes the same
// on any CPU; what depends on the architecture (dpkg, ldconfig, perl, uname) stays the root's.
//
// The host's program goes in under the root's path (the original moved aside in the root),
// its libraries under the host's own multiarch paths, which a foreign root never uses; all of
// it is taken out again, originals back in place, before anything else reads the root.
// __tests__/native-tools.test.ts builds a root both ways and compares the trees.
import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';
import { readElf, type ElfMachine } from '../binfmt/elf.js';
import { errorMessage } from '../runtime/errors.js';
import { tryOutput } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import { inChroot } from './chroot.js';

/** Packages whose programs give the same output on any CPU (Essential, so present before the hook). */
export const NATIVE_PACKAGES = [
  'dash',
  'bash',
  'coreutils',
  'sed',
  'grep',
  'findutils',
  'diffutils',
  'debianutils',
  'mawk',
  'dpkg',
];

/**
 * Of a package, only these programs: dpkg runs dpkg-deb to decompress each package it unpacks
 * (a tar stream, the same on any CPU) and dpkg-split to check it; dpkg itself reports its
 * architecture and stays the root's.
 */
const ONLY: Record<string, Set<string>> = { dpkg: new Set(['dpkg-deb', 'dpkg-split']) };

/**
 * Programs of those packages that must stay the root's: uname and arch report the CPU (QEMU
 * reports the root's), stdbuf preloads a library of the root's architecture.
 */
const KEEP_EMULATED = new Set(['uname', 'arch', 'stdbuf']);

const PROGRAM_DIRS = ['/bin/', '/sbin/', '/usr/bin/', '/usr/sbin/'];

/** The hook's request and rpi-build's answer, files in the hooks folder (named in HOOK too). */
const READY = 'native-tools.ready';
const DONE = 'native-tools.done';

/** The folder in the root where the originals wait (removed with everything else). */
const ASIDE = '.rpi-build-native';

/** What was put in, so that exactly that is taken out. */
interface Placed {
  /** Path inside the root (a real path there, no symlink on the way). */
  path: string;
  /** Inode, change time and size of our copy: an inode number alone can be reused by a file made after ours went. */
  stamp: string | undefined;
  /** Where the original waits, for a program; none for a library. */
  original?: string;
}

/**
 * Resolves `path` inside `root` as a chroot would: symlinks on the way are followed with the
 * root as `/`, never out of it; the last component is not followed; missing parts are kept.
 */
export async function pathInRoot(root: string, path: string): Promise<string> {
  const parts = path.split('/').filter(Boolean);
  const done: string[] = [];
  let hops = 0;
  while (parts.length > 0) {
    const part = parts.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const here = join(root, ...done, part);
    const st = parts.length > 0 ? await lstatOrNone(here) : undefined;
    if (st?.isSymbolicLink()) {
      if (++hops > 40) throw new Error(`too many symlinks resolving ${path} in ${root}`);
      const target = await readlink(here);
      if (isAbsolute(target)) done.length = 0;
      parts.unshift(...target.split('/').filter(Boolean));
      continue;
    }
    done.push(part);
  }
  return join(root, ...done);
}

/** The programs a package put under the program folders, from dpkg's list in the root. */
async function packagePrograms(root: string, pkg: string, arch: string): Promise<string[]> {
  const info = join(root, 'var/lib/dpkg/info');
  const text =
    (await readFile(join(info, `${pkg}.list`), 'utf8').catch(() => undefined)) ??
    (await readFile(join(info, `${pkg}:${arch}.list`), 'utf8').catch(() => ''));
  return text
    .split('\n')
    .filter((p) => PROGRAM_DIRS.some((d) => p.startsWith(d)))
    .filter((p) => !KEEP_EMULATED.has(posix.basename(p)) && (ONLY[pkg]?.has(posix.basename(p)) ?? true));
}

/** The host's shared libraries (and loader) a program needs, from ldd; undefined when ldd cannot tell. */
async function hostLibraries(program: string): Promise<string[] | undefined> {
  const out = await tryOutput('ldd', [program]);
  if (out === undefined) return undefined;
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (m) libs.push(m[1]!);
  }
  return libs;
}

const lstatOrNone = (path: string) => lstat(path).catch(() => undefined);

async function stamp(path: string): Promise<string | undefined> {
  const st = await lstatOrNone(path);
  return st && `${st.ino} ${st.ctimeMs} ${st.size}`;
}

/** The CPU a file's code is for; undefined when it is not ELF. */
export async function elfMachine(path: string): Promise<ElfMachine | undefined> {
  return (await readElf(path))?.machine;
}

export class NativeTools {
  private readonly placed: Placed[] = [];
  private readonly created: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> | undefined;
  /** How many programs run natively (0 when the hook never asked or nothing fit). */
  count = 0;

  constructor(
    private readonly root: string,
    private readonly hooksDir: string,
    private readonly arch: string,
    /** What they stand in for, for the log line. */
    private readonly purpose = 'while packages are configured',
  ) {}

  /** The essential hook that asks for the programs and waits for the answer. */
  static readonly HOOK = `#!/bin/sh
# rpi-build essential hook: rpi-build puts the host's shell and text tools into the root
# for the remaining packages (rootfs/native-tools.ts) and answers; this waits for the answer.
set -e
dir=$(dirname "$0")
: > "$dir/native-tools.ready"
n=0
until [ -e "$dir/native-tools.done" ]; do
  n=$((n + 1))
  if [ "$n" -gt 1200 ]; then echo 'rpi-build did not answer the native-tools hook in 120 s' >&2; exit 1; fi
  sleep 0.1
done
`;

  /** Writes the hook (returned) and watches for its request while mmdebstrap runs. */
  async start(): Promise<string> {
    const hook = join(this.hooksDir, 'essential-native-tools.sh');
    const ready = join(this.hooksDir, READY);
    for (const f of [ready, join(this.hooksDir, DONE)]) await rm(f, { force: true });
    await writeFile(hook, NativeTools.HOOK);
    await chmod(hook, 0o755);
    this.timer = setInterval(() => {
      if (this.pending || !existsSync(ready)) return;
      clearInterval(this.timer);
      this.pending = this.answer();
    }, 100);
    return hook;
  }

  /** Also run when the hook asks, once the host's programs are in (the root's own release of some tools). */
  private readonly alongside: (() => Promise<void>)[] = [];
  alsoPutIn(fn: () => Promise<void>): void {
    this.alongside.push(fn);
  }

  private async answer(): Promise<void> {
    await this.tryPutIn();
    for (const fn of this.alongside) await fn();
    await writeFile(join(this.hooksDir, DONE), '');
  }

  /** putIn, or everything under emulation (with a warning) when the host's programs do not fit. */
  async tryPutIn(): Promise<void> {
    try {
      await this.putIn();
    } catch (err) {
      logger().warn(
        `The host's programs could not stand in for the root's (${errorMessage(err)}); the packages are configured under emulation.`,
      );
      await this.undo().catch(() => undefined);
    }
  }

  /** Puts the programs in, proves the shell runs, and counts them. */
  async putIn(): Promise<void> {
    const hostMachine = await elfMachine(process.execPath);
    const rootMachine = await elfMachine(await pathInRoot(this.root, '/bin/true'));
    if (!hostMachine || !rootMachine || hostMachine === rootMachine) return; // nothing is emulated
    const programs = new Map<string, { host: string; libs: string[] }>(); // by path in the root
    for (const pkg of NATIVE_PACKAGES) {
      for (const p of await packagePrograms(this.root, pkg, this.arch)) {
        const inRoot = await pathInRoot(this.root, p);
        const st = await lstatOrNone(inRoot);
        if (!st?.isFile() || programs.has(inRoot) || (await elfMachine(inRoot)) !== rootMachine) continue;
        const host = await realpath(p).catch(() => undefined);
        if (!host || !(await stat(host)).isFile() || (await elfMachine(host)) !== hostMachine) continue;
        const libs = await hostLibraries(host);
        if (libs) programs.set(inRoot, { host, libs });
      }
    }
    if (programs.size === 0) return;
    // By where each lands in the root: /lib/… and /usr/lib/… are one folder in a merged-/usr root.
    const libraries = new Map<string, string>();
    for (const { libs } of programs.values())
      for (const lib of libs) {
        await this.mergedTop(lib);
        libraries.set(await pathInRoot(this.root, lib), lib);
      }
    for (const [dest, lib] of libraries) {
      if (await lstatOrNone(dest))
        throw new Error(`${lib} exists in the root (the host's libraries would replace the root's)`);
      await this.makeFolders(dest);
      await copyFile(await realpath(lib), dest);
      await chmod(dest, 0o755);
      this.placed.push({ path: dest, stamp: await stamp(dest) });
    }
    await mkdir(join(this.root, ASIDE), { mode: 0o700 });
    this.created.push(join(this.root, ASIDE));
    let i = 0;
    for (const [inRoot, { host }] of programs) {
      const original = join(this.root, ASIDE, String(i++));
      await rename(inRoot, original);
      await copyFile(host, inRoot);
      await chmod(inRoot, 0o755);
      this.placed.push({ path: inRoot, stamp: await stamp(inRoot), original });
    }
    // Proof: the root's /bin/sh, now the host's, runs a pipe of two host programs.
    const r = await inChroot(this.root, ['/bin/sh', '-c', 'basename /a/b.c .c | sed s/b/ok/'], {
      allowFailure: true,
    });
    if (r.exitCode !== 0 || r.stdout.trim() !== 'ok')
      throw new Error(
        `the host's shell did not run in the root: ${(r.stderr || r.stdout).trim().slice(0, 200)}`,
      );
    this.count = programs.size;
    logger().info(
      `${programs.size} programs of ${NATIVE_PACKAGES.join(', ')} run natively ${this.purpose} (${libraries.size} host libraries beside them)`,
    );
  }

  /**
   * A top-level folder the root lacks (the host's /lib64) becomes a link into /usr, as in a
   * merged-/usr root: systemd's preinst refuses a root whose /lib64 is a real folder.
   */
  private async mergedTop(lib: string): Promise<void> {
    const top = lib.split('/').filter(Boolean)[0]!;
    const link = join(this.root, top);
    if (top === 'usr' || (await lstatOrNone(link))) return;
    const inUsr = join(this.root, 'usr', top);
    if (!(await lstatOrNone(inUsr))) {
      await mkdir(inUsr);
      this.created.push(inUsr);
    }
    await symlink(`usr/${top}`, link);
    this.created.push(link);
  }

  /** The top-level links made for the host's loader (`lib64`), while the programs are in. */
  topLinks(): string[] {
    return this.created
      .map((p) => posix.basename(p))
      .filter((n, i) => this.created[i] === join(this.root, n) && n !== ASIDE);
  }

  /** mkdir -p that records each folder it made, to remove exactly those. */
  private async makeFolders(file: string): Promise<void> {
    const missing: string[] = [];
    for (let d = posix.dirname(file); d.startsWith(this.root) && d !== this.root; d = posix.dirname(d)) {
      if (await lstatOrNone(d)) break;
      missing.unshift(d);
    }
    for (const d of missing) {
      await mkdir(d);
      this.created.push(d);
    }
  }

  /** Waits for an answer in flight, then puts every original back and removes what was added. */
  async takeOut(): Promise<void> {
    clearInterval(this.timer);
    await this.pending;
    await this.undo();
  }

  private async undo(): Promise<void> {
    const replaced: string[] = [];
    for (const p of this.placed.reverse()) {
      const ours = (await stamp(p.path)) === p.stamp;
      if (ours) await rm(p.path);
      if (p.original) {
        // dpkg replaced our copy (the package was unpacked again): its file stays.
        if (ours) await rename(p.original, p.path);
        else {
          replaced.push(p.path);
          await rm(p.original);
        }
      }
    }
    this.placed.length = 0;
    for (const d of this.created.reverse()) {
      if ((await lstat(d)).isSymbolicLink()) await rm(d);
      else await rmdir(d);
    }
    this.created.length = 0;
    if (replaced.length)
      logger().info(`dpkg replaced ${replaced.length} program(s) meanwhile; their new files stay`);
  }
}
