import { defineConfig } from 'vitest/config';

// Two cores on CI: forks keep child-process-heavy tests (plugins, toolchains) isolated,
// and generous timeouts belong to the few end-to-end files that set their own.
// Two files at a time: vitest's default on two cores is one (cores - 1), and most of a
// file's time is spent waiting on a plugin, a toolchain or a timeout, not computing.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
