// Secrets (issue 15, item 4): the password and the credentials in URL options reach no log
// line, job summary, diagnostics file, command line (ps) or image byte. The derivation and the
// ways in (RPI_BUILD_PASSWORD, password-file) are unit-tested; git, the archive reads and
// downloads are driven through stand-ins; a real action run against a mirror that wants a
// login goes as far as mmdebstrap's first .deb (which that mirror refuses) and is searched
// everywhere for the token.
delete process.env.GITHUB_ACTIONS; // the terminal logger, whose masking is under test here
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { archiveState } from '../src/cache/rootfs-cache.js';
import { parseCli } from '../src/cli-args.js';
import { loadConfig } from '../src/config/load.js';
import { configSecrets } from '../src/config/secrets.js';
import { fetchPiGen } from '../src/builders/pigen/fetch.js';
import { prepareSource } from '../src/kernel/source.js';
import { logger } from '../src/runtime/log.js';
import { knownSecrets, splitUrlCredentials, urlSecrets } from '../src/runtime/redact.js';
import { cacheFromUrl, useToolCacheDir } from '../src/tools/tool-cache.js';
import { startAuthMirror } from './support/auth-mirror.js';
import { itNeeds } from './support/needs.js';
import { fileScratch } from './support/scratch.js';
import { Runner, parseCommandFile } from './support/runner.js';

// Left in place if a failed test left anything mounted below it.
const scratch = fileScratch()('secrets');

const TOKEN = 's3cretTok3n';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Every line the process writes to stdout and stderr while fn runs. */
async function captured(fn: () => unknown): Promise<string> {
  let out = '';
  const keep = (chunk: unknown): boolean => {
    out += String(chunk);
    return true;
  };
  const a = vi.spyOn(process.stderr, 'write').mockImplementation(keep as typeof process.stderr.write);
  const b = vi.spyOn(process.stdout, 'write').mockImplementation(keep as typeof process.stdout.write);
  try {
    await fn();
  } finally {
    a.mockRestore();
    b.mockRestore();
  }
  return out;
}

describe('the secret list', () => {
  it('splits credentials off http(s) URLs only', () => {
    expect(splitUrlCredentials('https://ci:t%40ken@h.example:8443/debian')).toEqual({
      url: 'https://h.example:8443/debian',
      username: 'ci',
      password: 't@ken',
    });
    expect(splitUrlCredentials('ssh://git@github.com/o/r').url).toBe('ssh://git@github.com/o/r');
    expect(urlSecrets('ssh://git@github.com/o/r')).toEqual([]); // a login name, not a secret
    expect(urlSecrets('ftp://ci:ftp-Pa55@m.example/debian')).toEqual(['ci:ftp-Pa55', 'ftp-Pa55']);
    expect(urlSecrets('http://deb.debian.org/debian')).toEqual([]);
    // A token given as the user is the secret; next to a password, the user is not.
    expect(urlSecrets('https://ghp_tok3n@github.com/o/r')).toEqual(['ghp_tok3n', b64('ghp_tok3n:')]);
    expect(urlSecrets('https://ci:t%40ken@h.example/debian')).toEqual([
      'ci:t%40ken',
      't%40ken',
      't@ken',
      b64('ci:t@ken'),
    ]);
  });

  it('derives it from a config: the password and every URL option', async () => {
    const config = await loadConfig({
      overrides: {
        password: 'pw-S3cret',
        mirror: `http://ci:${TOKEN}@127.0.0.1:9/debian`,
        'security-mirror': 'https://x-access-token:sec-T0ken@sec.example/debian-security',
        'pi-gen-repository': 'https://pigen-T0ken@github.com/o/pi-gen',
        'kernel-source': 'ssh://git@github.com/raspberrypi/linux',
        toolchain: 'https://u:tc-T0ken@dl.example/gcc.tar.xz',
      },
    });
    const secrets = configSecrets(config);
    for (const s of [
      'pw-S3cret',
      TOKEN,
      `ci:${TOKEN}`,
      'sec-T0ken',
      'pigen-T0ken',
      'tc-T0ken',
      b64(`ci:${TOKEN}`),
    ])
      expect(secrets).toContain(s);
    for (const s of ['ci', 'git', 'x-access-token', 'u']) expect(secrets).not.toContain(s);
    // Registered as soon as the config was read: the logger masks them, and so does the CLI's last line.
    expect(knownSecrets()).toEqual(expect.arrayContaining(secrets));
    const out = await captured(() => logger().info(`mirror http://ci:${TOKEN}@127.0.0.1:9/debian pw-S3cret`));
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain('pw-S3cret');
    expect(out).toContain('http://***@127.0.0.1:9/debian ***');
  });

  it('a credentialed URL that fails validation is shown without its credentials', async () => {
    const err = await loadConfig({ overrides: { mirror: `ftp://ci:${TOKEN}@m.example/debian` } }).catch(
      (e: unknown) => e as Error,
    );
    expect(String(err)).toMatch(/mirror: "ftp:\/\/m\.example\/debian" must be/);
  });
});

