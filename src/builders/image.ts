// target: image — dispatches to the chosen builder.
import type { BuildConfig } from '../config/schema.js';
import type { Outputs } from '../pipeline.js';
import { buildDebianImage } from './debian.js';
import type { RunReport } from '../publish/report.js';

export async function buildImage(config: BuildConfig, report: RunReport): Promise<Outputs> {
  if (config.builder === 'pi-gen') {
    throw new Error('builder pi-gen is not available in this version of rpi-build yet; use builder debian.');
  }
  return buildDebianImage(config, report);
}
