import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Two projects, each file in exactly one: `npm test` runs both, `npm run test:unit` only unit.
// unit: __tests__/unit/, tests that need no root, no network, no dist/ bundle and no QEMU (seconds).
// e2e: the rest of __tests__/: real builds, real mounts, the bundled action and CLI, QEMU boots.
const UNIT = '__tests__/unit/**/*.test.ts';

/**
 * The files that build and boot, longest first (as measured in CI), ahead of the rest: the two
 * workers take files as they free up, so starting the longest first makes them end together.
 * Vitest's own order (larger files first on a first run) knows nothing of builds.
 */
const LONGEST_FIRST = [
  'image-build',
  // Two small emulated builds, about 15 min: early, beside the image file, so the two workers end together.
  'native-tools',
  'kernel-build',
  'image-armhf',
  'boot-tests',
  // A kernel compile and a Pi 3 boot, warm from the cache it keeps between runs.
  'kernel-image',
  'armel-image',
  'faults',
  'pigen',
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.findIndex((name) => f.moduleId.endsWith(`/${name}.test.ts`));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    const order = await super.sort(files);
    return order
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    // End-to-end tests boot QEMU and run emulated builds; give them room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
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