describe('the password from the environment or a file (not a flag ps shows)', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('RPI_BUILD_PASSWORD is the password unless a flag gives one; it is masked', async () => {
    const cli = parseCli(['image'], { RPI_BUILD_PASSWORD: 'env-Pa55word' });
    expect(cli.overrides.password).toBe('env-Pa55word');
    expect(parseCli(['image', '--password', 'flag-pw'], { RPI_BUILD_PASSWORD: 'x' }).overrides.password).toBe(
      'flag-pw',
    );
    const config = await loadConfig({ overrides: cli.overrides });
    expect(config.password).toBe('env-Pa55word');
    expect(await captured(() => logger().warn('typed env-Pa55word by mistake'))).toContain('typed *** by');
  });

  it('--password-file reads the first line; the path is not kept; the value is masked', async () => {
    const file = join(scratch, 'pw');
    writeFileSync(file, 'file-Pa55word\nnot this\n', { mode: 0o600 });
    const cli = parseCli(['image', '--password-file', file], { RPI_BUILD_PASSWORD: 'ignored-env' });
    expect(cli.overrides.password).toBeUndefined();
    const config = await loadConfig({ overrides: cli.overrides });
    expect(config.password).toBe('file-Pa55word');
    expect(config.passwordFile).toBeUndefined();
    expect(knownSecrets()).toContain('file-Pa55word');
    expect(await captured(() => logger().info('file-Pa55word'))).toBe('***\n');
  });
});

describe('credentials never reach a command line', () => {
  /** A fake git on PATH that records its argv and the GIT_CONFIG_* environment, then fails. */
  function fakeGit(): { record: string; restore: () => void } {
    const bin = mkdtempSync(join(scratch, 'bin-'));
    const record = join(bin, 'record');
    writeFileSync(
      join(bin, 'git'),
      '#!/bin/sh\nfor a in "$@"; do echo "arg $a"; done >> "$GIT_RECORD"\n' +
        'env | grep ^GIT_CONFIG_ >> "$GIT_RECORD"\necho "fatal: repository not found" >&2\nexit 128\n',
    );
    chmodSync(join(bin, 'git'), 0o755);
    const saved = { PATH: process.env.PATH, GIT_RECORD: process.env.GIT_RECORD };
    process.env.PATH = `${bin}:${process.env.PATH}`;
    process.env.GIT_RECORD = record;
    return {
      record,
      restore: () => {
        process.env.PATH = saved.PATH;
        if (saved.GIT_RECORD === undefined) delete process.env.GIT_RECORD;
        else process.env.GIT_RECORD = saved.GIT_RECORD;
      },
    };
  }

  it.each([
    ['pi-gen-repository', 'https://ci:TOKEN@git.example/o/pi-gen'],
    ['kernel-source', 'https://ci:TOKEN@git.example/o/linux'],
  ])(
    '%s: git gets the URL without them and the login as an extra header in its environment',
    async (key, raw) => {
      const url = raw.replace('TOKEN', TOKEN);
      const git = fakeGit();
      const log = join(scratch, `${key}.log`);
      try {
        const config = await loadConfig({
          overrides: {
            [key]: url,
            ...(key === 'kernel-source' ? { target: 'kernel' } : { builder: 'pi-gen' }),
          },
        });
        const err =
          key === 'kernel-source'
            ? await prepareSource(config, 'arm64', join(scratch, 'k'), log).catch((e: unknown) => e)
            : await fetchPiGen(config, join(scratch, 'p'), log).catch((e: unknown) => e);
        expect(String(err)).not.toContain(TOKEN);
      } finally {
        git.restore();
      }
      const record = readFileSync(git.record, 'utf8');
      const plain = url.replace(`ci:${TOKEN}@`, '');
      expect(record).toContain(`arg ${plain}\n`);
      expect(
        record
          .split('\n')
          .filter((l) => l.startsWith('arg '))
          .join('\n'),
      ).not.toContain(TOKEN);
      expect(record).toContain(`GIT_CONFIG_KEY_0=http.${plain}.extraHeader`);
      expect(record).toContain(`GIT_CONFIG_VALUE_0=Authorization: Basic ${b64(`ci:${TOKEN}`)}`);
      expect(readFileSync(log, 'utf8')).not.toContain(TOKEN);
    },
  );
});

