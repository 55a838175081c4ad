import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**'],
    restoreMocks: true,
    testTimeout: 20_000,
    pool: 'forks',
  },
});
