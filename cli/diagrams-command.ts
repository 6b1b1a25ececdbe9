import { readFileSync, writeFileSync } from 'node:fs';
import { definitions } from '../runbooks/definitions.js';
import { diagramDocument, diagramPath, refreshDiagramsCommand } from '../state-machines/diagram-document.js';

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
