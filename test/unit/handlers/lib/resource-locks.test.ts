import { describe, expect, it } from 'vitest';
import { lockKeysOf } from '../../../../handlers/lib/resource-locks.js';
import { parseTarget } from '../../../../handlers/lib/targets.js';

const home = { accountId: '123456789012', region: 'eu-west-1', home: true };
const keys = (
  target: string,
  scopes: readonly ('target' | 'account-concurrency')[],
  related: string[] = [],
) => lockKeysOf(parseTarget(target), scopes, home, related.map(parseTarget));

describe('lockKeysOf', () => {
  it('locks a function, not its alias: the alias and the function are one resource', () => {
    expect(keys('lambda:orders-api:live', ['target'])).toEqual(['lambda:orders-api']);
    expect(keys('lambda:orders-api', ['target'])).toEqual(['lambda:orders-api']);
  });

  it('locks each kind of target by its own key', () => {
    expect(keys('sqs:orders-dlq', ['target'])).toEqual(['sqs:orders-dlq']);
    expect(keys('secret:prod/db', ['target'])).toEqual(['secret:prod/db']);
    expect(keys('apigateway:checkout', ['target'])).toEqual(['apigateway:checkout']);
    expect(keys('account:123456789012:eu-west-1', ['target'])).toEqual(['account:123456789012:eu-west-1']);
  });

  it('adds the account’s concurrency pool in this deployment’s region, the target’s own key first', () => {
    expect(keys('lambda:orders-api:live', ['target', 'account-concurrency'])).toEqual([
      'lambda:orders-api',
      'account:123456789012:eu-west-1',
    ]);
    // An account target is the pool itself: one key.
    expect(keys('account:123456789012:eu-west-1', ['target', 'account-concurrency'])).toEqual([
      'account:123456789012:eu-west-1',
    ]);
  });

  it('adds the resources the target is bound to (the queues a DLQ serves), after its own', () => {
    expect(keys('sqs:orders-dlq', ['target'], ['sqs:orders', 'sqs:refunds'])).toEqual([
      'sqs:orders-dlq',
      'sqs:orders',
      'sqs:refunds',
    ]);
  });

  it('prefixes the keys of a target in another account or region with where it is, not its pool', () => {
    const elsewhere = { accountId: '444455556666', region: 'eu-west-1', home: false };
    expect(
      lockKeysOf(parseTarget('lambda:orders-api:live'), ['target', 'account-concurrency'], elsewhere),
    ).toEqual(['444455556666/eu-west-1/lambda:orders-api', 'account:444455556666:eu-west-1']);
    expect(lockKeysOf(parseTarget('lambda:orders-api'), ['target'], home)).not.toEqual(
      lockKeysOf(parseTarget('lambda:orders-api'), ['target'], elsewhere),
    );
  });
});
