// builder pi-gen: the config file pi-gen sources, the checks before a build, and whole
// builds through the builder function against a stand-in pi-gen tree
// (__tests__/fixtures/pi-gen-standin) that follows pi-gen's interface: real pi-gen needs
// Raspberry Pi's archives, which this machine cannot reach.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/config/defaults.js';
import { checkPiGen, keyboardOf } from '../src/config/pigen.js';
import { parseConfig, type BuildConfig } from '../src/config/schema.js';
import { piGenDirs } from '../src/builders/pigen/build.js';
import { runBuild } from '../src/pipeline.js';
import { noState } from '../src/runtime/state.js';
import { piGenVariables, renderConfig, shellQuote, writePiGenConfig } from '../src/builders/pigen/config.js';
import { parseDepends } from '../src/builders/pigen/depends.js';
import { defaultPiGenRef } from '../src/builders/pigen/fetch.js';
import { PiGenError, StageTracker } from '../src/builders/pigen/run.js';
import { isoWeek, stage0Keys } from '../src/builders/pigen/stage0-cache.js';
import { mountsBelow } from '../src/runtime/mounts.js';
import { newReport } from '../src/publish/report.js';
import { InputError } from '../src/runtime/errors.js';
import { setLogger, type Logger } from '../src/runtime/log.js';
import { itNeeds } from './support/needs.js';
import { makeRepository, startGitServer } from './support/git-server.js';

const STANDIN = resolve(__dirname, 'fixtures', 'pi-gen-standin');

// The variables pi-gen's README documents under "## Config", read from
// https://github.com/RPi-Distro/pi-gen/blob/314262cb286b8f33327a6f0cbabe14c625021ca0/README.md
// (branch master; the arm64 branch, ca8aeed0ae300c2a89f55ce9617d5f96a27e99e5, documents the same).
const PIGEN_README_VARIABLES = [
  'IMG_NAME',
  'PI_GEN_RELEASE',
  'RELEASE',
  'APT_PROXY',
  'TEMP_REPO',
  'BASE_DIR',
  'WORK_DIR',
  'DEPLOY_DIR',
  'DEPLOY_COMPRESSION',
  'DEPLOY_ZIP',
  'COMPRESSION_LEVEL',
  'USE_QEMU',
  'LOCALE_DEFAULT',
  'TARGET_HOSTNAME',
  'KEYBOARD_KEYMAP',
  'KEYBOARD_LAYOUT',
  'TIMEZONE_DEFAULT',
  'FIRST_USER_NAME',
  'FIRST_USER_PASS',
  'DISABLE_FIRST_BOOT_USER_RENAME',
  'PASSWORDLESS_SUDO',
  'WPA_COUNTRY',
  'ENABLE_SSH',
  'PUBKEY_SSH_FIRST_USER',
  'PUBKEY_ONLY_SSH',
  'SETFCAP',
  'STAGE_LIST',
  'EXPORT_CONFIG_DIR',
  'ENABLE_CLOUD_INIT',
];

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host';
const PATHS = { work: '/w/pi-gen-work', deploy: '/w/pi-gen-deploy', stages: ['/p/stage0', '/p/stage2'] };

const quiet: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  group: (_t, fn) => fn(),
  progress: () => undefined,
  secret: () => undefined,
};
setLogger(quiet);

function cfg(over: Record<string, unknown> = {}): BuildConfig {
  return parseConfig({ ...DEFAULTS, builder: 'pi-gen', arch: ['armhf'], ...over });
}

/** Sources the file with bash and prints the named variables, NUL-separated. */
function sourceWithBash(file: string, names: string[]): Record<string, string> {
  const out = execFileSync(
    'bash',
    ['-c', 'source "$1"; shift; for n in "$@"; do printf "%s\\0" "${!n}"; done', 'bash', file, ...names],
    { encoding: 'utf8' },
  );
  const values = out.split('\0');
  return Object.fromEntries(names.map((n, i) => [n, values[i]!]));
}

