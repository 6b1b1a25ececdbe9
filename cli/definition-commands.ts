import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidInputError } from '../handlers/lib/errors.js';
import { type Environment, environments } from '../handlers/lib/step-deps.js';
import { definitionOf, definitions } from '../runbooks/definitions.js';
import { policyFor } from '../slack/access-policy.js';
import {
  diagramDocument,
  diagramPath,
  fullDiagram,
  operatorDiagram,
  readAccessPolicy,
  refreshDiagramsCommand,
} from '../state-machines/diagram-document.js';
import { renderEscalation } from '../state-machines/escalation-diagram.js';
import { renderAsl } from '../state-machines/render-asl.js';

/** `runbook asl <id>`: the state machine definition as deployed, with function ARN placeholders. */
export function asl(id: string): number {
  console.log(JSON.stringify(renderAsl(definitionOf(id)), null, 2));
  return 0;
}

/**
 * `runbook diagram <id> [--full | --escalation [--env <env>] [--policy <file>]]`: the operator
 * view (default), every retry and caught error (`--full`), or who is asked and paged in an
 * environment (`--escalation`, with the Slack access policy's groups).
 */
export function diagram(
  id: string,
  options: {
    readonly full: boolean;
    readonly escalation: boolean;
    readonly env: string;
    readonly policy: string;
  },
): number {
  const runbook = definitionOf(id);
  if (options.full && options.escalation)
    throw new InvalidInputError('give --full or --escalation, not both');
  if (options.escalation) {
    if (!environments.includes(options.env as Environment))
      throw new InvalidInputError(
        `--env is one of ${environments.join(', ')}, not ${JSON.stringify(options.env)}`,
      );
    const environment = options.env as Environment;
    process.stdout.write(
      renderEscalation(runbook, environment, policyFor(readAccessPolicy(options.policy), environment)),
    );
  } else process.stdout.write(options.full ? fullDiagram(runbook) : operatorDiagram(runbook));
  return 0;
}

/** `runbook diagrams [--check]`: writes every runbook's diagram, or fails when one is stale. */
export function diagrams(check: boolean): number {
  const stale: string[] = [];
  for (const runbook of definitions) {
    const path = diagramPath(runbook);
    const expected = diagramDocument(runbook);
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // A missing diagram is stale.
    }
    if (current === expected) continue;
    if (check) stale.push(path);
    else {
      writeFileSync(path, expected);
      console.log(`wrote ${path}`);
    }
  }
  if (stale.length) {
    console.error(`stale diagrams: ${stale.join(', ')}; run \`${refreshDiagramsCommand}\``);
    return 1;
  }
  return 0;
}
