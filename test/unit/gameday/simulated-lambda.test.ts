import {
  GetAliasCommand,
  PreconditionFailedException,
  ResourceNotFoundException,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { evenly } from '../../../gameday/account/lambda/lambda-invocations.js';
import { SimulatedAccount } from '../../../gameday/account/simulated-account.js';

function account() {
  const sim = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
  sim.lambda.createFunction('fn');
  sim.lambda.publishVersion('fn', { errorRate: 0, durationMs: 50 });
  sim.lambda.publishVersion('fn', { errorRate: 1, durationMs: 50 });
  sim.lambda.publishVersion('fn', { errorRate: 0, durationMs: 50 });
  sim.lambda.createAlias({ FunctionName: 'fn', Name: 'live', FunctionVersion: '1' });
  return sim;
}

describe('SimulatedLambda', () => {
  it('answers SDK calls with the SDK’s own modeled exceptions', async () => {
    const { lambda } = account().clients();
    await expect(
      lambda.send(new GetAliasCommand({ FunctionName: 'fn', Name: 'nope' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('makes alias updates conditional on the revision id', async () => {
    const { lambda } = account().clients();
    const alias = await lambda.send(new GetAliasCommand({ FunctionName: 'fn', Name: 'live' }));
    await lambda.send(
      new UpdateAliasCommand({
        FunctionName: 'fn',
        Name: 'live',
        FunctionVersion: '2',
        RevisionId: alias.RevisionId,
      }),
    );
    await expect(
      lambda.send(
        new UpdateAliasCommand({
          FunctionName: 'fn',
          Name: 'live',
          FunctionVersion: '3',
          RevisionId: alias.RevisionId,
        }),
      ),
    ).rejects.toBeInstanceOf(PreconditionFailedException);
  });

  it('splits traffic by routing weight and fails each version at its own rate', () => {
    const sim = account();
    sim.lambda.updateAlias({
      FunctionName: 'fn',
      Name: 'live',
      RoutingConfig: { AdditionalVersionWeights: { '2': 0.25 } },
    });
    const [result] = sim.lambda.invocations.serveMinute(
      [{ functionName: 'fn', alias: 'live', kind: 'sync', perSecond: evenly(100) }],
      sim.clock.now(),
    );
    expect(result?.errors).toBe(25);
  });

  it('rejects routing to more than one additional version, to $LATEST, or to the primary itself', () => {
    const sim = account();
    const update = (weights: Record<string, number>, version = '1') =>
      sim.lambda.updateAlias({
        FunctionName: 'fn',
        Name: 'live',
        FunctionVersion: version,
        RoutingConfig: { AdditionalVersionWeights: weights },
      });
    expect(() => update({ '2': 0.1, '3': 0.1 })).toThrow(/at most one additional version/);
    expect(() => update({ $LATEST: 0.1 })).toThrow(/published versions/);
    expect(() => update({ '1': 0.1 })).toThrow(/must differ/);
    expect(sim.lambda.aliasConfig('fn', 'live')).toEqual({ functionVersion: '1', weights: {} });
  });
});