describe('pi-gen config file', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pigen-config-'));
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it("writes only variables pi-gen's README documents, with our values", () => {
    const vars = piGenVariables(
      cfg({ password: 'secret1', 'ssh-authorized-keys': [KEY], 'wifi-country': 'GB', keyboard: 'gb' }),
      PATHS,
    );
    for (const [name] of vars) expect(PIGEN_README_VARIABLES).toContain(name);
    expect(Object.fromEntries(vars)).toMatchObject({
      IMG_NAME: 'rpi-build',
      RELEASE: 'trixie',
      DEPLOY_COMPRESSION: 'xz',
      COMPRESSION_LEVEL: '0', // rpi-build's xz default, not pi-gen's 6
      LOCALE_DEFAULT: 'en_US.UTF-8',
      TIMEZONE_DEFAULT: 'Etc/UTC',
      KEYBOARD_KEYMAP: 'gb',
      KEYBOARD_LAYOUT: 'English (UK)',
      TARGET_HOSTNAME: 'raspberrypi',
      FIRST_USER_NAME: 'pi',
      FIRST_USER_PASS: 'secret1',
      DISABLE_FIRST_BOOT_USER_RENAME: '1',
      ENABLE_SSH: '1',
      PUBKEY_SSH_FIRST_USER: KEY,
      PUBKEY_ONLY_SSH: '1',
      WPA_COUNTRY: 'GB',
      STAGE_LIST: '/p/stage0 /p/stage2',
      WORK_DIR: '/w/pi-gen-work',
      DEPLOY_DIR: '/w/pi-gen-deploy',
    });
  });

  it('leaves unset what pi-gen tests for being set, and maps compression', () => {
    const vars = Object.fromEntries(piGenVariables(cfg({ compression: 'gzip' }), PATHS));
    expect(vars).not.toHaveProperty('FIRST_USER_PASS');
    expect(vars).not.toHaveProperty('WPA_COUNTRY'); // pi-gen checks it with [ -v WPA_COUNTRY ]
    expect(vars).not.toHaveProperty('PUBKEY_SSH_FIRST_USER');
    expect(vars.DISABLE_FIRST_BOOT_USER_RENAME).toBe('0'); // build.sh refuses 1 without a password
    expect(vars.DEPLOY_COMPRESSION).toBe('gz');
    expect(vars.COMPRESSION_LEVEL).toBe('6');
    const zstd = Object.fromEntries(
      piGenVariables(cfg({ compression: 'zstd', 'compression-level': 19 }), PATHS),
    );
    expect(zstd.DEPLOY_COMPRESSION).toBe('none');
    expect(zstd).not.toHaveProperty('COMPRESSION_LEVEL'); // rpi-build compresses zstd itself
    const xz9 = Object.fromEntries(piGenVariables(cfg({ compression: 'xz', 'compression-level': 9 }), PATHS));
    expect(xz9.COMPRESSION_LEVEL).toBe('9');
  });

  it('quotes every value so that sourcing it runs nothing', () => {
    const marker = join(tmp, 'owned');
    const evil = [`x'; touch ${marker}; '`, `$(touch ${marker})`, '`touch ' + marker + '`', "a\\'b\n'c"];
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    const file = join(tmp, 'evil');
    writeFileSync(file, renderConfig(evil.map((v, i) => [`V${i}`, v])));
    const got = sourceWithBash(
      file,
      evil.map((_, i) => `V${i}`),
    );
    expect(existsSync(marker)).toBe(false);
    expect(Object.values(got)).toEqual(evil);
  });

  it('a password with a quote reaches pi-gen intact, the file is private and removed after', async () => {
    const marker = join(tmp, 'owned-by-password');
    const password = `x'; touch ${marker}; '`;
    const file = join(tmp, 'config');
    const remove = await writePiGenConfig(file, cfg({ password }), PATHS);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(sourceWithBash(file, ['FIRST_USER_PASS', 'IMG_NAME'])).toEqual({
      FIRST_USER_PASS: password,
      IMG_NAME: 'rpi-build',
    });
    expect(existsSync(marker)).toBe(false);
    await remove();
    expect(existsSync(file)).toBe(false);
  });
});

