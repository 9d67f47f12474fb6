import { defineConfig } from 'vitest/config';

// `npm run test:deploy`: images built and containers run with podman from the Pulumi specs, and
// the RPMs booted under systemd. Minutes per file and root-only, so not part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/deploy/**/*.test.ts'],
    globalSetup: ['test/deploy/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 1_200_000,
    pool: 'forks',
    // Both files build and boot heavy things; one at a time on two cores.
    fileParallelism: false,
    maxWorkers: 1,
    reporters: ['default'],
  },
});
