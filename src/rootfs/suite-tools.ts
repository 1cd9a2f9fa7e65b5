// The root's own release of depmod and systemd-hwdb, built for the host's CPU, stands in for the
// root's while packages are configured. Their output (the module indexes, the hardware database)
// is binary and versioned with the tool, so the host's programs of another release write other
// bytes; the same release built for another CPU writes the same bytes (by hand on the default
// trixie arm64 root: trixie's amd64 kmod and udev rewrote its 14 module index files and hwdb.bin
// byte for byte; depmod took 5 s against about 60 s under emulation).
//
// They come from the root's own archive (mmdebstrap's extract variant, a few seconds) into a
// folder inside the root and run there by their own loader. dpkg-divert moves the root's program
// aside for the duration, so that dpkg unpacking kmod or udev leaves the stand-in in place; all of
// it goes again, diversions removed, before anything else reads the root. When the root's package
// is another version than the one fetched, the program's work is done again under emulation.
// Those of essential packages (perl, localedef, apt-extracttemplates) go in at mmdebstrap's
// extract hook, checked against the downloaded package's version: the essential packages' own
// scripts load debconf's frontend and deb-systemd-helper (the essential stage's configure took
// 39 s of a cold root, 25 s of it in apt, util-linux, dpkg, base-passwd, debconf, libpam and
// libc6, each loading perl). One fetch serves the install, then mkinitramfs and locale-gen.
//
// perl too: deb-systemd-helper, update-rc.d, adduser and debconf (every package that asks a
// question) are perl scripts, and an emulated perl takes 2 to 3 s to load them where the host's
// CPU takes 0.05 s. A script computes the same on any CPU; only the modules built for the root's
// CPU (perl-base's own, XS modules) cannot load in the host's perl. So the host's build of the
// root's perl searches exactly the root's module folders, in the root perl's order, with each
// folder built for the root's CPU swapped for the same release built for the host's (PERL_INC);
// a module the root has only for its own CPU runs the whole program again under emulation.
//
// localedef as well, where a locale is made (locale-gen.ts): the locale archive is data whose
// layout follows the C library's release, not the CPU (both little-endian, 64-bit or 32-bit alike).
import { chmod, lstat, mkdir, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, posix, relative } from 'node:path';
import { readManifest } from '../image/manifest.js';
import { errorMessage } from '../runtime/errors.js';
import { exec, tryOutput } from '../runtime/exec.js';
import { logger } from '../runtime/log.js';
import { inChroot, withChrootMounts } from './chroot.js';
import { downloadedDeb, pathInRoot, type HookStage } from './native-tools.js';
import { mmdebstrapMirrors, type SourcesSpec } from './sources.js';

/** The folder inside the root the programs run from (removed again). */
const DIR = '.rpi-build-suite-tools';

/**
 * Each program: its package, its paths in that package across releases (/usr/sbin since trixie),
 * the packages it loads beyond its dependencies, and the commands that do its work again under
 * emulation (every kernel's module indexes; the hardware database).
 */
export type SuiteToolName =
  'depmod' | 'systemd-hwdb' | 'perl' | 'localedef' | 'apt-extracttemplates' | 'zstd';

interface Tool {
  pkg: string;
  name: SuiteToolName;
  paths: string[];
  also?: string[];
  redo?: (root: string) => Promise<string[][]>;
}