describe('pi-gen inputs', () => {
  it('rejects what pi-gen cannot take, naming the input', async () => {
    const reject = async (over: Record<string, unknown>, input: string, text: RegExp): Promise<void> => {
      const err = await (async () => checkPiGen(cfg(over), {}))().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).input).toBe(input);
      expect((err as Error).message).toMatch(text);
    };
    await reject({ arch: ['armel'] }, 'arch', /armhf or arm64/);
    await reject({ password: 'pa$$word' }, 'password', /shell code/);
    await reject({ username: '_svc' }, 'username', /lowercase letter/);
    await reject({ keyboard: 'ch' }, 'keyboard', /keymap:layout/);
    await reject({ 'pi-gen-path': '/nonexistent' }, 'pi-gen-path', /no build\.sh/);
    await reject({ 'free-disk-space': true }, 'free-disk-space', /not a GitHub-hosted runner/);
    await expect(checkPiGen(cfg({ 'free-disk-space': true }), {})).rejects.toThrow(/Drop free-disk-space/);
    await expect(
      checkPiGen(cfg({ 'free-disk-space': true }), {
        RUNNER_ENVIRONMENT: 'github-hosted',
        ImageOS: 'ubuntu24',
      }),
    ).resolves.toBeUndefined();
    await expect(
      checkPiGen(cfg({ 'pi-gen-path': STANDIN, password: "it's fine" }), {}),
    ).resolves.toBeUndefined();
    expect(() => cfg({ 'wifi-country': 'gb' })).toThrow(/wifi-country.*ISO 3166/);
    expect(() => cfg({ stages: ['stage*'] })).toThrow(/stages.*stage folder name/);
    expect(keyboardOf('ch:German (Switzerland)')).toEqual({ keymap: 'ch', layout: 'German (Switzerland)' });
  });

  it("picks pi-gen's branch for the release and arch", () => {
    expect(defaultPiGenRef('trixie', 'arm64')).toBe('arm64');
    expect(defaultPiGenRef('trixie', 'armhf')).toBe('master');
    expect(defaultPiGenRef('bookworm', 'arm64')).toBe('bookworm-arm64');
    expect(defaultPiGenRef('bookworm', 'armhf')).toBe('bookworm');
  });

  it("reads pi-gen's depends format and its Begin/End lines", () => {
    expect(parseDepends('# c\nquilt\nqemu-arm:qemu-user-binfmt  # x\nmkdosfs:dosfstools\n')).toEqual([
      { tool: 'quilt', package: 'quilt' },
      { tool: 'qemu-arm', package: 'qemu-user-binfmt' },
      { tool: 'mkdosfs', package: 'dosfstools' },
    ]);
    const t = new StageTracker('/pg');
    for (const l of [
      '[10:00:00] Begin /pg',
      '[10:00:00] Begin /pg/stage0',
      '[10:00:01] Begin /pg/stage0/prerun.sh',
      '[10:00:02] End /pg/stage0/prerun.sh',
      '[10:00:02] End /pg/stage0',
      '[10:00:03] Begin /pg/stage1',
      '[10:00:03] Begin /pg/stage1/01-sys-tweaks',
      '[10:00:03] Begin /pg/stage1/01-sys-tweaks/00-run.sh',
      'Done!',
    ])
      t.feed(l);
    expect(t.failedAt()).toEqual({ stage: 'stage1', step: 'stage1/01-sys-tweaks/00-run.sh' });
  });
});

interface Setup {
  tree: string;
  work: string;
  out: string;
  cache: string;
}

