import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests that rebuild the evidence share the snapshot directory; keep files in parallel but cap the pool on 2 cores.
    maxWorkers: 2,
  },
});
