import { describe, expect, it } from 'vitest';
import { dispatchEvent } from '../../../../handlers/dispatcher/dispatch-event.js';
import { consumersOf } from '../../../../handlers/secret-rotation/consumers.js';
import { dispatchFixture } from '../../../support/dispatch-fixture.js';

/** A RotationFailed event as CloudTrail records it and EventBridge delivers it (AWS's documented shape). */
function rotationFailed(secretArn: string, overrides: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'd82e0a2d-f36e-11fd-37cb-cba423a71196',
    'detail-type': 'AWS Service Event via CloudTrail',
    source: 'aws.secretsmanager',
    account: '123456789012',
    time: '2026-03-02T09:50:20Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      eventVersion: '1.08',
      userIdentity: { accountId: '123456789012', invokedBy: 'secretsmanager.amazonaws.com' },
      eventTime: '2026-03-02T09:50:20Z',
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'RotationFailed',
      awsRegion: 'eu-west-1',
      errorMessage:
        'Error when executing lambda arn:aws:lambda:eu-west-1:123456789012:function:rotator during setSecret step',
      requestParameters: null,
      responseElements: null,
      additionalEventData: { SecretId: secretArn },
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      recipientAccountId: '123456789012',
      eventCategory: 'Management',
    },
    ...overrides,
  };
}

const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-a1B2c3';

describe('dispatching a failed rotation', () => {
  it('starts secret-rotation once on the secret, however often the event is delivered', async () => {
    const { deps, started } = await dispatchFixture();
    const [first] = await dispatchEvent(rotationFailed(arn), deps);
    const [again] = await dispatchEvent(rotationFailed(arn), deps);
    expect(first).toMatchObject({ action: 'start', runbook: 'secret-rotation', target: 'secret:orders/db' });
    expect(again).toMatchObject({ action: 'ignore', reason: expect.stringMatching(/duplicate delivery/) });
    expect(started()).toHaveLength(1);
    expect(JSON.parse(started()[0]?.input ?? '{}')).toMatchObject({
      rotationFailed: { secretId: arn, failedAt: '2026-03-02T09:50:20Z' },
      dispatch: { requestedBy: 'secrets-manager', target: 'secret:orders/db' },
    });
  });

  it('refuses events that are not a RotationFailed of a secret in the same account and region, starting nothing', async () => {
    const { deps, started } = await dispatchFixture();
    await expect(dispatchEvent(rotationFailed('not-an-arn'), deps)).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringMatching(/additionalEventData\.SecretId: is not a secret ARN/),
    });
    await expect(
      dispatchEvent(rotationFailed('arn:aws:secretsmanager:eu-west-1:999999999999:secret:db-a1B2c3'), deps),
    ).rejects.toThrow(/not in the event's account 123456789012/);
    const succeeded = rotationFailed(arn);
    await expect(
      dispatchEvent({ ...succeeded, detail: { ...succeeded.detail, eventName: 'RotationSucceeded' } }, deps),
    ).rejects.toThrow(/detail\.eventName/);
    expect(started()).toHaveLength(0);
  });
});

describe('a failed rotation in a registered workload account', () => {
  it('is refused: the hub rotates its own secrets only, and starts nothing', async () => {
    const fixture = await dispatchFixture();
    const spoke = '444455556666';
    const deps = {
      ...fixture.deps,
      config: {
        ...fixture.deps.config,
        accounts: [{ accountId: spoke, environment: 'prod' as const, regions: ['eu-west-1'] }],
      },
    };
    const event = rotationFailed(`arn:aws:secretsmanager:eu-west-1:${spoke}:secret:orders/db-a1B2c3`, {
      account: spoke,
    });
    const [outcome] = await dispatchEvent(event, deps);
    expect(outcome).toMatchObject({
      action: 'ignore',
      reason: expect.stringMatching(
        /secret-rotation acts on this deployment's own .* only, not those of account 444455556666/,
      ),
    });
    expect(fixture.started()).toHaveLength(0);
  });
});

describe('consumersOf', () => {
  it('reads function:alias entries from the tag and the start parameter, once each', () => {
    expect(consumersOf('orders-api:live billing:live', 'orders-api:live,reports:blue', 20)).toEqual([
      { functionName: 'orders-api', alias: 'live' },
      { functionName: 'billing', alias: 'live' },
      { functionName: 'reports', alias: 'blue' },
    ]);
    expect(consumersOf(undefined, undefined, 20)).toEqual([]);
  });

  it('refuses entries without an alias, that are not Lambda names, or too many', () => {
    expect(() => consumersOf('orders-api', undefined, 20)).toThrow(/names no alias/);
    expect(() => consumersOf('orders-api:live;rm', undefined, 20)).toThrow(/not a Lambda alias name/);
    expect(() => consumersOf('arn:aws:lambda:eu-west-1:1:function:x', undefined, 20)).toThrow(
      /a function target is lambda:<function>\[:<alias>\]/,
    );
    expect(() => consumersOf('orders api:live', undefined, 20)).toThrow(/names no alias/);
    expect(() => consumersOf('a:live b:live c:live', undefined, 2)).toThrow(/at most 2/);
  });
});
