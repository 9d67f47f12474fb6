import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration and e2e suites start real processes (Apache, chDB, Chromium); give them room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // chDB allows one engine per process and one data directory per engine: isolate files.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
