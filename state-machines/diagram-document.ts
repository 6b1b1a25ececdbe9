import type { Runbook, RunbookDefinition } from '../runbooks/index.js';
import { renderAsl } from './render-asl.js';
import { renderMermaid } from './render-mermaid.js';

/** Where a runbook's generated diagram lives, relative to the repository root. */
export function diagramPath(runbook: Runbook): string {
  return `diagrams/${runbook.id}.md`;
}

/** The command that regenerates every diagram. */
export const refreshDiagramsCommand = 'npm run diagrams';

/** The Markdown document holding a runbook's diagram, generated from its ASL. */
export function diagramDocument(runbook: RunbookDefinition): string {
  return [
    `# ${runbook.title} (\`${runbook.id}\`)`,
    '',
    `<!-- Generated from the runbook's state machine definition by \`${refreshDiagramsCommand}\`. Do not edit. -->`,
    '',
    runbook.description,
    '',
    'Solid arrows are the normal flow, orange dotted arrows are retries, red dotted arrows are caught errors.',
    '',
    '```mermaid',
    renderMermaid(renderAsl(runbook)).trimEnd(),
    '```',
    '',
  ].join('\n');
}
