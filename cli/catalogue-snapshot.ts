import { existsSync, readFileSync } from 'node:fs';
import type { EventTrigger } from '../handlers/dispatcher/event-trigger.js';
import type { ApprovalMode } from '../handlers/lib/approval-mode.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import type { ApproverTier, RunbookTrigger } from '../runbooks/runbook.js';
import { unknownRunbook } from '../runbooks/unknown-runbook-error.js';

/** What `list`, `show`, `asl` and `diagram` print of a runbook, computed when the CLI is built. */
export interface RunbookSnapshot {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The trigger as people read it: events without the module that holds their code. */
  readonly trigger: Omit<RunbookTrigger, 'events'> & {
    readonly events?: readonly Omit<EventTrigger, 'module' | 'answer'>[];
  };
  readonly approval: Readonly<Record<Environment, ApprovalMode>>;
  readonly approverTiers: readonly [ApproverTier, ...ApproverTier[]];
  readonly guardrails: Record<string, unknown>;
  readonly timeoutSeconds: number;
  readonly cooldownSeconds: number;
  readonly steps: readonly string[];
  readonly asl: unknown;
  readonly operatorDiagram: string;
  readonly fullDiagram: string;
}

/** A game day as `scenarios` lists it. */
export interface ScenarioSnapshot {
  readonly id: string;
  readonly runbook: string;
  readonly description: string;
  readonly closedLoop: boolean;
}

/**
 * The catalogue as the build left it: commands that only read it start without loading the
 * runbooks' steps, their AWS clients or the CDK (`npm run build` writes it; a test holds it to
 * the modules).
 */
export interface CatalogueSnapshot {
  readonly runbooks: readonly RunbookSnapshot[];
  readonly scenarios: readonly ScenarioSnapshot[];
}

/** Where the build writes the snapshot: beside the compiled CLI. */
export const snapshotUrl = new URL('./catalogue.json', import.meta.url);

/**
 * The built catalogue; run from the sources (tests, `tsx`), where nothing was built, it is
 * computed from the modules instead, as the build would.
 */
export async function catalogueSnapshot(): Promise<CatalogueSnapshot> {
  if (existsSync(snapshotUrl)) return JSON.parse(readFileSync(snapshotUrl, 'utf8')) as CatalogueSnapshot;
  return (await import('./write-catalogue-snapshot.js')).buildCatalogueSnapshot();
}

/** One runbook of the built catalogue; an unknown id is refused naming the known ones. */
export async function snapshotOf(id: string): Promise<RunbookSnapshot> {
  const { runbooks } = await catalogueSnapshot();
  const found = runbooks.find((r) => r.id === id);
  if (!found)
    throw unknownRunbook(
      id,
      runbooks.map((r) => r.id),
    );
  return found;
}
