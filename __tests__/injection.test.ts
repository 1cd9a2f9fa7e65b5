// No shell injection (issue #9). Every option gets values that would run a command if any
// shell ever saw them. Options with a fixed shape reject them as bad input; the few that take
// free text (a password, paths, an artifact name) are driven through the code that uses them
// and the canary file must never appear. A static check keeps shells out of src/.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { OPTIONS } from '../src/config/options.js';
import { collectDiagnostics } from '../src/diagnostics/collect.js';
import { artifactName } from '../src/publish/artifact.js';
import { applyOverlay, runCustomizeScripts } from '../src/rootfs/overlay.js';
import { hashPassword } from '../src/rootfs/user.js';
import { InputError } from '../src/runtime/errors.js';
import { itNeeds } from './support/needs.js';
import { ROOT } from './support/runner.js';
import { REMOVE_TIMEOUT, scratchDirs } from './support/scratch.js';

const CANARY = `owned-${randomBytes(5).toString('hex')}`;
const dirs = scratchDirs();
const scratch = dirs.scratch('injection');

/** Would create /tmp/<CANARY>-… if a shell ran them. */
const ABSOLUTE = [
  `x; touch /tmp/${CANARY}-semi`,
  `$(touch /tmp/${CANARY}-subst)`,
  `\`touch /tmp/${CANARY}-tick\``,
  `x && touch /tmp/${CANARY}-and`,
  `x | touch /tmp/${CANARY}-pipe`,
  `x\ntouch /tmp/${CANARY}-newline`,
];
/** No slash, so they also work as file names; a shell would create the canary in its own folder. */
const RELATIVE = [
  `x; touch ${CANARY}-rsemi`,
  `$(touch ${CANARY}-rsubst)`,
  `\`touch ${CANARY}-rtick\``,
  `x;:>${CANARY}-rredirect`, // shell builtins only: works even in a root without touch
];
const PAYLOADS = [...ABSOLUTE, ...RELATIVE];

/** Every file or folder named <CANARY>… under these folders (only the top level of / and /tmp). */
async function canaries(...deep: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const d of ['/', '/tmp', process.cwd(), ROOT])
    for (const n of await readdir(d).catch(() => [] as string[]))
      if (n.startsWith(CANARY)) found.push(join(d, n));
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.name.startsWith(CANARY)) found.push(join(d, e.name));
      if (e.isDirectory() && !e.isSymbolicLink()) await walk(join(d, e.name));
    }
  };
  for (const d of deep) await walk(d);
  return found;
}

afterAll(async () => {
  expect(await canaries(scratch)).toEqual([]);
  await dirs.removeAll();
}, REMOVE_TIMEOUT);

/**
 * Options that accept free text, and why that is safe. Any other option must reject every payload.
 * Each is driven through its real use below.
 */
const FREE_TEXT: Record<string, string> = {
  password: 'hashed by openssl, which reads it from stdin; only the hash is written to /etc/shadow',
  'artifact-name': 'sent to the artifact service as JSON by @actions/artifact; never on a command line',
  overlay: 'one argv item of cp (exec wrapper, no shell)',
  customize: 'copied to a fixed name and run by chroot as argv[0] (no shell parses the path)',
  'cache-dir': 'used by fs calls only (LocalStore)',
  'work-dir': 'used by fs calls and as one argv item of rm/tar',
  'out-dir': 'used by fs calls only',
  'pi-gen-path':
    'a folder (checked to hold build.sh for builder pi-gen); resolved and used as cwd and argv items',
  'pi-gen-stages-dir': 'a folder of stages; joined with stage names and copied with fs calls',
};