describe('pi-gen stage0 cache keys', () => {
  it('names the ISO week (the Thursday decides the year)', () => {
    expect(isoWeek(new Date('2026-11-21T12:00:00Z'))).toBe('2026w47');
    expect(isoWeek(new Date('2021-01-01T00:00:00Z'))).toBe('2020w53');
    expect(isoWeek(new Date('2024-12-30T00:00:00Z'))).toBe('2025w01');
  });

  it("change with stage0's files, pi-gen's scripts, the locale and the arch, not with later stages", async () => {
    const tree = mkdtempSync(join(tmpdir(), 'pigen-keys-'));
    try {
      await cp(STANDIN, tree, { recursive: true });
      const day = new Date('2026-11-21T12:00:00Z');
      const conf = { suite: 'bookworm' as const, locale: 'en_GB.UTF-8' };
      const key = async (arch: 'armhf' | 'arm64' = 'armhf', c = conf) =>
        (await stage0Keys(join(tree, 'stage0'), tree, arch, c, day)).key;
      const base = await key();
      expect(base).toMatch(/^rpi-build-pigen-stage0-v1-armhf-bookworm-[0-9a-f]{16}-2026w47$/);
      expect(await key()).toBe(base);
      writeFileSync(join(tree, 'stage2', 'prerun.sh'), '#!/bin/bash\n'); // a later stage: same key
      expect(await key()).toBe(base);
      expect(await key('arm64')).not.toBe(base);
      expect(await key('armhf', { ...conf, locale: 'de_DE.UTF-8' })).not.toBe(base);
      writeFileSync(join(tree, 'stage0', '02-firmware', '01-packages'), 'raspi-firmware\n');
      const changed = await key();
      expect(changed).not.toBe(base);
      writeFileSync(join(tree, 'build.sh'), '#!/bin/bash\n');
      expect(await key()).not.toBe(changed);
      // Next week: a new key under the same restore prefix.
      const next = await stage0Keys(
        join(tree, 'stage0'),
        tree,
        'armhf',
        conf,
        new Date('2026-11-28T12:00:00Z'),
      );
      expect(next.key).toMatch(/-2026w48$/);
      expect((await stage0Keys(join(tree, 'stage0'), tree, 'armhf', conf, day)).restorePrefix).toBe(
        next.restorePrefix,
      );
    } finally {
      await rm(tree, { recursive: true, force: true });
    }
  });
});

