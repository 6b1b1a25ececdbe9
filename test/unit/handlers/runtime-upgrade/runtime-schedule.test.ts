import { describe, expect, it } from 'vitest';
import type { SimulatedAccount } from '../../../../gameday/account/simulated-account.js';
import { runScenario } from '../../../../gameday/run-scenario.js';
import { runtimeDemoAccount } from '../../../../gameday/runtime-demo-account.js';
import { scenarios } from '../../../../gameday/scenarios/catalogue.js';
import { runtimeInventory } from '../../../../handlers/runtime-upgrade/runtime-inventory.js';
import {
  acceptsUpdates,
  datesOf,
  deprecatedWithin,
  runtimeSchedule,
  successorOf,
} from '../../../../handlers/runtime-upgrade/runtime-schedule.js';

/** Every runtime a simulated account holds, in every function and version. */
function runtimesIn(account: SimulatedAccount): string[] {
  return account.lambda
    .all()
    .flatMap((fn) => [
      account.lambda.configurations.latest(fn.name).runtime,
      ...[...fn.versions.values()].map((v) => v.settings.runtime),
    ]);
}

describe('the runtime schedule', () => {
  it('holds every runtime the simulator and the inventory meet', async () => {
    const accounts = [runtimeDemoAccount(new Date('2026-11-23T00:00:00Z'))];
    for (const scenario of scenarios) await runScenario(scenario, { onAccount: (a) => accounts.push(a) });
    const seen = new Set(accounts.flatMap(runtimesIn));
    const missing = [...seen].filter((r) => !datesOf(r));
    expect(missing, `add ${missing.join(', ')} to handlers/runtime-upgrade/runtime-schedule.ts`).toEqual([]);
  });

  it('keeps dates in order and one row per runtime', () => {
    expect(new Set(runtimeSchedule.map((r) => r.runtime)).size).toBe(runtimeSchedule.length);
    for (const r of runtimeSchedule) {
      if (r.deprecated && r.blockCreate) expect(r.blockCreate >= r.deprecated).toBe(true);
      if (r.blockCreate && r.blockUpdate) expect(r.blockUpdate >= r.blockCreate).toBe(true);
    }
  });

  it('finds runtimes deprecated by a day or within a horizon, never on dates AWS did not announce', () => {
    const node18 = datesOf('nodejs18.x');
    const node22 = datesOf('nodejs22.x');
    if (!node18 || !node22) throw new Error('schedule incomplete');
    expect(deprecatedWithin(node18, '2025-09-01', 0)).toBe(true);
    expect(deprecatedWithin(node18, '2025-08-31', 0)).toBe(false);
    expect(deprecatedWithin(node22, '2026-11-23', 180)).toBe(true);
    expect(deprecatedWithin(node22, '2026-10-31', 180)).toBe(false);
    expect(acceptsUpdates(node18, '2027-08-30')).toBe(true);
    expect(acceptsUpdates(node18, '2027-08-31')).toBe(false);
  });

  it('moves to the newest runtime of the family that is supported on the day', () => {
    expect(successorOf('nodejs18.x', '2026-03-02')).toBe('nodejs24.x');
    expect(successorOf('python3.9', '2026-03-02')).toBe('python3.14');
    expect(successorOf('nodejs18.x', '2028-05-01')).toBeUndefined();
    expect(successorOf('cobol85', '2026-03-02')).toBeUndefined();
  });
});

describe('runtimeInventory', () => {
  it('lists every version on a due runtime with its dates, the aliases routing to it and where to move', async () => {
    const account = runtimeDemoAccount(new Date('2026-11-23T00:00:00Z'));
    const inventory = await runtimeInventory(account.clients().lambda, '2026-11-23', 180);
    const rows = inventory.functions.map((f) => [
      `${f.functionName}:${f.version}`,
      f.runtime,
      f.status,
      f.routedBy,
      f.moveTo,
    ]);
    expect(rows).toContainEqual([
      'orders-api:2',
      'nodejs18.x',
      'deprecated',
      [{ alias: 'live', weight: 1 }],
      'nodejs24.x',
    ]);
    expect(rows).toContainEqual(['orders-api:1', 'nodejs18.x', 'deprecated', [], 'nodejs24.x']);
    expect(rows).toContainEqual([
      'search-api:1',
      'nodejs22.x',
      'deprecating',
      [{ alias: 'live', weight: 1 }],
      'nodejs24.x',
    ]);
    // Supported beyond the horizon: not listed.
    expect(rows.some(([id]) => String(id).startsWith('checkout-api'))).toBe(false);
    expect(rows.some(([id]) => id === 'invoice-renderer:2')).toBe(false);
    expect(inventory.schedule).toContainEqual({
      runtime: 'nodejs18.x',
      deprecated: '2025-09-01',
      blockCreate: '2027-07-29',
      blockUpdate: '2027-08-31',
    });
  });

  it('names runtimes the schedule does not hold instead of guessing', async () => {
    const account = runtimeDemoAccount(new Date('2026-11-23T00:00:00Z'));
    account.lambda.createFunction('ancient', 30, 128, { runtime: 'nodejs10.x' });
    const inventory = await runtimeInventory(account.clients().lambda, '2026-11-23', 180);
    expect(inventory.unknownRuntimes).toEqual(['nodejs10.x']);
  });
});
