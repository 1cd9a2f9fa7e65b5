// The host package table and the install step: a fresh machine has empty apt lists, so a
// look-up must update them first; setup-test-host.sh installs from the same table.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aptProgress, candidateVersion } from '../src/host/packages.js';
import { HOST_PACKAGES, PARTS, missingPackages, packagesOf } from '../src/host/requirements.js';
import { itNeeds } from './support/needs.js';
import { ROOT } from './support/runner.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('host package table', () => {
  it('has arch-test beside mmdebstrap (mmdebstrap refuses a foreign architecture without it)', () => {
    const image = HOST_PACKAGES.image.map((e) => e.pkg);
    expect(image).toContain('mmdebstrap');
    expect(image).toContain('arch-test');
  });

  it('is what setup-test-host.sh installs: every part, through the product itself', () => {
    const script = readFileSync(join(ROOT, 'scripts', 'setup-test-host.sh'), 'utf8');
    expect(script).toMatch(new RegExp(`host-packages --install ${PARTS.join(' ')}\\n`));
    expect(packagesOf([...PARTS])).toEqual(
      expect.arrayContaining(['mmdebstrap', 'arch-test', 'qemu-system-arm', 'linux-source', 'sudo']),
    );
  });

  it('counts a package missing when its tool is not on PATH, and skips what the build does not use', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const kernel = await missingPackages(['kernel'], {
        ccache: false,
        kernelPath: '/src',
        kernelDebs: false,
      });
      expect(kernel).toContain('flex');
      expect(kernel).not.toContain('ccache');
      expect(kernel).not.toContain('git');
    } finally {
      process.env.PATH = path;
    }
  });

  it("reads apt-get install's output into which package, how many of how many", () => {
    const p = aptProgress();
    expect(p('0 upgraded, 3 newly installed, 0 to remove and 0 not upgraded.')).toBeUndefined();
    expect(p('Get:1 http://deb.debian.org/debian bookworm/main amd64 arch-test all 0.20-1 [9,512 B]')).toBe(
      'downloading arch-test (1 of 3)',
    );
    expect(p('Unpacking arch-test (0.20-1) ...')).toBe('unpacking arch-test (1 of 3)');
    expect(p('Setting up arch-test (0.20-1) ...')).toBe('setting up arch-test (1 of 3)');
  });
});

describe('a fresh machine', () => {
  itNeeds(
    ['root', 'tool:apt-get'],
    'a look-up with empty package lists updates them first (it used to report the package missing)',
    async () => {
      // apt with lists and cache of its own: as empty as a new cloud or container image's
      // (a package that is not installed, so dpkg's status file cannot answer for the lists).
      const dir = mkdtempSync(join(tmpdir(), 'rpi-apt-'));
      dirs.push(dir);
      for (const d of ['lists/partial', 'cache/archives/partial'])
        mkdirSync(join(dir, d), { recursive: true });
      const conf = join(dir, 'apt.conf');
      writeFileSync(conf, `Dir::State::Lists "${dir}/lists";\nDir::Cache "${dir}/cache";\n`);
      const before = process.env.APT_CONFIG;
      process.env.APT_CONFIG = conf;
      try {
        expect(readdirSync(join(dir, 'lists')).filter((f) => f.includes('_Packages'))).toEqual([]);
        const version = await candidateVersion('hello');
        expect(version).toMatch(/^\d/);
        expect(readdirSync(join(dir, 'lists')).some((f) => f.includes('_Packages'))).toBe(true);
      } finally {
        if (before === undefined) delete process.env.APT_CONFIG;
        else process.env.APT_CONFIG = before;
      }
    },
    300_000,
  );
});
