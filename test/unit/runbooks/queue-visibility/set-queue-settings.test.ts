import { describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../../../gameday/account/simulated-account.js';
import type { AuditRecord } from '../../../../handlers/lib/audit-trail.js';
import { ConfigurationChangedError, InvalidInputError } from '../../../../handlers/lib/errors.js';
import type { StepDeps } from '../../../../handlers/lib/step-deps.js';
import type { QueueSettings } from '../../../../runbooks/queue-visibility/contract.js';
import { setQueueSettings } from '../../../../runbooks/queue-visibility/steps/set-queue-settings.js';
import { verifyQueueSettings } from '../../../../runbooks/queue-visibility/steps/verify-queue-settings.js';

/** `orders` at 30 s, dead-lettering into `orders-dlq` after 3 receives, on a bare account. */
function ordersQueue() {
  const account = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
  const dlqArn = account.sqs.arnOf(account.sqs.createQueue({ QueueName: 'orders-dlq' }).QueueUrl);
  const redrive = (maxReceiveCount: number) =>
    JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount });
  const url = account.sqs.createQueue({
    QueueName: 'orders',
    Attributes: { VisibilityTimeout: '30', RedrivePolicy: redrive(3) },
  }).QueueUrl;
  const audit: AuditRecord[] = [];
  const deps = {
    clients: account.clients(),
    now: () => account.clock.now(),
    audit: { record: (entry: AuditRecord) => audit.push(entry) },
  } as unknown as StepDeps<'sqs'>;
  const before: QueueSettings = { VisibilityTimeout: '30', RedrivePolicy: redrive(3) };
  const after: QueueSettings = { VisibilityTimeout: '190', RedrivePolicy: redrive(5) };
  const set = (from: QueueSettings, to: QueueSettings) =>
    setQueueSettings({ executionId: 'exec-1', runbook: 'queue-visibility', queueUrl: url, from, to }, deps);
  const held = () => {
    const { Attributes = {} } = account.sqs.getQueueAttributes({ QueueUrl: url, AttributeNames: ['All'] });
    return {
      VisibilityTimeout: Attributes.VisibilityTimeout,
      RedrivePolicy: JSON.parse(Attributes.RedrivePolicy ?? '{}'),
    };
  };
  return { account, url, audit, deps, before, after, set, held, dlqArn };
}

describe('set-queue-settings', () => {
  it('sets both attributes and records the change with what it replaced', async () => {
    const q = ordersQueue();
    const result = await q.set(q.before, q.after);
    expect(result).toEqual({ changed: true, before: q.before, after: q.after });
    expect(q.held()).toEqual({
      VisibilityTimeout: '190',
      RedrivePolicy: { deadLetterTargetArn: q.dlqArn, maxReceiveCount: 5 },
    });
    expect(q.audit).toMatchObject([
      {
        action: 'sqs:SetQueueAttributes',
        target: q.url,
        before: q.before,
        after: q.after,
        step: 'set-queue-settings',
      },
    ]);
  });

  it('changes nothing on a retry that finds the settings already made, and records them as found', async () => {
    const q = ordersQueue();
    await q.set(q.before, q.after);
    const again = await q.set(q.before, q.after);
    expect(again.changed).toBe(true);
    expect(q.audit).toHaveLength(2);
    expect(q.audit[1]).toMatchObject({
      action: expect.stringContaining('sqs:SetQueueAttributes (found made'),
      requestIds: [],
    });
  });

  it('puts back exactly what it replaced when run the other way round', async () => {
    const q = ordersQueue();
    await q.set(q.before, q.after);
    await q.set(q.after, q.before);
    expect(q.held()).toEqual({
      VisibilityTimeout: '30',
      RedrivePolicy: { deadLetterTargetArn: q.dlqArn, maxReceiveCount: 3 },
    });
    expect(q.audit.map((a) => a.after)).toEqual([q.after, q.before]);
  });

  it("refuses to overwrite a person's change made since the inspection", async () => {
    const q = ordersQueue();
    q.account.sqs.setQueueAttributes({ QueueUrl: q.url, Attributes: { VisibilityTimeout: '60' } });
    await expect(q.set(q.before, q.after)).rejects.toThrow(ConfigurationChangedError);
    expect(q.held().VisibilityTimeout).toBe('60');
    expect(q.audit).toHaveLength(0);
  });

  it('refuses a change that would add or drop a redrive policy', async () => {
    const q = ordersQueue();
    await expect(q.set(q.before, { VisibilityTimeout: '190' })).rejects.toThrow(InvalidInputError);
    expect(q.held().VisibilityTimeout).toBe('30');
  });

  it('reads the settings back, and counts its checks until the last', async () => {
    const q = ordersQueue();
    const check = (previousChecks: number) =>
      verifyQueueSettings({ queueUrl: q.url, expected: q.after, previousChecks, maxChecks: 3 }, q.deps);
    expect(await check(0)).toMatchObject({ verified: false, exhausted: false, checks: 1 });
    expect(await check(2)).toMatchObject({ verified: false, exhausted: true, checks: 3 });
    await q.set(q.before, q.after);
    expect(await check(2)).toMatchObject({ verified: true, exhausted: false, checks: 3 });
  });
});

describe('the simulated SQS, as SetQueueAttributes answers', () => {
  it('refuses a visibility timeout above 12 hours and a maxReceiveCount out of 1–1,000, changing nothing', () => {
    const q = ordersQueue();
    for (const Attributes of <Record<string, string>[]>[
      { VisibilityTimeout: '43201' },
      { VisibilityTimeout: '-1' },
      {
        VisibilityTimeout: '60',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: q.dlqArn, maxReceiveCount: 0 }),
      },
      { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: q.dlqArn, maxReceiveCount: 1001 }) },
      { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${q.dlqArn}-gone`, maxReceiveCount: 5 }) },
      { RedrivePolicy: '{not json' },
    ]) {
      expect(() => q.account.sqs.setQueueAttributes({ QueueUrl: q.url, Attributes })).toThrow(
        expect.objectContaining({ name: 'InvalidAttributeValue' }),
      );
    }
    expect(q.held()).toEqual({
      VisibilityTimeout: '30',
      RedrivePolicy: { deadLetterTargetArn: q.dlqArn, maxReceiveCount: 3 },
    });
    q.account.sqs.setQueueAttributes({ QueueUrl: q.url, Attributes: { VisibilityTimeout: '43200' } });
    expect(q.held().VisibilityTimeout).toBe('43200');
  });
});