describe('HTTP reads send the login in a header', () => {
  /** A server that wants Basic ci:TOKEN and records what it was asked. */
  async function server(body: (path: string) => Buffer | string | undefined) {
    const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
    const s = createServer((req, res) => {
      seen.push({ path: req.url ?? '', headers: req.headers });
      if (req.headers.authorization !== `Basic ${b64(`ci:${TOKEN}`)}`) return void res.writeHead(401).end();
      const b = body(req.url ?? '');
      if (b === undefined) return void res.writeHead(500).end('broken');
      res.end(b);
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    return { seen, url: `http://ci:${TOKEN}@127.0.0.1:${port}`, close: () => s.close() };
  }

  it("the archive's InRelease (and a failing archive's error names it without the login)", async () => {
    const srv = await server((p) => (p === '/debian/dists/bookworm/InRelease' ? 'Date: x\n' : undefined));
    try {
      expect(await archiveState(`${srv.url}/debian`, 'bookworm')).toMatch(/^[0-9a-f]{16}$/);
      expect(srv.seen[0]!.path).toBe('/debian/dists/bookworm/InRelease');
      const out = await captured(async () => {
        const err = (await archiveState(`${srv.url}/debian`, 'trixie', 1).catch((e: unknown) => e)) as Error;
        expect(err.message).toMatch(/The Debian mirror http:\/\/127\.0\.0\.1:\d+\/debian cannot be reached/);
        expect(err.message).not.toContain(TOKEN);
      });
      expect(out).not.toContain(TOKEN);
    } finally {
      srv.close();
    }
  });

  it('a toolchain tarball', async () => {
    const src = join(scratch, 'tc-src');
    mkdirSync(join(src, 'gcc', 'bin'), { recursive: true });
    writeFileSync(join(src, 'gcc', 'bin', 'aarch64-none-linux-gnu-gcc'), '#!/bin/sh\n');
    const tarball = join(scratch, 'gcc.tar.gz');
    execFileSync('tar', ['-czf', tarball, '-C', src, 'gcc']);
    const srv = await server((p) => (p === '/gcc.tar.gz' ? readFileSync(tarball) : undefined));
    const env: NodeJS.ProcessEnv = {};
    useToolCacheDir(join(scratch, 'tool-cache'), env);
    vi.stubEnv('RUNNER_TOOL_CACHE', env.RUNNER_TOOL_CACHE);
    try {
      const tool = await cacheFromUrl('cross-gcc-url-test', `${srv.url}/gcc.tar.gz`, join(scratch, 'tc'));
      expect(existsSync(join(tool.dir, 'bin', 'aarch64-none-linux-gnu-gcc'))).toBe(true);
      expect(srv.seen.map((s) => s.path)).toEqual(['/gcc.tar.gz']);
    } finally {
      srv.close();
      vi.unstubAllEnvs();
    }
  });
});

/** Every process's command line, read now. */
function allCommandLines(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Files under dir whose bytes contain any of the needles. */
function filesContaining(dir: string, needles: string[]): string[] {
  if (!existsSync(dir)) return [];
  const r = execFileSync('grep', ['-rlaF', ...needles.flatMap((n) => ['-e', n]), dir, '--no-messages'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
  return r ? r.split('\n') : [];
}
const grepFiles = (dir: string, needles: string[]): string[] => {
  try {
    return filesContaining(dir, needles);
  } catch {
    return []; // grep exits 1 when nothing matched
  }
};

describe('a real build against a mirror that wants a login', () => {
  itNeeds(
    ['root', 'tool:mmdebstrap', 'tool:qemu-aarch64-static'],
    'the token is in no log line, summary, diagnostics file (main and post), command line or file the build left',
    async () => {
      const mirror = await startAuthMirror({ user: 'ci', token: TOKEN, refuseDebs: true });
      const runner = new Runner(join(scratch, 'runner'));
      const password = 'Pa55-from-a-file';
      writeFileSync(join(runner.workspace, 'password'), `${password}\n`);
      const inputs = {
        mirror: `${mirror.url}/debian`,
        'security-mirror': `${mirror.url}/debian-security`,
        'password-file': join(runner.workspace, 'password'),
        'boot-test': 'false',
        cache: 'false',
      };
      const needles = [TOKEN, b64(`ci:${TOKEN}`), password];
      try {
        const running = runner.startMain({ inputs, timeoutMs: 15 * 60_000 });
        const leaks = new Set<string>();
        let mmdebstrap = '';
        const sampler = setInterval(() => {
          for (const line of allCommandLines()) {
            if (needles.some((n) => line.includes(n))) leaks.add(line);
            // This build's mmdebstrap (other test files may run one of their own meanwhile).
            if (line.includes('mmdebstrap --mode=root') && line.includes(mirror.plainUrl)) mmdebstrap = line;
          }
        }, 50);
        const main = await running.done.finally(() => clearInterval(sampler));
        expect([...leaks], 'a command line held a secret').toEqual([]);
        // The sampler did see mmdebstrap, with the archives' URLs (without credentials) as its mirrors.
        expect(mmdebstrap).toContain(`deb ${mirror.plainUrl}/debian trixie main non-free-firmware`);
        expect(mmdebstrap).toContain(`deb ${mirror.plainUrl}/debian-security trixie-security main`);
        expect(main.exitCode, main.stdout.slice(-3000)).toBe(1);

        // It got as far as apt inside mmdebstrap, which logged in to all three archives.
        const apt = mirror.requests.filter((r) => /Debian APT/.test(r.agent));
        for (const p of [
          '/debian/dists/trixie/InRelease',
          '/debian/dists/trixie-updates/InRelease',
          '/debian-security/dists/trixie-security/InRelease',
        ])
          expect(
            apt.some((r) => r.path === p && r.authorized),
            `apt read ${p} with the login`,
          ).toBe(true);
        expect(apt.some((r) => r.path.endsWith('.deb'))).toBe(true);
        // Every request carried the login: nothing tried without it first.
        expect(mirror.requests.filter((r) => !r.authorized)).toEqual([]);
        expect(main.stdout).toMatch(/::error::The Debian mirror http:\/\/127\.0\.0\.1:\d+\/debian broke off/);

        // The log: the runner hides what add-mask names; nothing else carries a secret.
        for (const n of [TOKEN, password]) expect(main.stdout).toContain(`::add-mask::${n}`);
        const lines = `${main.stdout}\n${main.stderr}`.split('\n');
        expect(
          lines.filter((l) => needles.some((n) => l.includes(n)) && !l.startsWith('::add-mask::')),
        ).toEqual([]);
        expect(main.summary).toContain('❌ failed');
        for (const n of needles) expect(main.summary).not.toContain(n);

        // The work folder: logs clean, the login file gone, the root's sources without it.
        const work = JSON.parse(main.state.workDir!) as string;
        expect(grepFiles(work, needles)).toEqual([]);
        expect(existsSync(join(work, 'hooks', 'apt-auth.conf'))).toBe(false);
        const sources = readFileSync(join(work, 'rootfs', 'etc', 'apt', 'sources.list'), 'utf8');
        expect(sources).toContain(`deb ${mirror.plainUrl}/debian-security trixie-security main`);

        // main's diagnostics bundle.
        const bundle = JSON.parse(main.state.diagnosticsBundle!) as string;
        const mainDiag = join(scratch, 'diag-main');
        mkdirSync(mainDiag);
        execFileSync('tar', ['-xzf', bundle, '-C', mainDiag]);
        expect(readdirSync(join(mainDiag, 'diagnostics', 'logs'))).toContain('rootfs.log');
        expect(grepFiles(mainDiag, needles)).toEqual([]);

        // A main that was cancelled leaves no bundle; post makes one with the same secret list,
        // read again from the inputs. A tool that printed the secrets into a log is the test.
        const state = parseCommandFile(readFileSync(runner.files.state, 'utf8'));
        delete state.diagnosticsBundle;
        writeFileSync(
          runner.files.state,
          Object.entries(state)
            .map(([k, v]) => `${k}<<EOF\n${v}\nEOF\n`)
            .join(''),
        );
        writeFileSync(join(work, 'logs', 'leaky-tool.log'), `login ${inputs.mirror} password ${password}\n`);
        const post = await runner.post({ inputs });
        expect(post.exitCode).toBe(0);
        expect(post.stdout).toMatch(/diagnostics bundle at /);
        const postDiag = join(scratch, 'diag-post');
        mkdirSync(postDiag);
        execFileSync('tar', ['-xzf', bundle, '-C', postDiag]);
        expect(readFileSync(join(postDiag, 'diagnostics', 'logs', 'leaky-tool.log'), 'utf8')).toMatch(
          /^login http:\/\/\*\*\*@127\.0\.0\.1:\d+\/debian password \*\*\*\n$/,
        );
        expect(grepFiles(postDiag, needles)).toEqual([]);
        for (const n of needles) expect(post.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(n);
      } finally {
        await mirror.close();
      }
    },
    15 * 60_000,
  );
});
