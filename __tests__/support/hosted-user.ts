// A GitHub-hosted runner's user for the tests: an ordinary account with passwordless sudo,
// made by the test file that needs it and removed when it ends (each file its own name, as
// files run side by side). Runner(dir, user) runs the action's steps as this user.
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import type { RunnerUser } from './runner.js';

export function createHostedUser(name: string, opts: { sudo?: boolean } = {}): RunnerUser {
  removeHostedUser(name);
  execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', '--user-group', name]);
  if (opts.sudo !== false)
    writeFileSync(`/etc/sudoers.d/${name}`, `${name} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
  const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  return { name, uid: id('-u'), gid: id('-g'), home: `/home/${name}` };
}

export function removeHostedUser(name: string): void {
  rmSync(`/etc/sudoers.d/${name}`, { force: true });
  if (spawnSync('id', [name], { stdio: 'ignore' }).status === 0) {
    // Its processes first (a step left running would keep userdel from removing it).
    spawnSync('pkill', ['-KILL', '-u', name], { stdio: 'ignore' });
    spawnSync('userdel', ['--remove', name], { stdio: 'ignore' });
  }
}

/** Whether the user can delete these folders (as the runner must before the next job's checkout). */
export function userDeletes(user: RunnerUser, paths: string[]): { ok: boolean; said: string } {
  const r = spawnSync('rm', ['-rf', '--', ...paths], {
    uid: user.uid,
    gid: user.gid,
    encoding: 'utf8',
  });
  return { ok: r.status === 0, said: r.stderr };
}