const TOOLS: Tool[] = [
  {
    pkg: 'kmod',
    name: 'depmod',
    paths: ['/usr/sbin/depmod', '/sbin/depmod'],
    // kmod opens liblzma and libzstd only when it reads a compressed module: not dependencies.
    also: ['liblzma5', 'libzstd1'],
    redo: async (root) =>
      (await readdir(join(root, 'usr/lib/modules')).catch(() => [] as string[])).map((v) => ['depmod', v]),
  },
  {
    pkg: 'udev',
    name: 'systemd-hwdb',
    paths: ['/usr/bin/systemd-hwdb', '/bin/systemd-hwdb'],
    redo: async () => [['systemd-hwdb', '--usr', 'update']],
  },
  // Nothing to redo: perl-base is essential, installed before this goes in, and checked to match.
  // The XS modules debconf loads when the root has them (Debconf::Encoding), for the host's perl.
  {
    pkg: 'perl-base',
    name: 'perl',
    paths: ['/usr/bin/perl'],
    also: ['libtext-charwidth-perl', 'libtext-iconv-perl', 'liblocale-gettext-perl'],
  },
  // The locale archive: 44 s under emulation for en_US.UTF-8, 1.3 s so, the same bytes (by hand,
  // trixie arm64). libc-bin is essential too, and checked to match.
  { pkg: 'libc-bin', name: 'localedef', paths: ['/usr/bin/localedef'] },
  // Before every unpack, debconf's dpkg-preconfigure has it read every package file apt is about
  // to install (templates and config scripts out, as files): 42 s under emulation for the default
  // image's 90 packages. apt is installed with the essential packages, and checked to match.
  {
    pkg: 'apt',
    name: 'apt-extracttemplates',
    paths: ['/usr/lib/apt/apt-extracttemplates', '/usr/bin/apt-extracttemplates'],
  },
  // mkinitramfs compresses the initramfs with it (COMPRESS=zstd): 8 of the 15 s it took under
  // emulation for the default image. zstd's output is defined by its release, level and
  // multithreading (-T0 sees the same cores either way), not by the CPU.
  { pkg: 'zstd', name: 'zstd', paths: ['/usr/bin/zstd'] },
];

/** What stands in while mmdebstrap installs packages (from its extract hook on). */
export const INSTALL_TOOLS: readonly SuiteToolName[] = [
  'perl',
  'localedef',
  'apt-extracttemplates',
  'depmod',
  'systemd-hwdb',
];

/** What stands in for mkinitramfs: the initramfs's compressor and its module indexes. */
export const INITRAMFS_TOOLS: readonly SuiteToolName[] = ['zstd', 'depmod'];
const PERL_XS = TOOLS.find((t) => t.name === 'perl')!.also!;

/** The host's loader and library folder, by its dpkg architecture. */
const HOST: Record<string, { loader: string; triplet: string }> = {
  amd64: { loader: '/lib64/ld-linux-x86-64.so.2', triplet: 'x86_64-linux-gnu' },
  arm64: { loader: '/lib/ld-linux-aarch64.so.1', triplet: 'aarch64-linux-gnu' },
  armhf: { loader: '/lib/ld-linux-armhf.so.3', triplet: 'arm-linux-gnueabihf' },
};

/**
 * What stands in at the program's path: constant text, the loader, library path and program read
 * from data files beside the programs.
 */
export const WRAPPER = [
  '#!/bin/sh',
  "# rpi-build: the root's own release of this program, built for the host's CPU (rootfs/suite-tools.ts).",
  `d=/${DIR}`,
  'name=$(basename "$0")',
  'read -r loader < "$d/loader"',
  'read -r libs < "$d/library-path"',
  'read -r program < "$d/programs/$name"',
  // Options that go first (perl's module search), words without spaces or patterns.
  'set -f',
  'args=',
  'if [ -r "$d/args/$name" ]; then read -r args < "$d/args/$name"; fi',
  // A line per run, counted in the log (a short append: whole lines even from parallel runs).
  'echo "$name" >> "$d/ran"',
  'exec "$d$loader" --library-path "$libs" --argv0 "$name" "$d$program" $args "$@"',
  '',
].join('\n');

/**
 * The host's perl's module search (perl code, loaded with -MRpiBuildInc): the root perl's own
 * folders in its order, read from perl-inc beside it ("dir" a folder any CPU can read, "map" a
 * folder built for the root's CPU and the host's build of it). Written without `use`: nothing
 * loads before this search is in place.
 */
