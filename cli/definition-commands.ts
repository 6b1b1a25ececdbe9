import { InvalidInputError } from '../handlers/lib/errors.js';
import { type Environment, environments } from '../handlers/lib/step-deps.js';
import { renderEscalation } from '../state-machines/escalation-diagram.js';
import { snapshotOf } from './catalogue-snapshot.js';

/** `runbook asl <id>`: the state machine definition as deployed, with function ARN placeholders (as built). */
export async function asl(id: string): Promise<number> {
  console.log(JSON.stringify((await snapshotOf(id)).asl, null, 2));
  return 0;
}

/**
 * `runbook diagram <id> [--full | --escalation [--env <env>] [--policy <file>]]`: the operator
 * view (default), every retry and caught error (`--full`), or who is asked and paged in an
 * environment (`--escalation`, with the Slack access policy's groups).
 */
export async function diagram(
  id: string,
  options: {
    readonly full: boolean;
    readonly escalation: boolean;
    readonly env: string;
    readonly policy: string;
  },
): Promise<number> {
  const runbook = await snapshotOf(id);
  if (options.full && options.escalation)
    throw new InvalidInputError('give --full or --escalation, not both');
  if (options.escalation) {
    if (!environments.includes(options.env as Environment))
      throw new InvalidInputError(
        `--env is one of ${environments.join(', ')}, not ${JSON.stringify(options.env)}`,
      );
    const environment = options.env as Environment;
    // The policy's checks (zod) load only for the view that reads it.
    const { policyFor, readAccessPolicy } = await import('../slack/access-policy.js');
    process.stdout.write(
      renderEscalation(runbook, environment, policyFor(readAccessPolicy(options.policy), environment)),
    );
  } else process.stdout.write(options.full ? runbook.fullDiagram : runbook.operatorDiagram);
  return 0;
}
