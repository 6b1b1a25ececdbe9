import { runbookOutcomeOf, type Scenario, type SimulatedAccount } from 'lambda-runbooks';
import { readValue } from './steps/check.js';

/** What the game day ends with: how the run ended, and the timeout the function holds. */
interface Outcome {
  readonly runbookOutcome: string;
  readonly value: number;
}

const valueIn = (account: SimulatedAccount) => readValue(account.clients(), 'orders-api');

/** Reads how a run ended from its report (the Pass state's copy of the execution's state). */
function outcomeOfReport(report: unknown): string {
  const state = (report as { state?: { escalation?: unknown; applied?: { changed?: boolean } } }).state;
  if (state?.escalation) return 'escalated';
  return state?.applied?.changed ? 'changed' : 'unchanged';
}

/** The runbook's game days on the simulated account. */
export const gameDays = [
  {
    id: 'timeout-floor-raised',
    runbook: 'timeout-floor',
    description: 'orders-api has a timeout of 3, below 10: raised',
    environment: 'dev',
    warmUpMinutes: 5,
    expected: { runbookOutcome: 'changed', value: 10 },
    setup(account) {
      account.lambda.createFunction('orders-api', 3);
      return {};
    },
    inject: () => 'orders-api: timeout 3, below 10',
    startRequest: () => ({
      startRequest: { runbook: 'timeout-floor', target: 'lambda:orders-api', requestedBy: 'U01ONCALL' },
    }),
    async outcome(account, _world, facts) {
      return { runbookOutcome: runbookOutcomeOf(facts, outcomeOfReport), value: await valueIn(account) };
    },
    async finalState(account) {
      return { value: await valueIn(account) };
    },
    summary: (actual) => `${actual.runbookOutcome}: timeout ${actual.value}`,
  },
] satisfies Scenario<object, Outcome>[];
