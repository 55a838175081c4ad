import { defineConfig } from 'vitest/config';

// `npm run test:live`: read-only checks against a real Dynamics 365 environment configured through the same
// variables as the bot (BACKEND=dataverse, DATAVERSE_URL, AZURE_*). Skipped, saying why, when none is set.
export default defineConfig({
  test: {
    include: ['test/live/**/*.live.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