export const PERL_INC = String.raw`# rpi-build: the root perl's module search for the host's build of it (rootfs/suite-tools.ts).
package RpiBuildInc;
my $d = '/${DIR}';
my @search;
if (open(my $fh, "<", "$d/perl-inc")) {
  # Untainted: under perl -T (adduser), code from a path read in a file would be refused.
  while (my $line = <$fh>) { chomp $line; ($line) = $line =~ /^(.*)$/s; push @search, [split /\t/, $line] }
  close $fh;
}
# A module the root has only for its own CPU: the whole program again, under the root's perl.
sub emulated {
  my ($file) = @_;
  if (open(my $log, ">>", "$d/perl-emulated")) { print $log "$file\n"; close $log }
  open(my $c, "<", "/proc/self/cmdline") or die "rpi-build: $file needs the root's perl: /proc/self/cmdline: $!\n";
  my $all = do { local $/; <$c> };
  close $c;
  my @argv = map { /^(.*)$/s } split /\0/, $all, -1;
  pop @argv;
  my ($at) = grep { $argv[$_] eq "-MRpiBuildInc" } 0 .. $#argv;
  die "rpi-build: $file needs the root's perl: no -MRpiBuildInc in its command line\n" unless defined $at;
  # The same environment, untainted: perl -T runs no program with it as it is.
  for my $k (qw(PATH IFS CDPATH ENV BASH_ENV)) { ($ENV{$k}) = $ENV{$k} =~ /^(.*)$/s if defined $ENV{$k} }
  exec { "/usr/bin/perl.distrib" } "perl", @argv[$at + 1 .. $#argv];
  die "rpi-build: $file needs the root's perl: /usr/bin/perl.distrib: $!\n";
}
unshift @INC, sub {
  my (undef, $file) = @_;
  for my $s (@search) {
    my ($kind, $dir, $host) = @$s;
    next unless -f "$dir/$file";
    my $path = $kind eq "map" ? "$host/$file" : "$dir/$file";
    emulated($file) unless -f $path;
    open(my $fh, "<", $path) or emulated($file);
    $INC{$file} = $path;
    # Its own path as the file name: XSLoader finds the shared object beside it.
    return (\"#line 1 \"$path\"\n", $fh);
  }
  return;
};
1;
`;

interface Placed {
  tool: Tool;
  /** The program's path in the root (diverted). */
  path: string;
  /** The fetched package's version (from its file name). */
  version: string;
}

/** The installed packages' versions, from dpkg's status file in the root (read once per use). */
async function installedVersions(root: string): Promise<Map<string, string>> {
  const installed = await readManifest(root).catch(() => []);
  return new Map(installed.map((p) => [p.name, p.version]));
}

/** A package file's name as apt saves it, pkg_version_arch.deb (version URL-encoded: 1%3a2.0 for 1:2.0). */
function debName(file: string): { pkg: string; version: string } | undefined {
  const m = /^([^_]+)_([^_]+)_[^_]+\.deb$/.exec(file);
  return m ? { pkg: m[1]!, version: decodeURIComponent(m[2]!) } : undefined;
}

/** At the extract hook, the versions of the packages about to be installed (dpkg has none yet), from the downloaded files. */
async function downloadedVersions(root: string, arch: string, pkgs: string[]): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  for (const pkg of pkgs) {
    const deb = await downloadedDeb(root, pkg, arch);
    const name = deb && debName(posix.basename(deb));
    if (name) versions.set(pkg, name.version);
  }
  return versions;
}

/** The version without a binary-only rebuild's suffix (+bN): the same source builds the same program. */
const sourceVersion = (v: string) => v.replace(/\+b\d+$/, '');

interface Fetched {
  dir: string;
  hostArch: string;
  versions: Map<string, string>;
}

export class SuiteTools {
  private readonly placed: Placed[] = [];
  private own: Fetched | undefined;
  private readonly tools: Tool[];
  /** The packages fetch gets: those of `tools`, and of `alsoFetch` beyond them. */
  private readonly fetchTools: Tool[];
  /** For messages: "depmod, systemd-hwdb, perl, localedef". */
  private readonly names: string;
  private readonly purpose: string;
  private readonly from: SuiteTools | undefined;
  private readonly ahead: boolean;

  constructor(
    private readonly root: string,
    private readonly hooksDir: string,
    private readonly spec: SourcesSpec & { arch: string },
    private readonly logFile: string,
    opts: {
      /** Which programs go in (all when left out). */
      only?: readonly SuiteToolName[];
      /** Which programs fetch gets besides, for later uses that share this fetch (`from`). */
      alsoFetch?: readonly SuiteToolName[];
      /** Another's fetch to use (this one fetches nothing, and leaves it for its owner to remove). */
      from?: SuiteTools;
      /** What they stand in for, for the log line. */
      purpose?: string;
      /** While packages install: a program whose package is still to come goes in ahead of it. */
      ahead?: boolean;
    } = {},
  ) {
    const { only, alsoFetch = [] } = opts;
    this.tools = only ? TOOLS.filter((t) => only.includes(t.name)) : TOOLS;
    this.fetchTools = TOOLS.filter((t) => this.tools.includes(t) || alsoFetch.includes(t.name));
    this.from = opts.from;
    this.ahead = opts.ahead ?? false;
    this.purpose = opts.purpose ?? 'while packages are configured';
    this.names = this.tools.map((t) => t.name).join(', ');
  }

