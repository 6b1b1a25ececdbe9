import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['state-machines/promise-with-resolvers.ts', 'test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest keeps a core free by default, one worker on two cores; most files wait on child
    // processes and loopback servers, so two side by side take 513 s where one took 717 s.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
