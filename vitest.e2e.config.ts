import { defineConfig } from 'vitest/config';

// `npm run test:e2e`: the bot in the Microsoft 365 Agents Playground, driven by headless Chromium.
// Files run one after another: each starts its own bot, playground(s) and browser, and the CI machine
// has two cores. Budget: the whole run stays well under 10 minutes.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    fileParallelism: false,
    pool: 'forks',
    restoreMocks: true,
    // Loading the playground's web UI (a 9 MB bundle) in a cold browser takes 10–30 s on a small machine.
    hookTimeout: 180_000,
    testTimeout: 120_000,
  },
});
