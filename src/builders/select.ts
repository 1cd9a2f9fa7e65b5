// Which builder makes this config's product (loaded on demand: a kernel build never loads pi-gen's).
import type { BuildConfig } from '../config/schema.js';
import type { Builder } from './context.js';

export async function builderFor(
  config: Pick<BuildConfig, 'target' | 'builder' | 'baseImage'>,
): Promise<Builder> {
  if (config.target === 'kernel') return (await import('./kernel.js')).kernelBuilder;
  if (config.baseImage !== undefined) return (await import('./base-image.js')).baseImageBuilder;
  if (config.builder === 'pi-gen') return (await import('./pigen/build.js')).piGenBuilder;
  return (await import('./debian.js')).debianBuilder;
}
