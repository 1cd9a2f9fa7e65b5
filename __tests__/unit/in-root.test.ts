// Paths inside a root rpi-build did not build: links are followed as the root would follow
// them, so an absolute link (/home -> /data/home) never leads a write out to the host.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inRoot, writeRootFile } from '../../src/rootfs/write.js';

const made: string[] = [];
const tree = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'rpi-inroot-'));
  made.push(d);
  return d;
};
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('inRoot', () => {
  it('takes an absolute link inside the root, not on the host', async () => {
    const root = tree();
    mkdirSync(join(root, 'data', 'home', 'pi'), { recursive: true });
    symlinkSync('/data/home', join(root, 'home'));
    expect(await inRoot(root, '/home/pi/.ssh')).toBe(join(root, 'data', 'home', 'pi', '.ssh'));
  });

  it('follows relative links (merged /usr) and stops ".." at the root', async () => {
    const root = tree();
    mkdirSync(join(root, 'usr', 'bin'), { recursive: true });
    symlinkSync('usr/bin', join(root, 'bin'));
    symlinkSync('../../../../..', join(root, 'usr', 'up'));
    expect(await inRoot(root, 'bin/sh')).toBe(join(root, 'usr', 'bin', 'sh'));
    expect(await inRoot(root, 'usr/up/etc/shadow')).toBe(join(root, 'etc', 'shadow'));
    expect(await inRoot(root, '../../etc/passwd')).toBe(join(root, 'etc', 'passwd'));
  });

  it('refuses a link loop instead of spinning', async () => {
    const root = tree();
    symlinkSync('/b', join(root, 'a'));
    symlinkSync('/a', join(root, 'b'));
    await expect(inRoot(root, 'a/x')).rejects.toThrow(/too many symbolic links/);
  });

  it('writeRootFile writes through an absolute link inside the root, and the host path stays untouched', async () => {
    const root = tree();
    const outside = tree();
    mkdirSync(join(root, 'srv', 'etc'), { recursive: true });
    // The root's /etc points at an absolute path that also exists on the host.
    symlinkSync(outside, join(root, 'etc'));
    mkdirSync(join(root, outside), { recursive: true });
    await writeRootFile(root, 'etc/hostname', 'pi\n');
    expect(readFileSync(join(root, outside, 'hostname'), 'utf8')).toBe('pi\n');
    expect(existsSync(join(outside, 'hostname'))).toBe(false);
  });
});