describe('shell payloads in every option', () => {
  const cases = [...OPTIONS.map((o) => o.key), 'config'].flatMap((key) =>
    PAYLOADS.map((payload) => [key, payload] as const),
  );
  it('covers every option with every payload', () => {
    expect(cases.length).toBe((OPTIONS.length + 1) * PAYLOADS.length);
  });

  it.each(cases)('%s = %j is rejected, or the option is known to take free text', async (key, payload) => {
    // Options of the kernel target are only read (and checked) when building a kernel.
    const target = OPTIONS.find((o) => o.key === key)?.description.startsWith('target kernel:')
      ? { target: 'kernel' }
      : {};
    const sources =
      key === 'config'
        ? { file: join(scratch, payload), overrides: {} }
        : { overrides: { ...target, [key]: payload } };
    const err = await loadConfig(sources).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (err === undefined) {
      expect(FREE_TEXT, `${key} accepted ${JSON.stringify(payload)}`).toHaveProperty([key]);
    } else {
      expect(err).toBeInstanceOf(InputError);
      // The multi-arch check may name arch; anything else names the option itself.
      expect([key, 'arch']).toContain((err as InputError).input);
    }
  });

  it('free-text options exist in the table and nothing else takes free text', () => {
    for (const k of Object.keys(FREE_TEXT)) expect(OPTIONS.map((o) => o.key)).toContain(k);
  });
});

