// target: image — dispatches to the chosen builder.
import type { BuildConfig } from '../config/schema.js';
import type { Outputs } from '../publish/outputs.js';
import { buildDebianImage } from './debian.js';
import type { RunReport } from '../publish/report.js';

export async function buildImage(config: BuildConfig, report: RunReport): Promise<Outputs> {
  if (config.freeDiskSpace) {
    const { freeDiskSpace } = await import('../host/free-disk.js');
    const gained = await report.phases.run('free-disk', 'Free disk space (hosted runner)', () =>
      freeDiskSpace(config),
    );
    report.facts['disk-space-freed'] = String(gained);
  }
  if (config.builder === 'pi-gen') {
    const { buildPiGenImage } = await import('./pigen/build.js');
    return buildPiGenImage(config, report);
  }
  return buildDebianImage(config, report);
}
