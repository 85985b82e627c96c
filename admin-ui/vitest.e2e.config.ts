import { defineConfig } from 'vitest/config';

// Browser tests against a running platform (see e2e/browser.ts): one file at a time, generous timeouts for whole sagas.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Searches read Elasticsearch, which shows a change within its 1 s refresh: polls wait longer than that.
    expect: { poll: { timeout: 15_000, interval: 200 } },
  },
});
