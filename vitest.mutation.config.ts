import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// The tests Stryker runs against each mutant: those that call the modules in this process. End-to-end
// tests spawn processes, which never see the active mutant, and only slow every mutant down.
export default mergeConfig(
  base,
  defineConfig({
    test: { include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'] },
  }),
);
