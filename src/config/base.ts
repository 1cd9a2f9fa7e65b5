// base-image and the inputs that only mean something with it, checked before any work.
import { checkBaseImage } from '../base/source.js';
import { InputError } from '../runtime/errors.js';
import type { BuildConfig } from './schema.js';

export async function checkBaseConfig(config: BuildConfig): Promise<void> {
  if (config.baseImage === undefined) {
    const only =
      config.commands !== undefined
        ? 'commands'
        : config.copyOut.length
          ? 'copy-out'
          : !config.imageOut
            ? 'image-out'
            : config.baseImageSha256 !== undefined
              ? 'base-image-sha256'
              : undefined;
    if (only)
      throw new InputError(
        only,
        'only applies with base-image',
        'Give base-image (the image to start from), or drop it.',
      );
    return;
  }
  if (config.target !== 'image' || config.builder !== 'debian')
    throw new InputError(
      'base-image',
      `starts from an existing image; it does nothing for ${config.target === 'image' ? `builder ${config.builder}` : `target ${config.target}`}`,
      'Drop base-image, or use it with target image (and no builder).',
    );
  if (config.kernelDir !== undefined)
    throw new InputError(
      'kernel-dir',
      'cannot be combined with base-image yet',
      'Drop one of them: kernel-dir installs into a Debian image rpi-build builds.',
    );
  if (!config.imageOut && config.copyOut.length === 0)
    throw new InputError(
      'image-out',
      'is false and copy-out is empty: nothing would come out',
      'Give copy-out paths, or drop image-out: false.',
    );
  await checkBaseImage(config.baseImage, config.baseImageSha256);
}
