import { defineConfig } from 'vitest/config';

/** Browser end-to-end specs: real Chromium, real `denwa start`, one file at a time. */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    root: new URL('..', import.meta.url).pathname,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
