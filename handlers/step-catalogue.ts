import { runbooks } from '../runbooks/catalogue.js';
import type { AnyStep } from '../runbooks/runbook.js';

/** The steps of some runbooks, each once (the shared ones serve several), in first-use order. */
export function stepsOf<S extends AnyStep>(of: readonly { readonly steps: readonly S[] }[]): S[] {
  return [...new Map(of.flatMap((runbook) => runbook.steps).map((step) => [step.name, step])).values()];
}

/**
 * Every step of the catalogued runbooks, once (the shared ones serve several), each declared in its
 * own module (`defineStep`): its name, clients, core and permissions. The CDK app deploys one
 * function per entry with the grants derived from it. Loading this loads every step's code.
 */
export const steps: readonly StepDefinition[] = stepsOf<StepDefinition>(runbooks);

/** A step of a catalogued runbook. */
export type StepDefinition = (typeof runbooks)[number]['steps'][number];
