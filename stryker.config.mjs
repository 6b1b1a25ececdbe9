// Mutation testing of the modules that decide what starts, what is locked, what may be deleted and
// what a runbook changes: `npm run test:mutation`. Not part of `npm test` (see README for its time).
//
// Surviving mutants that are equivalent (no input AWS or Slack can send tells them apart):
// - `?? ''` / `?? []` on fields SQS always returns (a received message's Body and MessageId, an
//   entry's DataType, a batch answer's Successful and Failed lists, a sender fault's Message), and
//   the optional chaining on entry ids (every id in a batch answer is one the batch sent).
// - replay-batch: the loop's `deadline` bound (`<` vs `<=`, or dropped: workers check it too and
//   end the pass); `moved()` arithmetic (a pass that moved anything differs from one that moved
//   nothing, whichever way it is summed); the Lambda entry's client map (not run by these tests;
//   the type checker holds it to the clients the step uses).
// - alarm-routing: the `Resource` split defaults and `includes(':')` (a Lambda `Resource` without a
//   qualifier is the function name, the same target as `FunctionName`); composite alarms carry no
//   metrics, so `alarmRule !== undefined` and the anomaly check's `?? []` change nothing.
// - alarm-event: `alarmMetricStats`' `?? []` (a string has no metricStat either).
// - target-lease: `holder !== undefined` (a lease's holder and expiry are written and removed
//   together); `cooldown !== undefined` (`undefined > n` is false) and `>` vs `>=` on the cool-down
//   after a refused write (the write's condition already let an ending cool-down through).
// - replay-attributes: `if (packed)` (parsing a missing value fails into the same fallback).
// - throttling: the event-source check's `fn.reserved !== null` in the find and again in the `if`
//   (either alone decides), `r.reserved !== null` in what an exhausted account could reclaim (a
//   null reservation halves to 0, and no peak is below 0), and `kind === 'provisioned-concurrency'`
//   in what draws on the pool (a mapping's cap is only set on a function with a reservation).
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
    'handlers/dlq-replay/rate-controller.ts',
    'handlers/dlq-replay/move-batch.ts',
    'handlers/dlq-replay/replay-entries.ts',
    'handlers/dlq-replay/replay-attributes.ts',
    'handlers/lib/resource-locks.ts',
    'handlers/lib/start-parameters.ts',
    'handlers/lib/start-grammar.ts',
    'handlers/lambda-throttling/throttling-decision.ts',
    'handlers/lambda-throttling/decide-throttling-fix.ts',
    'handlers/secret-rotation/roll-back-rotation.ts',
    'handlers/runtime-upgrade/canary-judgement.ts',
    'handlers/runtime-upgrade/compare-versions.ts',
    'handlers/runtime-upgrade/set-alias-routing.ts',
  ],
  coverageAnalysis: 'perTest',
  // A static mutant (module-level code: schemas, constants) can only be tested by re-importing
  // every test file, about 20 s each here; they would take most of the run. The refusal tests of
  // the regular suite cover those schemas.
  ignoreStatic: true,
  concurrency: 2,
  // A mutant that loops forever is stopped sooner: every test here takes well under a second.
  timeoutMS: 2000,
  // Stryker rewrites tsconfig through TypeScript's JavaScript API, which TypeScript 7 no longer has;
  // a file that does not exist switches the rewriting off (vitest transpiles without it).
  tsconfigFile: 'tsconfig.stryker-none.json',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  // `break` applies to the total score; each module's floor is read from the report (README).
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: '.stryker-tmp',
};
