import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.{ts,tsx}'],
    globalSetup: ['test/global-setup.ts'],
    // Ceilings that only stop a hang (see vitest.config.ts).
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    // Each worker imports the app once (see vitest.config.ts): imports took 58 s of the browser files' time.
    isolate: false,
    // Two files at a time. Chromium does most of the work (about 0.5 core with one file, 1 core with
    // two), so the gain is small: on this 2-core machine 718 s one file at a time, 659 s two at a time.
    maxWorkers: 2,
  },
});
