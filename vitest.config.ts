import { defineConfig } from 'vitest/config';

// Two cores on CI: forks keep child-process-heavy tests (plugins, toolchains) isolated,
// and generous timeouts belong to the few end-to-end files that set their own.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