  /** The fetched packages: this one's own, or the one it shares. */
  private get fetched(): Fetched | undefined {
    return this.from ? this.from.fetched : this.own;
  }

  /** Others of the fetched programs, for another step in the same root, without a second fetch. */
  share(only: readonly SuiteToolName[], purpose: string): SuiteTools {
    return new SuiteTools(this.root, this.hooksDir, this.spec, this.logFile, { only, purpose, from: this });
  }

  /** Removes what fetch got, after its last use (by this one and those sharing it). */
  async dispose(): Promise<void> {
    if (this.own) await rm(this.own.dir, { recursive: true, force: true });
    this.own = undefined;
  }

  /**
   * Fetches the programs for the host's CPU from the root's archive (before mmdebstrap starts),
   * with the build's apt options and login hooks; false, with the reason logged, when they cannot
   * be had (the build then emulates them).
   */
  async fetch(aptOptions: string[]): Promise<boolean> {
    const hostArch = await tryOutput('dpkg', ['--print-architecture']);
    if (!hostArch || !HOST[hostArch] || hostArch === this.spec.arch) return false;
    const dir = join(this.hooksDir, 'suite-tools');
    await rm(dir, { recursive: true, force: true });
    const names = this.fetchTools.map((t) => t.name).join(', ');
    logger().progress(`fetching ${this.spec.suite}'s ${names} for ${hostArch}`);
    try {
      await exec(
        'mmdebstrap',
        [
          '--mode=root',
          '--variant=extract',
          `--architectures=${hostArch}`,
          `--components=${this.spec.components.join(',')}`,
          `--include=${this.fetchTools.flatMap((t) => [t.pkg, ...(t.also ?? [])]).join(',')}`,
          // The package files stay: their names carry the versions.
          '--skip=cleanup/apt/cache',
          ...aptOptions,
          this.spec.suite,
          dir,
          ...mmdebstrapMirrors(this.spec),
        ],
        { privileged: 'mmdebstrap', logFile: this.logFile, env: { LC_ALL: 'C.UTF-8' } },
      );
    } catch (err) {
      logger().info(
        `${this.names} run under emulation: the archive's ${hostArch} packages could not be had (${errorMessage(err).split('\n')[0]})`,
      );
      await rm(dir, { recursive: true, force: true });
      return false;
    }
    const versions = new Map<string, string>();
    const debs = join(dir, 'var/cache/apt/archives');
    for (const f of await readdir(debs)) {
      const name = debName(f);
      if (name) versions.set(name.pkg, name.version);
    }
    await rm(debs, { recursive: true, force: true });
    this.own = { dir, hostArch, versions };
    return true;
  }

  /** putIn, or the programs left to emulation (with a note) when they do not fit. */
  async tryPutIn(stage: HookStage = 'essential'): Promise<void> {
    try {
      await this.putIn(stage);
    } catch (err) {
      logger().info(`${this.names} run under emulation: ${errorMessage(err)}`);
      await this.removePlaced().catch(() => undefined);
    }
  }

