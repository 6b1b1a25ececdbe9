import { writeFileSync } from 'node:fs';
import { scenarios } from '../gameday/scenarios/catalogue.js';
import { definitions } from '../runbooks/definitions.js';
import { fullDiagram, operatorDiagram } from '../state-machines/diagram-document.js';
import { renderAsl } from '../state-machines/render-asl.js';
import { type CatalogueSnapshot, snapshotUrl } from './catalogue-snapshot.js';

/** The catalogue, its state machines and diagrams as the CLI prints them, from the modules. */
export function buildCatalogueSnapshot(): CatalogueSnapshot {
  return {
    runbooks: definitions.map((r) => ({
      id: r.id,
      title: r.title,
      description: r.description,
      trigger: {
        ...r.trigger,
        ...(r.trigger.events ? { events: r.trigger.events.map(({ module: _, ...event }) => event) } : {}),
      },
      approval: r.approval,
      approverTiers: r.approverTiers,
      guardrails: r.guardrails as Record<string, unknown>,
      timeoutSeconds: r.timeoutSeconds,
      cooldownSeconds: r.cooldownSeconds,
      steps: r.steps.map((step) => step.name),
      asl: renderAsl(r),
      operatorDiagram: operatorDiagram(r),
      fullDiagram: fullDiagram(r),
    })),
    scenarios: scenarios.map((s) => ({
      id: s.id,
      runbook: s.runbook,
      description: s.description,
      closedLoop: s.fault !== undefined && s.watchAlarm !== undefined,
    })),
  };
}

// Run by `npm run build` after the compiler.
if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(snapshotUrl, `${JSON.stringify(buildCatalogueSnapshot())}\n`);
  console.log(`wrote ${snapshotUrl.pathname}`);
}
