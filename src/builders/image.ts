// target: image — dispatches to the chosen builder.
import type { BuildConfig } from '../config/schema.js';
import type { Outputs } from '../pipeline.js';

export async function buildImage(config: BuildConfig): Promise<Outputs> {
  throw new Error(`builder ${config.builder} is not available in this version of rpi-build yet.`);
}
