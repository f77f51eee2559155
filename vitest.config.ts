import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}', 'src/**/*.test.{ts,tsx}'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    // Ceilings that only stop a hang: a test waits for conditions, never for a budget. A busy 2-core
    // machine (two CPU-bound processes beside the suite) needed more than the former 30 s / 60 s for
    // work that takes a few seconds on a quiet one.
    testTimeout: 180_000,
    hookTimeout: 240_000,
    pool: 'forks',
    // Each worker imports the app once, not once per file: imports took 115 s of the 418 s the suite
    // took on this 2-core machine, and 11 s of 333 s without isolation. The test files share no
    // module state they depend on (no module mocks, fake timers or stubbed globals; every file
    // makes its own app and database), and the suite passes the same either way.
    isolate: false,
    // Vitest's default is one worker less than the cores: one worker on a 2-core machine. Most of these
    // tests wait on a database, a socket or a timer, so two workers there took 320 s instead of 488 s.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
