import { describe, expect, it } from 'vitest';
import { escalate } from '../../../handlers/shared/escalate.js';
import { checkoutAccount } from '../../support/checkout-account.js';

describe('escalate', () => {
  it('pages on-call through the escalation topic with the reason and the evidence', async () => {
    const { account, deps, platform } = await checkoutAccount();
    const result = await escalate(
      {
        executionId: 'exec-1',
        runbook: 'api-5xx-spike',
        state: { evidence: { alarm: 'x' }, decision: { action: 'escalate', reason: 'no recent deploy' } },
      },
      deps,
    );
    expect(result.reason).toBe('no recent deploy');
    const [message] = account.sns.published;
    expect(message?.topicArn).toBe(platform.topics.escalation);
    expect(JSON.parse(message?.message ?? '{}')).toMatchObject({
      reason: 'no recent deploy',
      evidence: { alarm: 'x' },
    });
  });

  it('explains a caught Lambda error by its message', async () => {
    const { deps } = await checkoutAccount();
    const result = await escalate(
      {
        executionId: 'e',
        runbook: 'api-5xx-spike',
        state: {
          failure: { Error: 'AliasChangedError', Cause: JSON.stringify({ errorMessage: 'alias moved' }) },
        },
      },
      deps,
    );
    expect(result.reason).toBe('AliasChangedError: alias moved');
  });

  it.each([
    [
      'the problem a step found, for a runbook the escalation knows nothing of',
      { gathered: { value: 3 }, judged: { ok: false, problem: 'orders-api still has a 3 s timeout' } },
      'orders-api still has a 3 s timeout',
    ],
    [
      'a decision not to act before any problem found later',
      { plan: { action: 'escalate', reason: 'already on nodejs24.x' }, smoke: { problem: 'later' } },
      'already on nodejs24.x',
    ],
    [
      'what the rollback left when it did not help',
      {
        consumerCheck: { allHealthy: false, problem: 'consumers cannot use the secret: a (401)' },
        afterRollback: { allHealthy: false, problem: 'consumers cannot use the secret: a (timeout)' },
      },
      'consumers cannot use the secret: a (401); after the rollback still failing: consumers cannot use the secret: a (timeout)',
    ],
    [
      'a rollback that worked',
      {
        consumerCheck: { problem: 'consumers cannot use the secret: a (401)' },
        afterRollback: { allHealthy: true },
      },
      'consumers cannot use the secret: a (401); rolled back, and the check passes again',
    ],
    [
      'nothing at all',
      { evidence: { alarm: 'x' }, notes: 'text', list: [{ problem: 'inside a list' }] },
      'the runbook could not finish',
    ],
  ])('says %s', async (_what, state, reason) => {
    const { deps } = await checkoutAccount();
    const result = await escalate({ executionId: `e-${reason.length}`, runbook: 'any-runbook', state }, deps);
    expect(result.reason).toBe(reason);
  });

  it('counts a run that changed something towards the circuit breaker, which pauses automation', async () => {
    const { account, deps } = await checkoutAccount();
    const changeBudget = { perHour: 5, breakerFailures: 1, breakerWindowMinutes: 60 };
    const untouched = await escalate(
      {
        executionId: 'e-decided',
        runbook: 'api-5xx-spike',
        state: { dispatch: { changeBudget }, decision: { action: 'escalate', reason: 'no recent deploy' } },
      },
      deps,
    );
    expect(untouched.automationPaused).toBe(false);
    const changed = await escalate(
      {
        executionId: 'e-changed',
        runbook: 'api-5xx-spike',
        state: {
          dispatch: { changeBudget },
          changeGate: { granted: true, reason: 'automated change 1 of 5 this hour in dev' },
          verification: { recovered: false, problem: 'not recovered after 3 verification checks' },
        },
      },
      deps,
    );
    expect(changed.automationPaused).toBe(true);
    const message = JSON.parse(account.sns.published.at(-1)?.message ?? '{}') as { reason: string };
    expect(message.reason).toMatch(
      /^not recovered after 3 verification checks; automatic remediation is paused: 1 runs failed/,
    );
  });
});
