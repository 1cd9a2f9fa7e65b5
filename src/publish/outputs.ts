// Every output the action sets, with its description. The type below makes setting an
// undeclared output a compile error; action.yml is generated from this table.
export const OUTPUTS = {
  platforms:
    'Platforms that can run after setup, native and emulated (e.g. linux/amd64,linux/arm64,linux/arm/v7).',
  native: 'Requested arches this host runs natively (comma-separated).',
  emulated: 'Requested arches that run under QEMU emulation (comma-separated).',
  'image-path': 'Path of the compressed image.',
  'image-sha256': 'SHA-256 of the compressed image file.',
  'image-size': 'Size in bytes of the compressed image file.',
  'kernel-release': 'Release of the kernel in the image, or of the kernel built (target kernel).',
  'kernel-path':
    'target kernel: folder holding boot/ (kernel, device trees, overlays), the modules tarball, config and System.map.',
  'package-count': 'Number of packages installed in the image.',
  'root-size': 'Size in bytes of the root partition.',
  'boot-test': 'Result of the boot test ("passed in N s" or "skipped").',
  account:
    'State of the first user: password, ssh-key, password+ssh-key or locked; with base-image, unchanged when no user input was given.',
  'cache-hit':
    'true when the root filesystem came from the cache for this exact key (target kernel: when ccache was restored).',
  'artifact-id': 'ID of the uploaded artifact.',
  'artifact-url': 'URL of the uploaded artifact.',
  'artifact-name': 'Name of the uploaded artifact.',
} as const;

export type OutputKey = keyof typeof OUTPUTS;
export type Outputs = Partial<Record<OutputKey, string>>;
