import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The deployment suite (podman, systemd-nspawn) runs on its own: npm run test:deploy.
    exclude: [...configDefaults.exclude, 'test/deploy/**'],
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
