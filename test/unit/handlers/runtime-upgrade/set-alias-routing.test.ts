import { describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../../../gameday/account/simulated-account.js';
import type { AuditRecord } from '../../../../handlers/lib/audit-trail.js';
import { ConfigurationChangedError } from '../../../../handlers/lib/errors.js';
import type { StepDeps } from '../../../../handlers/lib/step-deps.js';
import {
  type SetAliasRoutingInput,
  setAliasRouting,
} from '../../../../handlers/runtime-upgrade/set-alias-routing.js';

/** checkout-api:live on version 5, with version 6 published beside it: an account, nothing deployed. */
async function twoVersions() {
  const account = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
  const world = { functionName: 'checkout-api', alias: 'live' };
  account.lambda.createFunction(world.functionName);
  for (let version = 1; version <= 6; version += 1)
    account.lambda.publishVersion(world.functionName, { errorRate: 0, durationMs: 100 });
  account.lambda.createAlias({ FunctionName: world.functionName, Name: world.alias, FunctionVersion: '5' });
  const audit: AuditRecord[] = [];
  const deps = {
    clients: account.clients(),
    now: () => account.clock.now(),
    audit: { record: (entry: AuditRecord) => audit.push(entry) },
  } as unknown as StepDeps<'lambda'>;
  const revision = () =>
    account.lambda.getAlias({ FunctionName: world.functionName, Name: world.alias }).RevisionId ?? '';
  const input = (overrides: Partial<SetAliasRoutingInput> = {}): SetAliasRoutingInput => ({
    executionId: 'exec-1',
    runbook: 'runtime-upgrade',
    functionName: world.functionName,
    alias: world.alias,
    functionVersion: '5',
    additional: { version: '6', weight: 0.1 },
    expectRevisionId: revision(),
    purpose: 'canary',
    ...overrides,
  });
  const routing = () => account.lambda.aliasConfig(world.functionName, world.alias);
  return { account, world, audit, deps, input, revision, routing };
}

describe('setAliasRouting', () => {
  it('splits traffic for a canary and records the routing before and after', async () => {
    const { deps, audit, input, routing } = await twoVersions();
    const result = await setAliasRouting(input(), deps);
    expect(routing()).toEqual({ functionVersion: '5', weights: { '6': 0.1 } });
    expect(result).toMatchObject({ functionVersion: '5', weights: { '6': 0.1 } });
    expect(result.changedAt).toBe('2026-03-02T09:00:00.000Z');
    expect(audit).toEqual([
      expect.objectContaining({
        executionId: 'exec-1',
        runbook: 'runtime-upgrade',
        step: 'set-alias-routing',
        action: 'canary: route checkout-api:live',
        target: 'lambda:checkout-api:live',
        before: { functionVersion: '5', weights: {} },
        after: { functionVersion: '5', weights: { '6': 0.1 } },
      }),
    ]);
  });

  it('rolls back to exactly the routing the plan read: one version, no weights', async () => {
    const { deps, input, revision, routing } = await twoVersions();
    await setAliasRouting(input(), deps);
    await setAliasRouting(
      input({ functionVersion: '5', additional: null, expectRevisionId: revision(), purpose: 'rollback' }),
      deps,
    );
    expect(routing()).toEqual({ functionVersion: '5', weights: {} });
  });

  it('promotes: the new version alone', async () => {
    const { deps, input, revision, routing, audit } = await twoVersions();
    await setAliasRouting(input(), deps);
    await setAliasRouting(
      input({
        functionVersion: '6',
        additional: undefined,
        expectRevisionId: revision(),
        purpose: 'promote',
      }),
      deps,
    );
    expect(routing()).toEqual({ functionVersion: '6', weights: {} });
    expect(audit.at(-1)).toMatchObject({ action: 'promote: route checkout-api:live' });
  });

  it('changes the weight of the same canary version', async () => {
    const { deps, input, revision, routing } = await twoVersions();
    await setAliasRouting(input(), deps);
    await setAliasRouting(
      input({ additional: { version: '6', weight: 0.5 }, expectRevisionId: revision() }),
      deps,
    );
    expect(routing()).toEqual({ functionVersion: '5', weights: { '6': 0.5 } });
  });

  it('returns the routing it finds already set (a retry), changing nothing and recording it as found', async () => {
    const { deps, input, audit, routing } = await twoVersions();
    const first = input();
    await setAliasRouting(first, deps);
    // The retry carries the revision it started with, now stale: the first answer may have been lost.
    const again = await setAliasRouting(first, deps);
    expect(again).toMatchObject({ functionVersion: '5', weights: { '6': 0.1 } });
    expect(routing()).toEqual({ functionVersion: '5', weights: { '6': 0.1 } });
    expect(audit).toHaveLength(2);
    expect(audit[1]).toMatchObject({ action: expect.stringContaining('(found made'), requestIds: [] });
  });

  it('refuses to overwrite a change someone else made since the run last saw the alias', async () => {
    const { account, world, deps, input, audit, routing } = await twoVersions();
    const stale = input();
    account.lambda.updateAlias({ FunctionName: world.functionName, Name: world.alias, FunctionVersion: '6' });
    const refused = setAliasRouting(stale, deps);
    await expect(refused).rejects.toThrow(ConfigurationChangedError);
    await expect(setAliasRouting(stale, deps)).rejects.toThrow(
      "checkout-api:live changed since this run last saw it (now version 6); not overwriting someone else's change",
    );
    expect(routing()).toEqual({ functionVersion: '6', weights: {} });
    expect(audit).toEqual([]);
  });

  it('tells a routing with an extra weight from one without', async () => {
    const { deps, input, revision, routing } = await twoVersions();
    await setAliasRouting(input(), deps);
    // Same version, weights differ only by the canary's presence: a change.
    await setAliasRouting(input({ additional: null, expectRevisionId: revision() }), deps);
    expect(routing()).toEqual({ functionVersion: '5', weights: {} });
  });

  it('refuses a weight outside (0, 1)', async () => {
    const { deps, input } = await twoVersions();
    await expect(setAliasRouting(input({ additional: { version: '6', weight: 1 } }), deps)).rejects.toThrow(
      /weight/,
    );
    await expect(setAliasRouting(input({ additional: { version: '6', weight: 0 } }), deps)).rejects.toThrow(
      /weight/,
    );
  });

  it('moves an alias to another version with no weights (staging)', async () => {
    const { deps, input, routing, audit } = await twoVersions();
    await setAliasRouting(input({ functionVersion: '6', additional: null, purpose: 'staging' }), deps);
    expect(routing()).toEqual({ functionVersion: '6', weights: {} });
    expect(audit[0]).toMatchObject({ action: 'staging: route checkout-api:live' });
  });

  it('refuses input that is not a routing, naming the step', async () => {
    const { deps, input } = await twoVersions();
    await expect(setAliasRouting({ ...input(), purpose: 'sideways' } as never, deps)).rejects.toThrow(
      /set-alias-routing/,
    );
  });
});
