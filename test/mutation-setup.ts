import fc from 'fast-check';

// Under mutation testing a property that fails has done its job: shrinking the counterexample to
// the smallest one re-runs the property many times, for a report nobody reads.
fc.configureGlobal({ endOnFailure: true });

// The mutated modules load here, before any test: their module-level code (schemas, tables,
// constants) then counts as static, which `ignoreStatic` leaves out, whichever test would have
// imported a module first. Loaded inside a test, it would count as that test's, and its mutants
// would survive (a module is not loaded again for each mutant).
const strykerConfig: string = '../stryker.config.mjs';
const { default: config } = (await import(strykerConfig)) as { default: { mutate: readonly string[] } };
await Promise.all(config.mutate.map((path) => import(`../${path}`)));
