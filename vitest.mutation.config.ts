import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The tests Stryker runs against each mutant: those aimed at the mutated modules, in this process.
// End-to-end tests spawn processes, which never see the active mutant; game-day runs and the fauxqs
// test exercise these modules too but take seconds each, and a mutant of a module-level schema runs
// every test. The runtime schedule's test runs every game day (seconds) and would run for nearly
// every mutant; it checks dates, not decisions.
// (mergeConfig would append to the base's include, not replace it.)
export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/unit/slack/{signature,access-policy,slash-command}.test.ts',
      'test/unit/hardening/*.test.ts',
      'test/unit/handlers/dispatch-alarm*.test.ts',
      'test/unit/handlers/lib/*.test.ts',
      'test/unit/handlers/{plan-replay,replay-entries,decide-throttling-fix,rate-controller}.test.ts',
      'test/unit/handlers/{runtime-upgrade,secret-rotation}/*.test.ts',
      'test/integration/{target-lease,dlq-replay-budget,dlq-replay-failures,dlq-replay-stop,dlq-replay-zero-loss}.test.ts',
    ],
    exclude: ['test/unit/handlers/runtime-upgrade/runtime-schedule.test.ts'],
    // A DLQ replay mutant's tests are in five files: in one worker with one module graph, the
    // simulator and the AWS SDK load once per mutant instead of once per file (a fifth faster).
    isolate: false,
    setupFiles: [...[base.test?.setupFiles ?? []].flat(), 'test/mutation-setup.ts'],
    // Properties run a fifth of their cases: each runs for hundreds of mutants, and a mutant fails
    // within the first few.
    env: { PROPERTY_RUNS_SCALE: '0.2' },
  },
});
