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
    // Two files at a time: a browser test mostly waits on Chromium, which uses about one core of two.
    // On this 2-core machine the suite took 718 s one file at a time and 659 s two at a time.
    maxWorkers: 2,
  },
});
