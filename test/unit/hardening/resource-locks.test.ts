import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { createOrdersQueues } from '../../../gameday/scenarios/dlq-replay/orders-queues.js';
import { startManually } from '../../../handlers/dispatcher/manual-start.js';
import { parseTarget } from '../../../handlers/lib/targets.js';
import { releaseLease } from '../../../handlers/shared/release-lease.js';
import { dispatchFixture } from '../../support/dispatch-fixture.js';

/** A start a person asks for: a runbook on a target key, with the parameters it needs. */
interface Ask {
  readonly runbook: string;
  readonly target: string;
  readonly parameters?: Readonly<Record<string, string>>;
}

const ask = (runbook: string, target: string, parameters?: Record<string, string>): Ask => ({
  runbook,
  target,
  ...(parameters ? { parameters } : {}),
});

/**
 * The account behind these starts: the checkout API in front of `checkout-api:live`, a second
 * function `orders-api`, the orders queue dead-lettering into `orders-dlq`.
 */
async function lockFixture() {
  const fixture = await dispatchFixture();
  fixture.account.lambda.createFunction('orders-api');
  createOrdersQueues(fixture.account);
  const start = ({ runbook, target, parameters }: Ask) =>
    startManually(
      {
        runbook,
        target: parseTarget(target),
        parameters: parameters ?? (runbook === 'runtime-upgrade' ? { runtime: 'nodejs24.x' } : {}),
        requestedBy: 'cli:oncall',
        force: false,
      },
      fixture.deps,
    );
  return { ...fixture, start };
}

const account = 'account:123456789012:eu-west-1';

/**
 * Every pair of runbooks on targets that overlap: a function with its alias or the API in front of
 * it, the account's concurrency pool with a function's reserved concurrency, a dead-letter queue
 * with the queue it serves, a secret with itself.
 */
const overlapping: readonly (readonly [Ask, Ask])[] = [
  [ask('runtime-upgrade', 'lambda:checkout-api'), ask('runtime-upgrade', 'lambda:checkout-api:live')],
  [ask('runtime-upgrade', 'lambda:checkout-api'), ask('api-5xx-spike', 'lambda:checkout-api:live')],
  [ask('runtime-upgrade', 'lambda:checkout-api'), ask('api-5xx-spike', 'apigateway:checkout')],
  [ask('runtime-upgrade', 'lambda:checkout-api:live'), ask('lambda-throttling', 'lambda:checkout-api')],
  [ask('api-5xx-spike', 'apigateway:checkout'), ask('runtime-upgrade', 'lambda:checkout-api')],
  [ask('api-5xx-spike', 'apigateway:checkout'), ask('lambda-throttling', 'lambda:checkout-api:live')],
  [ask('api-5xx-spike', 'lambda:checkout-api:live'), ask('api-5xx-spike', 'apigateway:checkout')],
  [ask('lambda-throttling', 'lambda:checkout-api'), ask('api-5xx-spike', 'apigateway:checkout')],
  [ask('lambda-throttling', 'lambda:checkout-api'), ask('runtime-upgrade', 'lambda:checkout-api:live')],
  [ask('lambda-throttling', 'lambda:orders-api'), ask('lambda-throttling', 'lambda:checkout-api')],
  [ask('lambda-throttling', account), ask('lambda-throttling', 'lambda:checkout-api')],
  [ask('lambda-throttling', 'lambda:orders-api'), ask('lambda-throttling', account)],
  [ask('dlq-replay', 'sqs:orders-dlq'), ask('dlq-replay', 'sqs:orders')],
  [ask('dlq-replay', 'sqs:orders'), ask('dlq-replay', 'sqs:orders-dlq')],
  [
    ask('secret-rotation', 'secret:orders-db'),
    // Another request (the same one again is a duplicate of the first).
    ask('secret-rotation', 'secret:orders-db', { consumers: 'checkout-api:live' }),
  ],
];

/** Pairs that share nothing: both start. */
const apart: readonly (readonly [Ask, Ask])[] = [
  [ask('runtime-upgrade', 'lambda:checkout-api'), ask('runtime-upgrade', 'lambda:orders-api')],
  [ask('api-5xx-spike', 'apigateway:checkout'), ask('runtime-upgrade', 'lambda:orders-api')],
  [ask('lambda-throttling', 'lambda:checkout-api'), ask('runtime-upgrade', 'lambda:orders-api')],
  [ask('runtime-upgrade', 'lambda:checkout-api'), ask('dlq-replay', 'sqs:orders-dlq')],
  [ask('runtime-upgrade', 'lambda:checkout-api'), ask('secret-rotation', 'secret:orders-db')],
  [ask('dlq-replay', 'sqs:orders-dlq'), ask('secret-rotation', 'secret:orders-db')],
];

const label = ([first, second]: readonly [Ask, Ask]) =>
  `${first.runbook} on ${first.target}, then ${second.runbook} on ${second.target}`;

describe('one runbook per resource', () => {
  it.each(overlapping.map((pair) => [label(pair), pair] as const))(
    'refuses the second of %s, naming the holder',
    async (_, [first, second]) => {
      const { start, started } = await lockFixture();
      const held = await start(first);
      expect(held, 'the first start').toMatchObject({ action: 'start' });
      const refused = await start(second);
      expect(refused).toMatchObject({
        action: 'ignore',
        reason: expect.stringMatching(new RegExp(`is locked by ${first.runbook} execution `)),
      });
      expect(started()).toHaveLength(1);
    },
  );

  it.each(apart.map((pair) => [label(pair), pair] as const))(
    'starts both of %s',
    async (_, [first, second]) => {
      const { start, started } = await lockFixture();
      expect(await start(first)).toMatchObject({ action: 'start' });
      expect(await start(second)).toMatchObject({ action: 'start' });
      expect(started()).toHaveLength(2);
    },
  );

  it('holds the function and the account pool for a throttling fix, and frees both when it ends', async () => {
    const { start, started, account: simulated, platform } = await lockFixture();
    const first = await start(ask('lambda-throttling', 'lambda:checkout-api'));
    const holding = () =>
      simulated.dynamodb
        .scan(platform.leaseTable)
        .map((item) => unmarshall(item))
        .filter((item) => item.holder === first.executionName)
        .map((item) => item.pk)
        .sort();
    expect(holding()).toEqual(['target#account:123456789012:eu-west-1', 'target#lambda:checkout-api']);
    const [execution] = started();
    await releaseLease(
      { executionName: execution?.name ?? '', executionInput: JSON.parse(execution?.input ?? '{}') },
      platform.stepDeps,
    );
    expect(await start(ask('runtime-upgrade', 'lambda:checkout-api:live'))).toMatchObject({
      action: 'start',
    });
    expect(await start(ask('lambda-throttling', 'lambda:orders-api'))).toMatchObject({ action: 'start' });
  });
});