  /**
   * Puts the fetched programs in at their paths in the root, each proven to run: at the extract
   * hook those of the essential packages just unpacked, at the essential hook the others.
   */
  async putIn(stage: HookStage = 'essential'): Promise<void> {
    if (!this.fetched) return;
    const logFile = this.logFile;
    const { dir, hostArch, versions } = this.fetched;
    const host = HOST[hostArch]!;
    const inRoot = join(this.root, DIR);
    if (!(await lstat(inRoot).catch(() => undefined))) {
      // An unmerged tree (the extract variant makes no /lib64 link): the loader where the package put it.
      const loader = (await resolveFirst(dir, [host.loader, `/usr${host.loader}`]))?.real;
      if (!loader) throw new Error(`the ${hostArch} loader ${host.loader} was not in the packages`);
      await exec('cp', ['-a', '--', dir, inRoot], { logFile });
      const libs = [`/usr/lib/${host.triplet}`, `/lib/${host.triplet}`, `/usr/lib/${host.triplet}/systemd`];
      await writeFile(join(inRoot, 'loader'), `${loader}\n`);
      await writeFile(join(inRoot, 'library-path'), `${libs.map((l) => `/${DIR}${l}`).join(':')}\n`);
      await mkdir(join(inRoot, 'programs'));
    }
    const extract = stage === 'extract';
    if (!extract) await this.sayRuns('while the essential packages were installed');
    const pkgs = this.tools.map((t) => t.pkg);
    const installedNow = extract
      ? await downloadedVersions(this.root, this.spec.arch, pkgs)
      : await installedVersions(this.root);
    const already = new Set(this.placed.map((p) => p.tool.name));
    const before = this.placed.length;
    for (const tool of this.tools) {
      if (already.has(tool.name)) continue;
      const version = versions.get(tool.pkg);
      // Where the package puts the program, and the program itself (depmod is a link to kmod).
      const found = await resolveFirst(dir, tool.paths);
      if (!version || !found) continue;
      const { path, real } = found;
      // Installed already (perl-base is essential), or about to be: only the same release stands in.
      const installed = installedNow.get(tool.pkg);
      // Not installed: at the extract hook, not an essential package (it goes in at the essential
      // hook, ahead of its package); outside an installation, not a program the root has.
      if (!installed && (extract || !this.ahead)) continue;
      if (installed && sourceVersion(installed) !== sourceVersion(version)) {
        logger().info(
          `${tool.name} runs under emulation: the root has ${tool.pkg} ${installed}, the archive's ${hostArch} build is ${version}`,
        );
        continue;
      }
      await writeFile(join(inRoot, 'programs', tool.name), `${real}\n`);
      await inChroot(this.root, ['dpkg-divert', '--quiet', '--local', '--rename', '--add', path], {
        logFile,
      });
      this.placed.push({ tool, path, version });
      await writeFile(join(this.root, path), WRAPPER);
      await chmod(join(this.root, path), 0o755);
      const r = await inChroot(this.root, [path, '--version'], { logFile, allowFailure: true });
      const ready = r.exitCode === 0 && (tool.name !== 'perl' || (await this.perlSearch(host.triplet)));
      if (!ready) {
        logger().info(`${tool.name} runs under emulation: the ${hostArch} build did not start in the root`);
        await this.remove(this.placed.pop()!);
      }
    }
    // The proofs above are not the build's runs.
    await rm(join(inRoot, 'ran'), { force: true });
    const now = this.placed.slice(before);
    if (now.length)
      logger().info(
        `${now.map((p) => `${p.tool.name} ${p.version}`).join(', ')} from the archive's ${hostArch} packages run natively ${extract ? 'while the essential packages are installed' : this.purpose}`,
      );
  }

  /**
   * Gives the host's perl the root perl's module search (PERL_INC), then proves it: POSIX, an XS
   * module of perl-base, loads from the host's build. False when it does not.
   */
  private async perlSearch(hostTriplet: string): Promise<boolean> {
    const logFile = this.logFile;
    const inRoot = join(this.root, DIR);
    const printInc = ['-e', 'print join("\n", @INC), "\n"'];
    const rootInc = await inChroot(this.root, ['/usr/bin/perl.distrib', ...printInc], { logFile });
    const dirs = rootInc.stdout.split('\n').filter((d) => d.startsWith('/'));
    // The root's multiarch folder, from perl-base's (/usr/lib/aarch64-linux-gnu/perl-base).
    const triplet = dirs.map((d) => /^\/usr\/lib\/([^/]+)\/perl-base$/.exec(d)?.[1]).find(Boolean);
    if (!triplet) return false;
    const lines = dirs.map((d) =>
      d.includes(`/${triplet}/`)
        ? `map\t${d}\t/${DIR}${d.replace(`/${triplet}/`, `/${hostTriplet}/`)}`
        : `dir\t${d}`,
    );
    await writeFile(join(inRoot, 'perl-inc'), `${lines.join('\n')}\n`);
    await mkdir(join(inRoot, 'perl'));
    await writeFile(join(inRoot, 'perl', 'RpiBuildInc.pm'), PERL_INC);
    await mkdir(join(inRoot, 'args'));
    await writeFile(join(inRoot, 'args', 'perl'), `-I/${DIR}/perl -MRpiBuildInc\n`);
    const proof = await inChroot(this.root, ['perl', '-MPOSIX', '-e', 'print POSIX::floor(2.5), "\n"'], {
      logFile,
      allowFailure: true,
    });
    const fellBack = await readFile(join(inRoot, 'perl-emulated'), 'utf8').catch(() => '');
    return proof.exitCode === 0 && proof.stdout.trim() === '2' && !fellBack;
  }

