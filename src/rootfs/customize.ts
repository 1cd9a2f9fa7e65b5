// Turns a Debian root filesystem into a Raspberry Pi system and applies the BuildConfig.
// Plain file edits are done natively (fast); only what must run Debian's own tools runs
// in the emulated chroot (useradd, locale-gen, systemctl, the single initramfs).
// Each job has its module; this file is the order they run in.
import type { BuildConfig } from '../config/schema.js';
import { readKernelBuild } from '../kernel/build-folder.js';
import { kernelVersion, makeInitramfs, restoreUpdateInitramfs } from './boot-files.js';
import { installKernelBuild } from './custom-kernel.js';
import { configureLocale, configureTimezone } from './locale.js';
import { applyOverlay, runCustomizeScripts } from './overlay.js';
import { clampTimestamps, sourceDateEpoch } from './reproducible.js';
import { RESOLVED_STUB, withChrootKeepingResolver } from './resolver.js';
import { inChroot } from './chroot.js';
import { scrub } from './scrub.js';
import { withAptAuth } from './sources.js';
import { configureSystem, hasResolved } from './system.js';
import { writeUpdateStamps } from './update-stamps.js';
import { configureUser, type Account } from './user.js';

export interface CustomizeResult {
  kernelVersion: string;
  /** The first user's account state, for the summary. */
  account: Account;
}

/**
 * The configuration-specific part, on top of the (possibly cached) base. update-initramfs
 * stays diverted until the end, so packages a customize script installs do not each run
 * mkinitramfs; when scripts ran or kernel-dir replaced the kernel, the initramfs is made once
 * more. kernel-dir's kernel goes in before the scripts, which may build modules for it.
 */
export async function customizeRootfs(
  root: string,
  config: BuildConfig,
  logFile: string,
  /** A private folder outside the root for fetching the host's localedef (none: emulated). */
  hooksDir?: string,
): Promise<CustomizeResult> {
  const kernel =
    config.kernelDir !== undefined ? await readKernelBuild(config.kernelDir, config.arch[0]!) : undefined;
  let account: Account = 'locked';
  // Scripts keep the host's resolver during the session; the image gets resolved's stub
  // (or what an overlay or a script put there) afterwards, and apt the archives' logins.
  const sources = {
    suite: config.suite,
    mirror: config.mirror,
    securityMirror: config.securityMirror,
    components: [],
  };
  // A locale other than the base's: localedef of the root's release, for the host's CPU.
  const host =
    config.nativeTools && hooksDir
      ? { spec: { ...sources, components: ['main'], arch: config.arch[0]! }, hooksDir }
      : undefined;
  await withChrootKeepingResolver(
    root,
    () =>
      withAptAuth(root, sources, async () => {
        await configureSystem(root, config, logFile);
        await configureLocale(root, config, logFile, host);
        await configureTimezone(root, config);
        account = await configureUser(root, config, logFile);
        if (config.overlay) await applyOverlay(root, config.overlay, logFile);
        if (kernel) await installKernelBuild(root, kernel, logFile);
        if (config.customize.length) await runCustomizeScripts(root, config.customize, logFile);
        // Libraries an overlay or a script added reach the linker's cache now, not at first boot.
        if (config.customize.length || config.overlay) await inChroot(root, ['ldconfig'], { logFile });
        if (config.customize.length || kernel)
          await makeInitramfs(root, logFile, { arch: config.arch[0]!, nativeTools: config.nativeTools });
        await restoreUpdateInitramfs(root, logFile);
      }),
    logFile,
    (await hasResolved(root)) ? RESOLVED_STUB : undefined,
  );
  await scrub(root);
  const epoch = sourceDateEpoch();
  if (epoch !== undefined) await clampTimestamps(root, epoch, logFile);
  await writeUpdateStamps(root);
  return { kernelVersion: await kernelVersion(root), account };
}
