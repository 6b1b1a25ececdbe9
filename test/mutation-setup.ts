import fc from 'fast-check';

// Under mutation testing a property that fails has done its job: shrinking the counterexample to
// the smallest one re-runs the property many times, for a report nobody reads.
fc.configureGlobal({ endOnFailure: true });
