import type { Environment } from '../handlers/lib/step-deps.js';
import type { SimulatedAccount } from './account/simulated-account.js';

/** How the scripted approver answers approval requests. */
export type ScriptedApproval = 'approve' | 'reject' | 'no-answer';

/** What the simulated world looks like at the end, compared field by field with the expectation. */
export interface ScenarioOutcome {
  readonly runbookOutcome: 'remediated' | 'escalated' | 'execution-failed' | 'not-started';
  /** Executions the dispatcher started. */
  readonly executions: number;
  readonly aliasVersion: string;
  readonly alarmState: string;
  readonly changes: number;
  readonly escalations: number;
}

/** The parts of the account the runbook acts on, as set up by a scenario. */
export interface ScenarioWorld {
  readonly alarmName: string;
  readonly functionName: string;
  readonly alias: string;
}

/** A game-day scenario: an initial account, an injected fault and the outcome to expect. */
export interface Scenario {
  readonly id: string;
  readonly runbook: string;
  readonly description: string;
  readonly environment: Environment;
  readonly approval: ScriptedApproval;
  readonly setup: (account: SimulatedAccount) => ScenarioWorld;
  /** Injects the fault; returns what was done, for the timeline. */
  readonly inject: (account: SimulatedAccount, world: ScenarioWorld) => string;
  readonly expected: ScenarioOutcome;
  /** How many times EventBridge delivers each alarm event (it guarantees at least once). Default: 1. */
  readonly deliveries?: number;
}

/** The fields where a game day's outcome differs from what it expected. */
export function mismatchesOf<O extends object>(expected: O, actual: O): (keyof O)[] {
  return (Object.keys(expected) as (keyof O)[]).filter((key) => expected[key] !== actual[key]);
}
