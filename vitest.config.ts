import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['runner/test/**/*.test.ts'],
    // End-to-end tests compile and run C; verify runs every kata twice.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Timing checks want the machine to themselves: no parallel test files.
    fileParallelism: false,
    globalSetup: ['runner/test/global-setup.ts'],
  },
});
