import { runbookOutcomeOf, type Scenario, type SimulatedAccount } from 'lambda-runbooks';
import { readTimeout } from './steps/check.js';

/** What a game day ends with: how the run ended, and the timeout the function has. */
interface Outcome {
  readonly runbookOutcome: string;
  readonly timeout: number;
}

const timeoutOf = (account: SimulatedAccount) => readTimeout(account.clients(), 'orders-api');

/** How a run ended, from its report (the Pass state's copy of the execution's state). */
function outcomeOfReport(report: unknown): string {
  const state = (report as { state?: { escalation?: unknown; applied?: { changed?: boolean } } }).state;
  if (state?.escalation) return 'escalated';
  return state?.applied?.changed ? 'changed' : 'unchanged';
}

/** A game day for each way the check can come out. */
function gameDay(id: string, startTimeout: number, expected: Outcome): Scenario<object, Outcome> {
  return {
    id,
    runbook: 'timeout-floor',
    description: `orders-api has a timeout of ${startTimeout} s against a floor of 10 s`,
    environment: 'dev',
    warmUpMinutes: 5,
    expected,
    setup(account) {
      account.lambda.createFunction('orders-api', startTimeout);
      return {};
    },
    inject: () => `orders-api: timeout ${startTimeout} s`,
    startRequest: () => ({
      startRequest: { runbook: 'timeout-floor', target: 'lambda:orders-api', requestedBy: 'U01ONCALL' },
    }),
    async outcome(account, _world, facts) {
      return { runbookOutcome: runbookOutcomeOf(facts, outcomeOfReport), timeout: await timeoutOf(account) };
    },
    async finalState(account) {
      return { timeout: await timeoutOf(account) };
    },
    summary: (actual) => `${actual.runbookOutcome}: timeout ${actual.timeout} s`,
  };
}

/** The runbook's game days on the simulated account. */
export const gameDays = [
  gameDay('timeout-floor-raised', 3, { runbookOutcome: 'changed', timeout: 10 }),
  gameDay('timeout-floor-already-fine', 30, { runbookOutcome: 'unchanged', timeout: 30 }),
];
