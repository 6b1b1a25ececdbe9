import fc from 'fast-check';
import { inject } from 'vitest';

// Under mutation testing a property that fails has done its job: shrinking the counterexample to
// the smallest one re-runs the property many times, for a report nobody reads.
fc.configureGlobal({ endOnFailure: true });

// In the initial run, which measures what each test covers, the mutated modules load here before
// any test: their module-level code (schemas, tables, constants) then counts as static, which
// `ignoreStatic` leaves out, whichever test would have imported a module first (a mutant is
// switched on only once a test starts, after its file's imports ran). Mutant runs skip this:
// static mutants are not run, and each run loads only what its tests import.
// (`mode` is what Stryker's vitest runner provides its setup file.)
if ((inject as (key: string) => unknown)('mode') === 'dry-run') {
  const strykerConfig: string = '../stryker.config.mjs';
  const { default: config } = (await import(strykerConfig)) as {
    default: { mutate: readonly string[] };
  };
  await Promise.all(config.mutate.map((path) => import(`../${path}`)));
}
