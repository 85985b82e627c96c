import { defineConfig } from 'vitest/config';

// Browser tests against a running platform (see e2e/browser.ts): one file at a time, generous timeouts for whole sagas.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
