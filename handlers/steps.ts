import type { StepDefinition } from './step-catalogue.js';

/**
 * The name of every runbook step. A type only: naming steps loads none of them (the catalogue in
 * `step-catalogue.ts` does).
 */
export type StepName = StepDefinition['name'];

/** `gather-evidence` → `GatherEvidence`: the name a step's function has in templates and placeholders. */
export function stepLogicalName(step: string): string {
  return step.replace(/(^|-)([a-z])/g, (_m, _dash, c: string) => c.toUpperCase());
}

/** `GatherEvidence` → `gather-evidence`: the step a logical name stands for. */
export function stepOfLogicalName(logicalName: string): string {
  return logicalName.replace(/[A-Z]/g, (c, at: number) => `${at === 0 ? '' : '-'}${c.toLowerCase()}`);
}
