// The host's own shell and text tools stand in for the root's while mmdebstrap installs the
// essential packages and then the remaining ones. Every program an emulated maintainer script
// starts costs about 36 ms under QEMU user emulation against about 1 ms natively, and scripts
// such as update-ca-certificates start hundreds (measured in a trixie arm64 root: 78 s emulated,
// 2.5 s with these, the same links and bundle). A shell, coreutils, sed or grep computes the
// same on any CPU; what depends on the architecture (dpkg, ldconfig, perl, uname) stays the root's.
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
  readdir,
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

/**
 * mmdebstrap's two hooks that ask for the programs: `extract`, after the essential packages are
 * unpacked by tar and before dpkg installs them (that stage was a third to a half of a cold root's
 * time here), and `essential`, before the remaining packages.
 */
export type HookStage = 'extract' | 'essential';

/** The hook's request and rpi-build's answer, files in the hooks folder (named in HOOK too). */
const ready = (stage: HookStage) => `native-tools-${stage}.ready`;
const done = (stage: HookStage) => `native-tools-${stage}.done`;

/** dpkg's list of diversions in a root: triplets of lines (path, diverted-to path, package; ":" for local). */
const DIVERSIONS = 'var/lib/dpkg/diversions';

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
  /**
   * Put in at the extract hook: the path dpkg knows the program by, diverted (locally) to
   * `original` while dpkg installs the essential packages, so that unpacking writes the package's
   * file there instead of over ours. The diversion goes at the essential hook.
   */
  diverted?: string;
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
  return text.split('\n').filter((p) => isProgram(pkg, p));
}

/**
 * Essential packages whose maintainer scripts inspect the programs themselves: usrmerge's postinst
 * (bookworm's essential set takes it when mmdebstrap has no merged-usr hook: rootfs/mmdebstrap.ts)
 * runs the root's ldd on /bin/cp and stops at a host program. With one of these, the essential
 * packages are installed under emulation, as before the extract hook.
 */
const EXAMINE_PROGRAMS = ['usrmerge'];

/**
 * Essential packages whose postinsts remove a /lib64 no package claims (dpkg-query -S), which
 * would stop every host program: bookworm's usr-is-merged and usrmerge. With one of these, the
 * link made for the host's loader gets a local diversion while they install. Not otherwise:
 * trixie's base-files claims /lib64 with a diversion of its own, which a second one would clash with.
 */
const CLAIM_LINKS = ['usr-is-merged', 'usrmerge'];

/** The first of these packages mmdebstrap downloaded into the root, if any. */
async function firstDownloaded(root: string, pkgs: string[], arch: string): Promise<string | undefined> {
  for (const pkg of pkgs) if (await downloadedDeb(root, pkg, arch)) return pkg;
  return undefined;
}

/** The root's downloaded .deb of `pkg` (mmdebstrap's download folder), if there is exactly one. */
export async function downloadedDeb(root: string, pkg: string, arch: string): Promise<string | undefined> {
  const dir = join(root, 'var/cache/apt/archives');
  const debs = (await readdir(dir).catch(() => [] as string[])).filter(
    (n) => n.startsWith(`${pkg}_`) && (n.endsWith(`_${arch}.deb`) || n.endsWith('_all.deb')),
  );
  return debs.length === 1 ? join(dir, debs[0]!) : undefined;
}

/**
 * The programs a package's .deb puts under the program folders, as paths dpkg knows them by, at
 * the extract hook (dpkg has no list yet): from the package in the root's download folder.
 */
async function debPrograms(root: string, pkg: string, arch: string): Promise<string[]> {
  const deb = await downloadedDeb(root, pkg, arch);
  if (!deb) return [];
  const listing = await tryOutput('dpkg-deb', ['--contents', deb]);
  const paths: string[] = [];
  for (const line of (listing ?? '').split('\n')) {
    // "-rwxr-xr-x root/root 84080 2025-04-08 11:22 ./usr/bin/sed": regular files only.
    const m = /^-\S*\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(\/\S+)$/.exec(line);
    if (m) paths.push(m[1]!);
  }
  return paths.filter((p) => isProgram(pkg, p));
}

