// What every build ends with, whichever builder made the product: SHA256SUMS, the files moved
// into out-dir only now (it never holds half a build), the outputs that name them, the cache
// saves committed (only a published build is worth caching), the phase table kept with the logs.
import { stat, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import type { BuildContext, Product } from '../builders/context.js';
import { publishLocal } from '../builders/workspace.js';
import { writeSha256Sums } from '../image/checksums.js';
import type { Outputs } from '../publish/outputs.js';
import { filesBelow } from '../runtime/files.js';
import type { StateWriter } from '../runtime/state.js';

export interface Finished {
  outputs: Outputs;
  /** Every file now in out-dir (a folder's files one by one), SHA256SUMS last. */
  files: string[];
}

/** A product's files, a folder standing for every file below it. */
async function expand(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) out.push(...((await stat(p)).isDirectory() ? await filesBelow(p) : [p]));
  return out;
}

export async function finishBuild(
  ctx: BuildContext,
  product: Product,
  state: StateWriter,
): Promise<Finished> {
  const { config, caches, phases, workDir } = ctx;
  const sums = await writeSha256Sums(product.dir, await expand(product.files));
  const outDir = resolve(config.outDir);
  const placed = await publishLocal([...product.files, join(product.dir, 'SHA256SUMS')], outDir);
  await caches.commit(state);
  await writeFile(join(workDir, 'logs', 'phases.txt'), `${phases.table()}\n`).catch(() => undefined);

  const outputs: Outputs = { ...product.outputs };
  // image-out false (base-image): only copy-out files came out, none of them an image.
  if (config.target === 'image' && config.imageOut) {
    const image = placed[0]!;
    outputs['image-path'] = image;
    outputs['image-sha256'] = sums[relative(product.dir, product.files[0]!)]!;
    outputs['image-size'] = String((await stat(image)).size);
  } else if (config.target === 'kernel') outputs['kernel-path'] = outDir;
  return { outputs, files: await expand(placed.map((p) => join(outDir, basename(p)))) };
}
