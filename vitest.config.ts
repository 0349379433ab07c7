import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 600_000,
    // Builds drive one Chromium each; on two cores, files in parallel only fight for them.
    fileParallelism: false,
    pool: 'forks',
    // Every test build lays its book out anew; test/cache.test.ts turns the cache back on.
    env: { EBOOK_NO_CACHE: '1' },
    // The JSON report lets .ci/run print the plain "N passed, N failed" summary line.
    reporters: ['default', ['json', { outputFile: 'test/.results/results.json' }]],
  },
});
