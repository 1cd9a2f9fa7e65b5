// What the pipeline hands a builder, and what a builder hands back. A builder makes its
// product in the work folder and returns it; the pipeline owns everything around that: the
// work folder, caches and their saves, checksums, publishing, post state, the phase table.
// A new kind of product is one new Builder in this folder.
import type { CacheSession } from '../cache/session.js';
import type { BuildConfig } from '../config/schema.js';
import type { Outputs } from '../publish/outputs.js';
import type { Phases } from '../runtime/phases.js';

export interface BuildContext {
  config: BuildConfig;
  /** The work folder: claimed, locked and emptied by the pipeline before build() runs. */
  workDir: string;
  phases: Phases;
  /** Restore entries and queue saves here; the pipeline commits them only after publishing. */
  caches: CacheSession;
  /** Facts for the summary beyond the outputs (board, stages, …). */
  facts: Record<string, string>;
}

export interface Product {
  /**
   * The finished files (or folders, such as a kernel's boot/) in the work folder, the main one
   * first (an image). The pipeline checksums every file below them into SHA256SUMS and moves
   * them, with it, into out-dir.
   */
  files: string[];
  /** The folder they are in: SHA256SUMS lists them relative to it. */
  dir: string;
  /** The builder's own outputs; the pipeline adds the paths, hashes and sizes. */
  outputs: Outputs;
}

export interface Builder {
  /** Host packages and tools it needs, installed before the work folder is touched. */
  hostTools?(ctx: BuildContext): Promise<void>;
  /** Looks at what an earlier build left, before the pipeline empties the work folder. */
  inspect?(ctx: BuildContext): Promise<void>;
  build(ctx: BuildContext): Promise<Product>;
}
