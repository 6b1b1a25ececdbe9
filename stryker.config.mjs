// Mutation testing of the modules that decide what starts, what is locked and what may be deleted:
// `npm run test:mutation`. Not part of `npm test` (about a quarter of an hour on two cores).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: [
    'slack/signature.ts',
    'slack/access-policy.ts',
    'handlers/lib/alarm-event.ts',
    'handlers/lib/target-lease.ts',
    'handlers/lib/alarm-routing.ts',
    'handlers/dlq-replay/replay-batch.ts',
    'handlers/dlq-replay/move-batch.ts',
    'handlers/dlq-replay/replay-entries.ts',
    'handlers/lib/replay-attributes.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // Stryker rewrites tsconfig through TypeScript's JavaScript API, which TypeScript 7 no longer has;
  // a file that does not exist switches the rewriting off (vitest transpiles without it).
  tsconfigFile: 'tsconfig.stryker-none.json',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
};
