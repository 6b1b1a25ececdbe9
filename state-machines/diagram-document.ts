import { environments } from '../handlers/lib/step-deps.js';
import type { Runbook, RunbookDefinition } from '../runbooks/index.js';
import { policyFor, readAccessPolicy } from '../slack/access-policy.js';
import { renderEscalation } from './escalation-diagram.js';
import { renderAsl } from './render-asl.js';
import { type PathTaken, renderMermaid } from './render-mermaid.js';

/** Where a runbook's generated diagram lives, relative to the repository root. */
export function diagramPath(runbook: Runbook): string {
  return `diagrams/${runbook.id}.md`;
}

/** The command that regenerates every diagram. */
export const refreshDiagramsCommand = 'npm run diagrams';

/** The Slack access policy the committed escalation diagrams are drawn with. */
export const examplePolicyFile = 'examples/slack-access.json';

/** The operator view of a runbook: steps that change something marked, with the path taken if known. */
export function operatorDiagram(runbook: RunbookDefinition, path?: PathTaken): string {
  const changing = new Set(runbook.steps.filter((s) => s.audits).map((s) => s.name));
  return renderMermaid(renderAsl(runbook), {
    view: 'operator',
    changes: (step) => changing.has(step),
    ...(path ? { path } : {}),
  });
}

/** The full view: every retry policy and caught error of the ASL. */
export function fullDiagram(runbook: RunbookDefinition): string {
  return renderMermaid(renderAsl(runbook), { view: 'full' });
}

/** The Markdown document holding a runbook's diagrams, generated from its ASL and approver tiers. */
export function diagramDocument(runbook: RunbookDefinition): string {
  const policy = readAccessPolicy(examplePolicyFile);
  return [
    `# ${runbook.title} (\`${runbook.id}\`)`,
    '',
    `<!-- Generated from the runbook's state machine definition by \`${refreshDiagramsCommand}\`. Do not edit. -->`,
    '',
    runbook.description,
    '',
    'Steps that change the target are orange, approvals yellow, waits purple; ↻ marks a step',
    `retried when AWS or Lambda fail briefly. \`runbook diagram ${runbook.id} --full\` draws every`,
    'retry policy and caught error of the state machine.',
    '',
    '```mermaid',
    operatorDiagram(runbook).trimEnd(),
    '```',
    '',
    '## Escalation',
    '',
    `Who is asked before a change and who is paged, per environment, with the approver groups of \`${examplePolicyFile}\``,
    `(\`runbook diagram ${runbook.id} --escalation --env <env> --policy <file>\` draws them with yours).`,
    '',
    ...environments.flatMap((environment) => [
      `### ${environment}`,
      '',
      '```mermaid',
      renderEscalation(runbook, environment, policyFor(policy, environment)).trimEnd(),
      '```',
      '',
    ]),
  ].join('\n');
}
