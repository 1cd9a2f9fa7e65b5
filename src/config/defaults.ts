// The embedded default: with no configuration at all, an arm64 bookworm image.
import type { RawConfig } from './schema.js';

export const DEFAULTS: RawConfig = {
  target: 'image',
  builder: 'debian',
  arch: ['arm64'],
  suite: 'bookworm',
  mirror: 'http://deb.debian.org/debian',
  hostname: 'raspberrypi',
  username: 'pi',
  'ssh-authorized-keys': [],
  packages: [],
  locale: 'en_US.UTF-8',
  timezone: 'Etc/UTC',
  customize: [],
  'image-name': 'rpi-build',
  compression: 'xz',
  'root-margin': 512,
  'boot-size': 256,
  'boot-test': true,
  'boot-timeout': 900,
  upload: true,
  diagnostics: 'on-failure',
  cache: true,
  'cache-read-only': false,
  'out-dir': 'out',
};