function isProgram(pkg: string, path: string): boolean {
  if (!PROGRAM_DIRS.some((d) => path.startsWith(d))) return false;
  const name = posix.basename(path);
  return !KEEP_EMULATED.has(name) && (ONLY[pkg]?.has(name) ?? true);
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

  /**
   * The hook (extract and essential alike) that asks for the programs and waits for the answer;
   * its stage is its file's name, `<stage>-native-tools.sh`.
   */
  static readonly HOOK = `#!/bin/sh
# rpi-build extract and essential hook: rpi-build puts the host's shell and text tools into the
# root for the packages dpkg configures next (rootfs/native-tools.ts); this waits for its answer.
set -e
dir=$(dirname "$0")
stage=$(basename "$0" -native-tools.sh)
: > "$dir/native-tools-$stage.ready"
n=0
until [ -e "$dir/native-tools-$stage.done" ]; do
  n=$((n + 1))
  if [ "$n" -gt 1200 ]; then echo 'rpi-build did not answer the native-tools hook in 120 s' >&2; exit 1; fi
  sleep 0.1
done
# A non-empty answer is rpi-build's reason to stop the build.
if [ -s "$dir/native-tools-$stage.done" ]; then cat "$dir/native-tools-$stage.done" >&2; exit 1; fi
`;

  /** Writes the two hooks (returned) and answers their requests while mmdebstrap runs. */
  async start(): Promise<Record<HookStage, string>> {
    const stages: HookStage[] = ['extract', 'essential'];
    const hooks = {} as Record<HookStage, string>;
    for (const stage of stages) {
      hooks[stage] = join(this.hooksDir, `${stage}-native-tools.sh`);
      for (const f of [ready(stage), done(stage)]) await rm(join(this.hooksDir, f), { force: true });
      await writeFile(hooks[stage], NativeTools.HOOK);
      await chmod(hooks[stage], 0o755);
    }
    const waiting = new Set(stages);
    this.timer = setInterval(() => {
      if (this.pending) return;
      const stage = [...waiting].find((st) => existsSync(join(this.hooksDir, ready(st))));
      if (!stage) return;
      waiting.delete(stage);
      if (waiting.size === 0) clearInterval(this.timer);
      this.pending = this.answer(stage).finally(() => (this.pending = undefined));
    }, 100);
    return hooks;
  }

  /**
   * Also run at each hook, once the host's programs are in (the root's own release of some
   * tools); at the extract hook only when they went in (not with usrmerge's examining postinst).
   */
  private readonly alongside: ((stage: HookStage) => Promise<void>)[] = [];
  alsoPutIn(fn: (stage: HookStage) => Promise<void>): void {
    this.alongside.push(fn);
  }

  private async answer(stage: HookStage): Promise<void> {
    let failed = '';
    try {
      if (stage === 'extract') {
        await this.tryPutIn('extract');
        if (this.count) for (const fn of this.alongside) await fn(stage);
      } else {
        // Before the remaining packages: dpkg's list must never keep a diversion of ours.
        await this.undivert();
        await this.tryPutIn();
        for (const fn of this.alongside) await fn(stage);
      }
    } catch (err) {
      failed = `rpi-build's native tools failed at mmdebstrap's ${stage} hook: ${errorMessage(err)}\n`;
    }
    await writeFile(join(this.hooksDir, done(stage)), failed);
  }

  /** putIn, or everything under emulation (with a warning) when the host's programs do not fit. */
  async tryPutIn(stage: HookStage = 'essential'): Promise<void> {
    try {
      await this.putIn(stage);
    } catch (err) {
      logger().warn(
        `The host's programs could not stand in for the root's (${errorMessage(err)}); the packages are configured under emulation.`,
      );
      await this.undo().catch(() => undefined);
    }
  }

  /**
   * Puts the programs in, proves the shell runs, and counts them. At the extract hook, from the
   * packages' .deb files, each program diverted for dpkg (see Placed); at the essential hook, from
   * dpkg's lists, those not in yet.
   */
  async putIn(stage: HookStage = 'essential'): Promise<void> {
    const hostMachine = await elfMachine(process.execPath);
    const rootMachine = await elfMachine(await pathInRoot(this.root, '/bin/true'));
    if (!hostMachine || !rootMachine || hostMachine === rootMachine) return; // nothing is emulated
    const examiner = stage === 'extract' && (await firstDownloaded(this.root, EXAMINE_PROGRAMS, this.arch));
    if (examiner) {
      logger().info(
        `The essential packages include ${examiner}, whose maintainer script examines the root's programs: they are installed under emulation`,
      );
      return;
    }
    const already = new Set(this.placed.map((p) => p.path));
    // By path in the root; `known` is the path dpkg knows it by.
    const programs = new Map<string, { host: string; libs: string[]; known: string }>();
    for (const pkg of NATIVE_PACKAGES) {
      const listed =
        stage === 'extract'
          ? await debPrograms(this.root, pkg, this.arch)
          : await packagePrograms(this.root, pkg, this.arch);
      for (const p of listed) {
        const inRoot = await pathInRoot(this.root, p);
        if (programs.has(inRoot) || already.has(inRoot)) continue;
        const st = await lstatOrNone(inRoot);
        if (!st?.isFile() || (await elfMachine(inRoot)) !== rootMachine) continue;
        const host = await realpath(p).catch(() => undefined);
        if (!host || !(await stat(host)).isFile() || (await elfMachine(host)) !== hostMachine) continue;
        const libs = await hostLibraries(host);
        if (libs) programs.set(inRoot, { host, libs, known: p });
      }
    }
    if (programs.size === 0) return;
    // By where each lands in the root: /lib/… and /usr/lib/… are one folder in a merged-/usr root.
    const libraries = new Map<string, string>();
    for (const { libs } of programs.values())
      for (const lib of libs) {
        await this.mergedTop(lib);
        const dest = await pathInRoot(this.root, lib);
        if (!already.has(dest)) libraries.set(dest, lib);
      }
    for (const [dest, lib] of libraries) {
      if (await lstatOrNone(dest))
        throw new Error(`${lib} exists in the root (the host's libraries would replace the root's)`);
      await this.makeFolders(dest);
      await copyFile(await realpath(lib), dest);
      await chmod(dest, 0o755);
      this.placed.push({ path: dest, stamp: await stamp(dest) });
    }
    const aside = join(this.root, ASIDE);
    if (!this.created.includes(aside)) {
      await mkdir(aside, { mode: 0o700 });
      this.created.push(aside);
    }
    const diversions: string[] = [];
    for (const [inRoot, { host, known }] of programs) {
      const name = String(this.placed.length);
      const original = join(aside, name);
      await rename(inRoot, original);
      await copyFile(host, inRoot);
      await chmod(inRoot, 0o755);
      const diverted = stage === 'extract' ? known : undefined;
      this.placed.push({ path: inRoot, stamp: await stamp(inRoot), original, diverted });
      if (diverted) diversions.push(`${diverted}\n/${ASIDE}/${name}\n:\n`);
    }
    // A top-level link of ours (/lib64, for the host's loader) is claimed by a diversion too when
    // a package would remove it: see CLAIM_LINKS.
    if (stage === 'extract' && (await firstDownloaded(this.root, CLAIM_LINKS, this.arch)))
      for (const top of this.topLinks()) diversions.push(`/${top}\n/${ASIDE}/${top}\n:\n`);
    if (diversions.length) await this.divert(diversions.join(''));
    // Proof: the root's /bin/sh, now the host's, runs a pipe of two host programs.
    const r = await inChroot(this.root, ['/bin/sh', '-c', 'basename /a/b.c .c | sed s/b/ok/'], {
      allowFailure: true,
    });
    if (r.exitCode !== 0 || r.stdout.trim() !== 'ok')
      throw new Error(
        `the host's shell did not run in the root: ${(r.stderr || r.stdout).trim().slice(0, 200)}`,
      );
    this.count += programs.size;
    const when = stage === 'extract' ? 'while the essential packages are installed' : this.purpose;
    logger().info(
      `${programs.size} programs of ${NATIVE_PACKAGES.join(', ')} run natively ${when} (${libraries.size} host libraries beside them)`,
    );
  }

  /**
   * Set while our diversions are in dpkg's list: what the file held before the extract hook
   * added them (`before` undefined: no file).
   */
  private diverted: { before: string | undefined } | undefined;

  /** Adds local diversions to dpkg's list in the root (once, before dpkg first runs there). */
  private async divert(entries: string): Promise<void> {
    const file = join(this.root, DIVERSIONS);
    const before = await readFile(file, 'utf8').catch(() => undefined);
    await mkdir(join(file, '..'), { recursive: true });
    this.diverted = { before };
    await writeFile(file, (before ?? '') + entries);
  }

  /**
   * Takes our diversions out of dpkg's list again, leaving what dpkg-divert added meanwhile as
   * it wrote it; the originals stay aside (the package's file, as dpkg unpacked it there) until
   * takeOut puts them back. With none left, the file is as before: absent when it was.
   */
  private async undivert(): Promise<void> {
    if (!this.diverted) return;
    const ours = new Set([
      ...this.placed.flatMap((p) => (p.diverted ? [p.diverted] : [])),
      ...this.topLinks().map((top) => `/${top}`),
    ]);
    const file = join(this.root, DIVERSIONS);
    const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n');
    const kept: string[] = [];
    for (let i = 0; i + 2 < lines.length; i += 3) {
      const [from, to, pkg] = [lines[i]!, lines[i + 1]!, lines[i + 2]!];
      if (pkg === ':' && ours.has(from) && to.startsWith(`/${ASIDE}/`)) continue;
      kept.push(`${from}\n${to}\n${pkg}\n`);
    }
    if (kept.length === 0 && this.diverted.before === undefined) await rm(file, { force: true });
    else await writeFile(file, kept.join(''));
    for (const p of this.placed) p.diverted = undefined;
    this.diverted = undefined;
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
    await this.undivert();
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