  /** An XS module package the root has in another release than the host's build perl loaded. */
  private checkPerlModules(perlRan: boolean, installedAfter: Map<string, string>): void {
    if (!perlRan || !this.fetched) return;
    for (const pkg of PERL_XS) {
      const installed = installedAfter.get(pkg);
      const fetched = this.fetched.versions.get(pkg);
      if (installed && fetched && sourceVersion(installed) !== sourceVersion(fetched))
        logger().warn(
          `The root has ${pkg} ${installed}; perl loaded the archive's ${this.fetched.hostArch} build ${fetched} while packages were configured.`,
        );
    }
  }

  private async remove(p: Placed): Promise<void> {
    await rm(join(this.root, p.path), { force: true });
    await inChroot(this.root, ['dpkg-divert', '--quiet', '--local', '--rename', '--remove', p.path], {
      logFile: this.logFile,
    });
  }

  /** How often each program that stood in ran so far ("perl 40 times, …"), from the wrapper's lines. */
  private async sayRuns(when: string): Promise<void> {
    if (!this.placed.length) return;
    const ran = (await readFile(join(this.root, DIR, 'ran'), 'utf8').catch(() => '')).split('\n');
    const counts = this.placed.map(
      (p) => `${p.tool.name} ${ran.filter((n) => n === p.tool.name).length} times`,
    );
    logger().info(`Run natively ${when}: ${counts.join(', ')}`);
    await rm(join(this.root, DIR, 'ran'), { force: true });
  }

  /** Takes the programs and their folder out of the root, diversions removed; the fetched set stays. */
  private async removePlaced(): Promise<void> {
    for (const p of this.placed.reverse()) await this.remove(p);
    this.placed.length = 0;
    await rm(join(this.root, DIR), { recursive: true, force: true });
  }

  /**
   * Takes everything out, diversions removed; then, for a package the root has in another
   * version than the one that ran, does that program's work again under emulation.
   */
  async takeOut(): Promise<void> {
    const logFile = this.logFile;
    const ran = [...this.placed];
    await this.sayRuns(this.purpose);
    const fellBack = await readFile(join(this.root, DIR, 'perl-emulated'), 'utf8').catch(() => '');
    await this.removePlaced();
    const modules = [...new Set(fellBack.split('\n').filter(Boolean))];
    if (modules.length)
      logger().info(
        `perl ran under emulation for the programs that load ${modules.join(', ')} (built only for the root's CPU)`,
      );
    const installedAfter = await installedVersions(this.root);
    this.checkPerlModules(
      ran.some((p) => p.tool.name === 'perl'),
      installedAfter,
    );
    for (const { tool, version } of ran) {
      const installed = installedAfter.get(tool.pkg);
      if (!tool.redo || !installed || sourceVersion(installed) === sourceVersion(version)) continue;
      logger().warn(
        `The root has ${tool.pkg} ${installed}, the archive's ${this.fetched?.hostArch} build was ${version}: ${tool.name}'s work is done again under emulation.`,
      );
      const again = await tool.redo(this.root);
      await withChrootMounts(
        this.root,
        async () => {
          for (const argv of again) await inChroot(this.root, argv, { logFile });
        },
        logFile,
      );
    }
  }
}

/**
 * The file `path` names inside the tree at `dir`, its links followed with `dir` as `/` (bookworm's
 * packages link absolutely, as /lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/…); undefined
 * when it is missing.
 */
async function resolveIn(dir: string, path: string): Promise<string | undefined> {
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    const inTree = await pathInRoot(dir, p);
    const st = await lstat(inTree).catch(() => undefined);
    if (!st) return undefined;
    if (!st.isSymbolicLink()) return `/${relative(dir, inTree)}`;
    const target = await readlink(inTree);
    p = isAbsolute(target) ? target : posix.join(posix.dirname(`/${relative(dir, inTree)}`), target);
  }
  return undefined;
}

/** The first of `paths` present in the tree at `dir`, with the file it resolves to there. */
async function resolveFirst(
  dir: string,
  paths: string[],
): Promise<{ path: string; real: string } | undefined> {
  for (const path of paths) {
    const real = await resolveIn(dir, path);
    if (real) return { path, real };
  }
  return undefined;
}
