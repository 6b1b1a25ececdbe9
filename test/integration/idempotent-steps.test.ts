import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepDeps } from '../../handlers/lib/step-deps.js';
import { escalate } from '../../handlers/shared/escalate.js';
import { checkoutAccount } from '../support/checkout-account.js';
import { createTable, startDynalite } from '../support/dynalite-server.js';

describe('idempotent steps with the Powertools DynamoDB persistence layer on dynalite', () => {
  let dynamodb: DynamoDBClient;
  let stop: () => Promise<void>;
  let table = 0;

  beforeAll(async () => {
    ({ client: dynamodb, stop } = await startDynalite());
  });
  afterAll(() => stop());

  async function setup() {
    const { account, deps } = await checkoutAccount();
    const idempotencyTable = `idempotency-${++table}`;
    await createTable(dynamodb, idempotencyTable, 'id');
    const withDynalite: StepDeps = { ...deps, clients: { ...deps.clients, dynamodb }, idempotencyTable };
    return { account, deps: withDynalite };
  }

  const input = (executionId: string) => ({
    executionId,
    runbook: 'api-5xx-spike',
    state: { decision: { action: 'escalate', reason: 'no recent deploy' } },
  });

  it('pages on-call once when the escalation step is retried', async () => {
    const { account, deps } = await setup();
    const first = await escalate(input('exec-1'), deps);
    const retry = await escalate(input('exec-1'), deps);
    expect(retry).toEqual(first);
    expect(account.sns.published).toHaveLength(1);
    await escalate(input('exec-2'), deps);
    expect(account.sns.published).toHaveLength(2);
  });

  it('refuses a concurrent duplicate while the first is in progress', async () => {
    const { account, deps } = await setup();
    // A slow SNS call keeps the first invocation in progress while the duplicate arrives.
    const sns = deps.clients.sns;
    const slowSns = {
      send: async (command: never) =>
        new Promise((resolve) => setTimeout(resolve, 300)).then(() => sns.send(command)),
    };
    const slow: StepDeps = { ...deps, clients: { ...deps.clients, sns: slowSns as unknown as typeof sns } };
    const results = await Promise.allSettled([
      escalate(input('exec-3'), slow),
      escalate(input('exec-3'), slow),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(IdempotencyAlreadyInProgressError);
    expect(account.sns.published).toHaveLength(1);
  });

  it('remembers nothing when the step fails, so the retry acts', async () => {
    const { account, deps } = await setup();
    const broken: StepDeps = {
      ...deps,
      topics: { ...deps.topics, escalation: 'arn:aws:sns:eu-west-1:123456789012:missing' },
    };
    await expect(escalate(input('exec-4'), broken)).rejects.toThrow(/Topic does not exist/);
    await escalate(input('exec-4'), deps);
    expect(account.sns.published).toHaveLength(1);
  });
});