describe('pi-gen builds (stand-in pi-gen)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'pigen-build-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  /** A copy of the stand-in (optionally with a failure mode) and fresh work/out folders. */
  async function setup(name: string, fail?: string): Promise<Setup> {
    const tree = join(root, name, 'pi-gen');
    await cp(STANDIN, tree, { recursive: true });
    if (fail) writeFileSync(join(tree, 'STANDIN_FAIL'), fail);
    const at = (d: string) => join(root, name, d);
    return { tree, work: at('work'), out: at('out'), cache: at('cache') };
  }

  async function build(
    s: Setup,
    over: Record<string, unknown> = {},
  ): Promise<{ outputs: Record<string, string | undefined>; report: ReturnType<typeof newReport> }> {
    const config = cfg({
      'pi-gen-path': s.tree,
      'work-dir': s.work,
      'out-dir': s.out,
      'cache-dir': s.cache,
      'image-name': 'test',
      ...over,
    });
    const report = newReport('image', ['armhf'], 'bookworm');
    const { outputs } = await runBuild(config, report, noState);
    return { outputs, report };
  }

  const images = (out: string): string[] =>
    existsSync(out) ? readdirSync(out).filter((f) => /\.(img|img\.xz|img\.gz|zip|zst)$/.test(f)) : [];

  itNeeds(
    ['root'],
    'builds an image: deployed files in out-dir, SHA256SUMS, outputs, no config left',
    async () => {
      const s = await setup('ok');
      const { outputs, report } = await build(s, { password: 'pw', 'wifi-country': 'DE' });
      const date = new Date().toISOString().slice(0, 10);
      const files = readdirSync(s.out).sort();
      expect(files).toEqual(
        [`${date}-test-lite.info`, 'SHA256SUMS', `image_${date}-test-lite.img.xz`].sort(),
      );
      expect(outputs['image-path']).toBe(join(s.out, `image_${date}-test-lite.img.xz`));
      const sums = readFileSync(join(s.out, 'SHA256SUMS'), 'utf8');
      expect(sums).toContain(`${outputs['image-sha256']}  image_${date}-test-lite.img.xz`);
      expect(outputs['image-size']).toBe(String(statSync(outputs['image-path']!).size));
      expect(outputs['package-count']).toBe('2');
      expect(outputs.account).toBe('password');
      expect(report.files).toHaveLength(3);
      expect(report.facts['pi-gen-stages']).toMatch(
        /^stage0 \d+ s, stage1 \d+ s, stage2 \d+ s, export-image \d+ s$/,
      );
      const dirs = piGenDirs(s.work);
      expect(existsSync(dirs.configFile)).toBe(false);
      // Its WORK_DIR is inside ours, so the post step cleans it; its Begin/End log is kept.
      expect(readFileSync(join(dirs.piGenWork, 'build.log'), 'utf8')).toMatch(/^\[\d\d:\d\d:\d\d\] Begin /);
      expect(readFileSync(join(dirs.logs, 'pi-gen.log'), 'utf8')).toContain('wifi country DE');
      expect(readFileSync(join(dirs.logs, 'pi-gen.log'), 'utf8')).not.toContain('pw\n');
      // qemu-arm (from pi-gen's depends) was satisfied by a shim to qemu-arm-static, not a package.
      if (
        !spawnSync('sh', ['-c', 'command -v qemu-arm']).stdout.length &&
        existsSync('/usr/bin/qemu-arm-static')
      )
        expect(existsSync(join(dirs.bin, 'qemu-arm'))).toBe(true);
    },
    60_000,
  );

  itNeeds(
    ['root', 'tool:git'],
    "pi-gen-repository: a shallow clone over git:// of pi-gen's branch for the release (git daemon here), its commit in the summary; a missing branch is refused naming pi-gen-ref",
    async () => {
      const s = await setup('clone');
      const top = join(root, 'git');
      const server = await startGitServer(top);
      try {
        // bookworm armhf: pi-gen's branch "bookworm" (defaultPiGenRef).
        const commit = makeRepository(top, 'pi-gen', s.tree, { branch: 'bookworm' });
        const repo = server.url('pi-gen');
        const config = (over: Record<string, unknown> = {}) =>
          cfg({
            suite: 'bookworm',
            'pi-gen-repository': repo,
            'work-dir': s.work,
            'out-dir': s.out,
            'cache-dir': s.cache,
            'image-name': 'test',
            ...over,
          });
        const report = newReport('image', ['armhf'], 'bookworm');
        await runBuild(config(), report, noState);
        expect(report.facts['pi-gen']).toBe(`${repo} at bookworm ${commit}`);
        const tree = piGenDirs(s.work).tree;
        expect(
          execFileSync('git', ['-C', tree, 'rev-parse', '--is-shallow-repository'], { encoding: 'utf8' }),
        ).toBe('true\n');
        expect(execFileSync('git', ['-C', tree, 'rev-list', '--count', 'HEAD'], { encoding: 'utf8' })).toBe(
          '1\n',
        );
        expect(server.log()).toMatch(/Request upload-pack for '\/pi-gen\.git'/);
        expect(images(s.out)).toHaveLength(1);

        const err = await runBuild(
          config({ 'pi-gen-ref': 'no-such-branch', 'out-dir': join(root, 'clone', 'out2') }),
          newReport('image', ['armhf'], 'bookworm'),
          noState,
        ).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InputError);
        expect((err as InputError).input).toBe('pi-gen-ref');
        // git's own reason, not "already exists" (the work folder starts empty on each run).
        expect((err as Error).message).toMatch(
          /could not clone .*pi-gen\.git at no-such-branch: .*Remote branch no-such-branch not found/,
        );
        expect(images(join(root, 'clone', 'out2'))).toEqual([]);
      } finally {
        await server.stop();
      }
    },
    120_000,
  );

  itNeeds(
    ['root'],
    'zstd: pi-gen deploys the bare image, rpi-build compresses it',
    async () => {
      const s = await setup('zstd');
      const { outputs } = await build(s, {
        compression: 'zstd',
        stages: ['stage0', 'stage1', 'stage2', 'stage3'],
      });
      expect(outputs['image-path']).toMatch(/-test-lite\.img\.zst$/);
      expect(images(s.out)).toHaveLength(1);
    },
    60_000,
  );

  const failures: [string, string | undefined, string | undefined, string | undefined, RegExp][] = [
    // mode, failing stage, failing step, cause, message
    [
      'done',
      'stage2',
      'stage2/01-sys-tweaks/01-run.sh',
      undefined,
      /exit status 100\) in stage2 at stage2\/01-sys-tweaks\/01-run\.sh/,
    ],
    ['exec-format', 'stage0', 'stage0/02-firmware/02-run.sh', 'exec-format', /Exec format error.*emulation/s],
    ['debootstrap', 'stage0', 'stage0/prerun.sh', 'debootstrap', /debootstrap did not finish/],
    ['no-export', undefined, undefined, undefined, /exited 0 but deployed no image/],
  ];
  for (const [mode, stage, step, cause, message] of failures) {
    itNeeds(
      ['root'],
      `failure "${mode}" is reported with its stage and cause, and nothing lands in out-dir`,
      async () => {
        const s = await setup(`fail-${mode}`, mode);
        const err = await build(s).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(PiGenError);
        const e = err as PiGenError;
        expect(e.stage).toBe(stage);
        expect(e.step).toBe(step);
        if (cause) expect(e.causes.map((c) => c.id)).toContain(cause);
        expect(e.message).toMatch(message);
        // "Done!" was among its last lines (stdout and stderr arrive in either order); the build failed anyway.
        expect(e.tail.slice(-3)).toContainEqual(expect.stringMatching(/^Done!/));
        expect(e.message).toMatch(/Last \d+ lines of its output/);
        expect(images(s.out)).toEqual([]);
        expect(existsSync(piGenDirs(s.work).configFile)).toBe(false);
      },
      60_000,
    );
  }

  itNeeds(
    ['root'],
    'a build after a failed one starts clean (debootstrap leftover and a bind mount removed)',
    async () => {
      const s = await setup('again', 'debootstrap');
      await expect(build(s)).rejects.toThrow(/debootstrap did not finish/);
      const dirs = piGenDirs(s.work);
      const leftover = join(dirs.piGenWork, 'stage0', 'rootfs', 'debootstrap');
      expect(existsSync(leftover)).toBe(true);
      // What a killed build leaves: a bind mount inside the stage's rootfs.
      const proc = join(dirs.piGenWork, 'stage0', 'rootfs', 'proc');
      mkdirSync(proc, { recursive: true });
      const source = mkdtempSync(join(tmpdir(), 'pigen-bind-'));
      execFileSync('mount', ['--bind', source, proc]);
      try {
        expect(await mountsBelow(s.work)).toEqual([proc]);
        await rm(join(s.tree, 'STANDIN_FAIL'));
        const { outputs, report } = await build(s);
        expect(outputs['image-path']).toBeDefined();
        expect(report.facts['pi-gen-cleaned']).toBe(leftover);
        expect(await mountsBelow(s.work)).toEqual([]);
        expect(existsSync(leftover)).toBe(false);
      } finally {
        spawnSync('umount', [proc]);
        await rm(source, { recursive: true, force: true });
      }
    },
    60_000,
  );

  const cacheEntries = (dir: string) =>
    existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('rpi-build-pigen-stage0-')) : [];

  itNeeds(
    ['root'],
    "stage0's root is cached: the next build skips debootstrap, still runs stage0's steps over the restored root",
    async () => {
      const s = await setup('cached');
      const cold = await build(s, { password: 'pw-not-cached' });
      const dirs = piGenDirs(s.work);
      const stage0Root = join(dirs.piGenWork, 'stage0', 'rootfs');
      const stamp = readFileSync(join(stage0Root, 'etc', 'bootstrap-stamp'), 'utf8');
      expect(readFileSync(join(dirs.logs, 'pi-gen.log'), 'utf8')).toContain('(stand-in) debootstrap');
      expect(cold.report.caches).toEqual([
        expect.objectContaining({ name: 'pi-gen-stage0', status: 'miss' }),
      ]);
      expect(cold.outputs['cache-hit']).toBe('false');
      const entries = cacheEntries(s.cache);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toContain(cold.report.caches[0]!.key!.replace(/[^A-Za-z0-9._-]/g, '_'));
      // Only stage0 is cached: nothing of stage1 (the first user) and no password in it.
      const listing = execFileSync(
        'tar',
        ['-tf', join(s.cache, entries[0]!), '--use-compress-program=zstd -d'],
        {
          encoding: 'utf8',
        },
      );
      expect(listing).toContain('./etc/bootstrap-stamp');
      expect(listing).not.toContain('first-user');
      expect(
        execFileSync(
          'sh',
          ['-c', 'zstd -dc "$1" | grep -c pw-not-cached || true', 'sh', join(s.cache, entries[0]!)],
          {
            encoding: 'utf8',
          },
        ).trim(),
      ).toBe('0');

      const warm = await build(s);
      expect(warm.report.caches).toEqual([expect.objectContaining({ name: 'pi-gen-stage0', status: 'hit' })]);
      expect(warm.outputs['cache-hit']).toBe('true');
      const log = readFileSync(join(dirs.logs, 'pi-gen.log'), 'utf8');
      expect(log).not.toContain('(stand-in) debootstrap');
      expect(readFileSync(join(stage0Root, 'etc', 'bootstrap-stamp'), 'utf8')).toBe(stamp);
      // stage0's steps ran again over the restored root (pi-gen's apt update/dist-upgrade step).
      expect(
        readFileSync(join(stage0Root, 'etc', 'stage0-runs'), 'utf8')
          .trim()
          .split('\n'),
      ).toHaveLength(2);
      expect(warm.outputs['image-path']).toBeDefined();
      expect(cacheEntries(s.cache)).toEqual(entries); // an exact hit is not saved again
    },
    60_000,
  );

  itNeeds(
    ['root'],
    'a failed pi-gen build saves no stage0 cache; cache false and cache-read-only save nothing either',
    async () => {
      const s = await setup('cache-fail', 'done'); // stage0 succeeds, stage2 fails
      await expect(build(s)).rejects.toThrow(PiGenError);
      expect(
        existsSync(join(piGenDirs(s.work).piGenWork, 'stage0', 'rootfs', 'etc', 'bootstrap-stamp')),
      ).toBe(true);
      expect(cacheEntries(s.cache)).toEqual([]);
      await rm(join(s.tree, 'STANDIN_FAIL'));
      const off = await build(s, { cache: false });
      expect(off.report.caches).toEqual([]);
      expect(cacheEntries(s.cache)).toEqual([]);
      const ro = await build(s, { 'cache-read-only': true });
      expect(ro.report.caches).toEqual([expect.objectContaining({ status: 'miss' })]);
      expect(cacheEntries(s.cache)).toEqual([]);
    },
    60_000,
  );
});
