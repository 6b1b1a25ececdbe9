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
});
