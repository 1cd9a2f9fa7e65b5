// rpi-build as GitHub-hosted runners run it: an ordinary user with passwordless sudo.
// The build hands itself to `sudo node cli.js build`; a user with neither gets a clear error.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { fileScratch } from './support/scratch.js';
import { createHostedUser, removeHostedUser } from './support/hosted-user.js';
import { missing, itNeeds } from './support/needs.js';
import { ROOT, Runner } from './support/runner.js';

const scratchDir = fileScratch();

const CLI = join(ROOT, 'dist', 'cli.js');
const SUDO_USER = 'rpibuild-runner';
const PLAIN_USER = 'rpibuild-nosudo';
const NEEDS = ['root', 'tool:sudo', 'tool:runuser', 'tool:useradd'] as const;

function asUser(user: string, cwd: string, ...args: string[]) {
  return spawnSync('runuser', ['-u', user, '--', process.execPath, CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, GITHUB_ACTIONS: '', HOME: `/home/${user}` },
  });
}

describe('as an ordinary user', () => {
  beforeAll(() => {
    if (missing([...NEEDS])) return;
    createHostedUser(SUDO_USER);
    createHostedUser(PLAIN_USER, { sudo: false });
  });
  // The users and the sudo rule must not outlive the file (they did: a passwordless-sudo account left behind).
  afterAll(() => {
    if (missing([...NEEDS])) return;
    removeHostedUser(SUDO_USER);
    removeHostedUser(PLAIN_USER);
  });
  const scratch = () => {
    const d = scratchDir('user');
    chmodSync(d, 0o777);
    return d;
  };

  itNeeds([...NEEDS], 'doctor sees sudo and no root', () => {
    const r = asUser(SUDO_USER, scratch(), 'doctor', '--json', '--target', 'qemu');
    expect(JSON.parse(r.stdout).host.privileges).toEqual({ root: false, sudo: true });
  });

  itNeeds(
    [...NEEDS],
    'an image build runs its privileged part through sudo (and reports the root step failing)',
    () => {
      const cwd = scratch();
      const r = asUser(
        SUDO_USER,
        cwd,
        'image',
        '--out',
        'out',
        '--mirror',
        'file:///nonexistent/debian',
        '--boot-test',
        'false',
      );
      expect(r.status).toBe(1);
      // The root child reached the root filesystem phase (the parent never does) and made the
      // work folder as root; the fake mirror then stops it with a clear error.
      expect(r.stderr).toContain('==> Root filesystem');
      expect(r.stderr).toMatch(
        /file:\/\/\/nonexistent\/debian\/dists\/trixie\/ has no InRelease or Release file/,
      );
      // Made as root by the sudo child, then handed back to the user who ran the build.
      expect(statSync(join(cwd, '.work')).uid).toBe(
        Number(execFileSync('id', ['-u', SUDO_USER], { encoding: 'utf8' }).trim()),
      );
      expect(existsSync(join(cwd, 'out'))).toBe(false);
    },
  );

  itNeeds(
    [...NEEDS],
    'the action as a user without sudo fails with one clear error before any work',
    async () => {
      const id = (flag: string) =>
        Number(execFileSync('id', [flag, PLAIN_USER], { encoding: 'utf8' }).trim());
      const user = { name: PLAIN_USER, uid: id('-u'), gid: id('-g'), home: `/home/${PLAIN_USER}` };
      const runner = new Runner(undefined, user);
      const main = await runner.main({ inputs: { 'boot-test': 'false' } });
      expect(main.exitCode).toBe(1);
      const errors = main.stdout.split('\n').filter((l) => l.startsWith('::error::'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /building an image needs root\. Run rpi-build as root, or as a user with passwordless sudo/,
      );
      expect(main.stdout).not.toContain('::group::'); // no doctor, no emulation, no build
      const post = await runner.post();
      expect(post.exitCode).toBe(0);
      expect(post.stdout).not.toContain('::warning::');
    },
  );

  itNeeds([...NEEDS], 'without root or sudo, the build stops at once and says what it needs', () => {
    const r = asUser(PLAIN_USER, scratch(), 'image', '--out', 'out');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /building an image needs root\. Run rpi-build as root, or as a user with passwordless sudo/,
    );
  });
});
