import { configDefaults, defineConfig } from 'vitest/config';

// Two projects, each file in exactly one: `npm test` runs both, `npm run test:unit` only unit.
// unit: __tests__/unit/, tests that need no root, no network, no dist/ bundle and no QEMU (seconds).
// e2e: the rest of __tests__/: real builds, real mounts, the bundled action and CLI, QEMU boots.
const UNIT = '__tests__/unit/**/*.test.ts';

export default defineConfig({
  test: {
    // End-to-end tests boot QEMU and run emulated builds; give them room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    reporters: ['default'],
    // @actions/workflow-parser imports its JSON schemas without `with { type: 'json' }`, which
    // Node refuses; let Vite transform it instead.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    projects: [
      { extends: true, test: { name: 'unit', include: [UNIT] } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['__tests__/**/*.test.ts'],
          exclude: [...configDefaults.exclude, UNIT],
        },
      },
    ],
  },
});
