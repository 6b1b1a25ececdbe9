import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The tests Stryker runs against each mutant: those aimed at the mutated modules, in this process.
// End-to-end tests spawn processes, which never see the active mutant; game-day runs and the fauxqs
// test exercise these modules too but take seconds each, and a mutant of a module-level schema runs
// every test.
// (mergeConfig would append to the base's include, not replace it.)
export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/unit/slack/{signature,access-policy,slash-command}.test.ts',
      'test/unit/hardening/*.test.ts',
      'test/unit/handlers/dispatch-alarm*.test.ts',
      'test/unit/handlers/lib/*.test.ts',
      'test/unit/handlers/{plan-replay,replay-entries,decide-throttling-fix}.test.ts',
      'test/unit/handlers/{runtime-upgrade,secret-rotation}/*.test.ts',
      'test/integration/{target-lease,dlq-replay-budget,dlq-replay-failures,dlq-replay-stop,dlq-replay-zero-loss}.test.ts',
    ],
  },
});
