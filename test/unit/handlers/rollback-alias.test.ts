import { describe, expect, it } from 'vitest';
import { type RollbackInput, rollbackAlias } from '../../../handlers/api-5xx-spike/rollback-alias.js';
import { AliasChangedError, InvalidInputError } from '../../../handlers/lib/errors.js';
import { checkoutAccount } from '../../support/checkout-account.js';

async function badDeploy() {
  const setup = await checkoutAccount();
  const { account, world } = setup;
  account.lambda.publishVersion(world.functionName, { errorRate: 0.3, durationMs: 100 });
  const alias = account.lambda.updateAlias({
    FunctionName: world.functionName,
    Name: world.alias,
    FunctionVersion: '6',
  });
  const input: RollbackInput = {
    executionId: 'exec-1',
    runbook: 'api-5xx-spike',
    target: { functionName: world.functionName, alias: world.alias },
    expected: { functionVersion: '6', additionalVersionWeights: {}, revisionId: alias.RevisionId ?? '' },
    rollbackTo: '5',
  };
  return { ...setup, input };
}

describe('rollbackAlias', () => {
  it('points the alias back at the previous version and records before and after', async () => {
    const { account, world, audit, deps, input } = await badDeploy();
    const result = await rollbackAlias(input, deps);
    expect(result).toMatchObject({
      changed: true,
      before: { functionVersion: '6' },
      after: { functionVersion: '5' },
    });
    expect(account.lambda.aliasConfig(world.functionName, world.alias)).toEqual({
      functionVersion: '5',
      weights: {},
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'lambda:UpdateAlias',
      target: 'checkout-api:live',
      executionId: 'exec-1',
      before: { functionVersion: '6' },
      after: { functionVersion: '5' },
    });
  });

  it('returns the first result when the step is retried, without acting again', async () => {
    const { account, world, audit, deps, input } = await badDeploy();
    const first = await rollbackAlias(input, deps);
    const retry = await rollbackAlias(input, deps);
    expect(retry).toEqual(first);
    expect(audit).toHaveLength(1);
    expect(account.lambda.aliasConfig(world.functionName, world.alias).functionVersion).toBe('5');
  });

  it('changes nothing when it finds the alias rolled back since it decided, and records the change as found', async () => {
    const { account, world, audit, deps, input } = await badDeploy();
    await rollbackAlias(input, deps);
    // Not the same run's stored result: its answer was lost, or the change was made alongside.
    const other = await rollbackAlias({ ...input, executionId: 'exec-2' }, deps);
    expect(other.changed).toBe(true);
    expect(account.lambda.aliasConfig(world.functionName, world.alias).functionVersion).toBe('5');
    expect(audit).toHaveLength(2);
    expect(audit[1]).toMatchObject({
      executionId: 'exec-2',
      action: expect.stringContaining('lambda:UpdateAlias (found made'),
      before: { functionVersion: '6' },
      after: { functionVersion: '5' },
      requestIds: [],
    });
  });

  it('removes canary routing when rolling back', async () => {
    const { account, world, deps } = await checkoutAccount();
    account.lambda.publishVersion(world.functionName, { errorRate: 0.3, durationMs: 100 });
    const alias = account.lambda.updateAlias({
      FunctionName: world.functionName,
      Name: world.alias,
      RoutingConfig: { AdditionalVersionWeights: { '6': 0.2 } },
    });
    await rollbackAlias(
      {
        executionId: 'e',
        runbook: 'api-5xx-spike',
        target: { functionName: world.functionName, alias: world.alias },
        expected: {
          functionVersion: '5',
          additionalVersionWeights: { '6': 0.2 },
          revisionId: alias.RevisionId ?? '',
        },
        rollbackTo: '5',
      },
      deps,
    );
    expect(account.lambda.aliasConfig(world.functionName, world.alias)).toEqual({
      functionVersion: '5',
      weights: {},
    });
  });

  it('refuses to overwrite a change someone made after the evidence was gathered', async () => {
    const { account, world, audit, deps, input } = await badDeploy();
    account.lambda.publishVersion(world.functionName, { errorRate: 0, durationMs: 100 });
    account.lambda.updateAlias({ FunctionName: world.functionName, Name: world.alias, FunctionVersion: '7' });
    await expect(rollbackAlias(input, deps)).rejects.toThrow(AliasChangedError);
    expect(account.lambda.aliasConfig(world.functionName, world.alias).functionVersion).toBe('7');
    expect(audit).toHaveLength(0);
  });

  it('rejects a rollback target that is not a published version number, changing nothing', async () => {
    const { account, world, deps, input } = await badDeploy();
    await expect(rollbackAlias({ ...input, rollbackTo: '$LATEST' }, deps)).rejects.toThrow(InvalidInputError);
    await expect(rollbackAlias({ ...input, rollbackTo: '$LATEST' }, deps)).rejects.toThrow(/rollbackTo/);
    expect(account.lambda.aliasConfig(world.functionName, world.alias).functionVersion).toBe('6');
  });
});
