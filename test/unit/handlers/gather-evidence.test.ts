import { describe, expect, it } from 'vitest';
import { gatherEvidence } from '../../../handlers/api-5xx-spike/gather-evidence.js';
import { InvalidInputError, TargetNotResolvedError } from '../../../handlers/lib/errors.js';
import { alarmEvent } from '../../support/alarm-event.js';
import { checkoutAccount } from '../../support/checkout-account.js';

describe('gatherEvidence', () => {
  it('follows an API Gateway alarm to the Lambda alias behind the API and reads its state', async () => {
    const { account, world, deps } = await checkoutAccount();
    account.advance(30 * 60);
    const evidence = await gatherEvidence(
      { alarmEvent: alarmEvent(), executionId: 'e', lookbackMinutes: 60 },
      deps,
    );
    expect(evidence.target).toEqual({
      functionName: world.functionName,
      alias: world.alias,
      via: 'api-gateway',
      apiName: 'checkout',
    });
    expect(evidence.alias).toMatchObject({ functionVersion: '5', additionalVersionWeights: {} });
    expect(evidence.versions.map((v) => v.version)).toEqual(['5', '4', '3', '2', '1']);
    expect(evidence.versions[0]?.publishedAt).toBe('2026-02-26T09:00:00.000Z');
    expect(evidence.metrics.invocations).toBe(30 * 600);
    expect(evidence.alarm).toMatchObject({
      name: 'checkout-5xx-rate',
      threshold: 0.05,
      comparison: 'GreaterThanThreshold',
    });
  });

  it('reads the alias straight from a Lambda metric Resource dimension', async () => {
    const { deps } = await checkoutAccount();
    const event = alarmEvent({
      metric: {
        namespace: 'AWS/Lambda',
        name: 'Errors',
        dimensions: { FunctionName: 'checkout-api', Resource: 'checkout-api:live' },
      },
    });
    const evidence = await gatherEvidence({ alarmEvent: event, executionId: 'e', lookbackMinutes: 60 }, deps);
    expect(evidence.target).toEqual({ functionName: 'checkout-api', alias: 'live', via: 'lambda-alias' });
  });

  it('refuses an alarm on a function without an alias', async () => {
    const { deps } = await checkoutAccount();
    const event = alarmEvent({
      metric: { namespace: 'AWS/Lambda', name: 'Errors', dimensions: { FunctionName: 'checkout-api' } },
    });
    await expect(
      gatherEvidence({ alarmEvent: event, executionId: 'e', lookbackMinutes: 60 }, deps),
    ).rejects.toThrow(TargetNotResolvedError);
  });

  it('refuses an API it cannot find', async () => {
    const { deps } = await checkoutAccount();
    const event = alarmEvent({
      metric: { namespace: 'AWS/ApiGateway', name: '5XXError', dimensions: { ApiName: 'payments' } },
    });
    await expect(
      gatherEvidence({ alarmEvent: event, executionId: 'e', lookbackMinutes: 60 }, deps),
    ).rejects.toThrow(/expected one REST API named payments, found 0/);
  });

  it('names the malformed fields of an event that is not an alarm state change', async () => {
    const { deps } = await checkoutAccount();
    const event = { ...alarmEvent(), source: 'aws.ec2', resources: ['not-an-arn'] };
    const attempt = gatherEvidence({ alarmEvent: event, executionId: 'e', lookbackMinutes: 60 }, deps);
    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(
      gatherEvidence({ alarmEvent: event, executionId: 'e', lookbackMinutes: 60 }, deps),
    ).rejects.toThrow(/source: .*resources\.0: is not a CloudWatch alarm ARN/);
  });
});
