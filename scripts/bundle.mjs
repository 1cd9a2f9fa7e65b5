// Bundles the three entry points into dist/ as ESM; dist/ is committed and checked in CI.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

// Start empty: chunk names carry hashes, and old chunks must not linger in the committed dist/.
rmSync('dist', { recursive: true, force: true });

const banner = {
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  js: "import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);",
};

await build({
  entryPoints: { main: 'src/main.ts', post: 'src/post.ts', cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  banner,
});
