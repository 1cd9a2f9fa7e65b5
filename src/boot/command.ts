// `rpi-build boot-test IMAGE`.
import type { BuildConfig } from '../config/schema.js';

export async function bootTestCommand(image: string, config: BuildConfig): Promise<number> {
  throw new Error(
    `boot-test of ${image} (${config.arch[0]}) is not available in this version of rpi-build yet.`,
  );
}
