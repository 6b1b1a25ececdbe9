import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../handlers/lib/errors.js';
import { parseTarget, targetKey } from '../../../../handlers/lib/targets.js';

describe('parseTarget', () => {
  it.each([
    ['lambda:checkout-api', { kind: 'function', functionName: 'checkout-api' }],
    ['lambda:checkout-api:live', { kind: 'function', functionName: 'checkout-api', alias: 'live' }],
    ['apigateway:checkout', { kind: 'api', apiName: 'checkout' }],
    ['sqs:orders-dlq.fifo', { kind: 'queue', queueName: 'orders-dlq.fifo' }],
    ['account:123456789012:eu-west-1', { kind: 'account', accountId: '123456789012', region: 'eu-west-1' }],
    ['secret:prod/payments/db', { kind: 'secret', secretName: 'prod/payments/db' }],
  ])('reads %s and writes it back the same', (key, target) => {
    expect(parseTarget(key)).toEqual(target);
    expect(targetKey(parseTarget(key))).toBe(key);
  });

  it.each([
    ['../../etc/passwd; rm -rf /', /unknown target kind/],
    ['lambda:../../etc/passwd; rm -rf /', /is not a Lambda function name/],
    ['lambda:checkout-api:7', /is not a Lambda alias name/],
    ['lambda:a:b:c', /lambda:<function>\[:<alias>\]/],
    [`lambda:${'f'.repeat(65)}`, /is not a Lambda function name/],
    ['sqs:orders dlq', /is not an SQS queue name/],
    ['account:12345:eu-west-1', /is not a 12-digit account id/],
    ['account:123456789012:mars-1', /is not a region/],
    ['secret:db password', /is not a secret name/],
    ['', /unknown target kind/],
    ['__proto__:x', /unknown target kind/],
    ['constructor:x', /unknown target kind/],
  ])('refuses %j with the reason', (key, reason) => {
    expect(() => parseTarget(key)).toThrow(InvalidInputError);
    expect(() => parseTarget(key)).toThrow(reason);
  });
});