describe('free-text values through the code that uses them', () => {
  // Real files and folders named by the payloads, so path options are accepted.
  const base = join(scratch, 'named');
  mkdirSync(base, { recursive: true });
  const dirs = RELATIVE.map((p, i) => {
    const d = join(base, `${i}-${p}`);
    mkdirSync(join(d, 'etc'), { recursive: true });
    writeFileSync(join(d, 'etc', `from-overlay-${i}`), 'ok\n');
    return d;
  });
  const scripts = RELATIVE.map((p, i) => {
    const f = join(base, `${p}.${i}.sh`);
    writeFileSync(f, `#!/bin/sh\necho ran > /ran-${i}\n`);
    return f;
  });

  // The artifact name refuses what GitHub refuses (":" and ">" of the redirect payload).
  const art = (p: string): string => (/[":<>|*?\r\n\\/]/.test(p) ? `$(touch ${CANARY}-art)` : p);

  it('the config accepts them as they are', async () => {
    for (const [i, p] of RELATIVE.entries()) {
      const c = await loadConfig({
        overrides: {
          password: p,
          'artifact-name': art(p),
          overlay: dirs[i],
          customize: scripts[i],
          'cache-dir': dirs[i],
          'work-dir': dirs[i],
          'out-dir': dirs[i],
        },
      });
      expect(c).toMatchObject({ password: p, overlay: dirs[i], customize: [scripts[i]] });
      expect(artifactName(c)).toBe(art(p));
    }
    expect(await canaries(scratch)).toEqual([]);
  });

  it('the CLI doctor runs with all of them set and nothing runs them', async () => {
    const cwd = mkdtempSync(join(scratch, 'cwd-'));
    for (const [i, p] of RELATIVE.entries()) {
      const cfg = join(base, `${p}.${i}.yml`);
      writeFileSync(cfg, 'hostname: injected\n');
      const r = spawnSync(
        'node',
        [
          join(ROOT, 'dist', 'cli.js'),
          'doctor',
          '--json',
          ...['--config', cfg, '--password', `S3cret-${p}`, '--artifact-name', art(p)],
          ...['--overlay', dirs[i]!, '--customize', scripts[i]!],
          ...['--cache-dir', dirs[i]!, '--work-dir', dirs[i]!, '--out-dir', dirs[i]!],
        ],
        { cwd, encoding: 'utf8', timeout: 60_000 },
      );
      expect([0, 1], r.stderr).toContain(r.status); // a report, healthy or not; not bad input (2)
      expect(r.stdout).not.toContain('S3cret-'); // the doctor report does not echo the password
    }
    expect(await canaries(scratch, cwd)).toEqual([]);
  });

  it('diagnostics with payload folders and secrets: tar gets them as single arguments', async () => {
    const p = RELATIVE[1]!;
    const work = dirs[1]!;
    const out = join(base, `diag ${p}`);
    mkdirSync(out, { recursive: true });
    const config = await loadConfig({ overrides: { password: p, 'artifact-name': p, 'work-dir': work } });
    const bundle = await collectDiagnostics({ workDir: work, outDir: out, config, secrets: [p] });
    expect(existsSync(bundle)).toBe(true);
    const listed = spawnSync('tar', ['-tzf', bundle], { encoding: 'utf8' });
    expect(listed.stdout).toContain('diagnostics/');
    expect(await canaries(scratch)).toEqual([]);
  });

  describe('passwords never reach a command line', () => {
    const saved = process.env.PATH;
    afterEach(() => {
      process.env.PATH = saved;
    });

    it.each(PAYLOADS)('%j is hashed by the real openssl', async (p) => {
      if (p.includes('\n')) {
        // Two lines would be two passwords to openssl and two lines in /etc/shadow; the
        // config rejects them (see the table above) and hashPassword refuses a second hash.
        await expect(hashPassword(p)).rejects.toThrow(/one SHA-512 crypt hash/);
        return;
      }
      const hash = await hashPassword(p);
      expect(hash).toMatch(/^\$6\$[^$]+\$[./A-Za-z0-9]+$/);
      const check = spawnSync('openssl', ['passwd', '-6', '-salt', hash.split('$')[2]!, '-stdin'], {
        input: `${p}\n`,
        encoding: 'utf8',
      });
      expect(check.stdout.trim()).toBe(hash);
      expect(await canaries()).toEqual([]);
    });

    it('openssl gets the password on stdin and never in argv', async () => {
      const fake = join(scratch, 'fake-bin');
      mkdirSync(fake, { recursive: true });
      writeFileSync(
        join(fake, 'openssl'),
        `#!/bin/sh\nprintf '%s\\n' "$@" > '${fake}/argv'\ncat > '${fake}/stdin'\necho '$6$fakesalt$fakehash'\n`,
      );
      chmodSync(join(fake, 'openssl'), 0o755);
      process.env.PATH = `${fake}:${saved}`;
      const secret = `S3cret ${RELATIVE[0]}`;
      expect(await hashPassword(secret)).toBe('$6$fakesalt$fakehash');
      const argv = readFileSync(join(fake, 'argv'), 'utf8');
      expect(argv).toBe('passwd\n-6\n-stdin\n');
      expect(argv).not.toContain('S3cret');
      expect(readFileSync(join(fake, 'stdin'), 'utf8')).toBe(`${secret}\n`);
    });
  });

  /** A root with only /bin/sh and its libraries: enough for chroot to run a script. */
  function miniRoot(): string {
    const root = mkdtempSync(join(scratch, 'root-'));
    const sh = realpathSync('/bin/sh');
    const libs = spawnSync('ldd', [sh], { encoding: 'utf8' })
      .stdout.split('\n')
      .map((l) => /(\/\S+) \(0x/.exec(l)?.[1])
      .filter((l): l is string => !!l);
    for (const f of [sh, ...libs]) {
      const dest = join(root, f === sh ? '/bin/sh' : f);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(realpathSync(f), dest);
      chmodSync(dest, 0o755);
    }
    mkdirSync(join(root, 'tmp'), { recursive: true });
    return root;
  }

  itNeeds(
    ['root', 'tool:chroot'],
    'customize scripts named by payloads run by name, in the chroot',
    async () => {
      const root = miniRoot();
      const log = join(scratch, 'customize.log');
      await runCustomizeScripts(root, scripts, log);
      for (const i of scripts.keys()) expect(readFileSync(join(root, `ran-${i}`), 'utf8')).toBe('ran\n');
      expect(await canaries(scratch, root)).toEqual([]);
    },
  );

  itNeeds(['root'], 'overlays named by payloads are copied by cp, whole', async () => {
    const root = mkdtempSync(join(scratch, 'overlay-root-'));
    for (const d of dirs) await applyOverlay(root, d, join(scratch, 'overlay.log'));
    for (const i of dirs.keys()) expect(existsSync(join(root, 'etc', `from-overlay-${i}`))).toBe(true);
    expect(await canaries(scratch, root)).toEqual([]);
  });
});

// --- static: no shell in src/ ---

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/**
 * Where a pattern below may appear, and why it is safe. Keyed "file: pattern name".
 * Nothing here runs a shell on a string built from input.
 */
const ALLOWED: Record<string, string> = {
  'runtime/exec.ts: child_process import':
    'the one exec wrapper: spawn(cmd, argv) without a shell; every command goes through it',
  'runtime/privilege.ts: child_process import': 'spawnSync("sudo", ["-n", "true"]): fixed argv, no shell',
  'rootfs/mmdebstrap.ts: shell script text':
    'DIVERT_INITRAMFS_HOOK and NO_HOST_KEYS_HOOK: constant hook scripts; their only argument is "$1", quoted, from mmdebstrap',
  'rootfs/system.ts: shell script text':
    'FIRSTBOOT_SCRIPT: a constant script run on the device at first boot; nothing is interpolated',
  'rootfs/chroot.ts: shell script text': 'policy-rc.d: the constant "exit 101"',
  'rootfs/native-tools.ts: shell script text':
    "NativeTools.HOOK: a constant extract and essential hook that waits for rpi-build's answer file (its stage from its own file name); nothing is interpolated",
  'rootfs/native-tools.ts: sh -c':
    "the proof that the host's shell runs in the root: a constant command line, nothing from input",
  'rootfs/mkinitramfs.ts: shell script text':
    'LINKS_HOOK: a constant initramfs hook; the link names it removes are read from a data file, line by line, quoted',
  'rootfs/suite-tools.ts: shell script text':
    "WRAPPER: constant text standing in for depmod, systemd-hwdb and perl; the loader, library path, program and perl's two options (paths rpi-build writes, no input) are read from data files",
  'boot/guest-tests.ts: shell script text':
    'RUNNER_SCRIPT: the boot test runner, constant text; the user, time budget and script names are read from data files, scripts run by index',
};

const PATTERNS: [string, RegExp][] = [
  ['shell option', /\bshell\s*:\s*(?!false\b)/],
  ['execSync', /\bexecSync\s*\(/],
  [
    'child_process import',
    /from\s+['"](?:node:)?child_process['"]|require\(\s*['"](?:node:)?child_process['"]\s*\)/,
  ],
  ['child_process exec', /import\s*\{[^}]*\bexec\b[^}]*\}\s*from\s+['"](?:node:)?child_process['"]/],
  ['sh -c', /['"`](?:\/(?:usr\/)?bin\/)?(?:ba|da|z)?sh['"`]\s*,\s*\[?\s*['"`]-l?c['"`]/],
  ['-c with a template string', /['"`]-l?c['"`]\s*,\s*`[^`]*\$\{/],
  ['sh -c in a string', /\b(?:ba|da|z)?sh\s+-l?c\b/],
  ['eval', /\beval\s*\(|\bnew\s+Function\s*\(/],
  ['shell script text', /['"`]#!\s*\/(?:usr\/)?bin\/(?:env\s+)?(?:ba|da)?sh/],
];

describe('no shell in src/', () => {
  const files = sources(join(ROOT, 'src'));
  const hits: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const rel = relative(join(ROOT, 'src'), f);
    for (const [name, re] of PATTERNS) if (re.test(text)) hits.push(`${rel}: ${name}`);
  }

  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(20);
  });
  it('uses shells and child_process only where the allowlist says why it is safe', () => {
    const unexplained = hits.filter((h) => !(h in ALLOWED));
    expect(unexplained).toEqual([]);
  });
  it('keeps no stale allowlist entries', () => {
    expect(Object.keys(ALLOWED).filter((a) => !hits.includes(a))).toEqual([]);
  });
  it('interpolates nothing into shell script text', () => {
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/`#!\s*\/(?:usr\/)?bin\/[^`]*`/g))
        expect(m[0], `${relative(ROOT, f)}: a \${…} in a shell script template`).not.toMatch(/\$\{/);
    }
  });
  it('passes the password to no command: only hashPassword reads it, through stdin', () => {
    const uses: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const line of text.split('\n'))
        if (/\.password\b/.test(line)) uses.push(`${relative(join(ROOT, 'src'), f)}: ${line.trim()}`);
    }
    for (const u of uses) {
      // pi-gen takes the password only in clear, in its config file (mode 0600, deleted after
      // the build; pigen.test.ts checks both): the one plain-text use, and it is not argv or env.
      if (u.startsWith('builders/pigen/config.ts: ') && !/exec\(|env:/.test(u)) continue;
      // Masking, redaction and the hash; never an argv array, an env or a file as plain text.
      expect(u).toMatch(
        /secret|secrets|hashPassword|config\.password\)? ?(&&|\?\?|!== undefined)|password \?\?|if \(config\.password/,
      );
      expect(u).not.toMatch(/exec\(|inChroot\(|env:/);
    }
    const user = readFileSync(join(ROOT, 'src', 'rootfs', 'user.ts'), 'utf8');
    expect(user).toContain("exec('openssl', ['passwd', '-6', '-stdin'], { input: `${password}\\n` })");
    expect(user).not.toMatch(/chpasswd|usermod[^\n]*-p|--password/);
  });
});
