// A block map for bmaptool, so flashing writes only the mapped blocks of the sparse image.
import { exec } from '../runtime/exec.js';
import { installPackages } from '../host/packages.js';
import { which } from '../host/tools.js';

export async function writeBmap(image: string, bmapPath: string, logFile?: string): Promise<void> {
  if (!(await which('bmaptool'))) await installPackages(['bmap-tools'], 'the .bmap file');
  await exec('bmaptool', ['create', '--output', bmapPath, image], logFile ? { logFile } : {});
}
