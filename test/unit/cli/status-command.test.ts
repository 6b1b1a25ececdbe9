import { describe, expect, it, vi } from 'vitest';
import { placeOfLeaseKey, statusCommand } from '../../../cli/status-command.js';
import { ChangeBudget } from '../../../handlers/lib/change-budget.js';
import { TargetLeases } from '../../../handlers/lib/target-lease.js';
import { leaseTableForCommands } from '../../support/dynalite-server.js';

const t0 = new Date('2026-03-02T09:00:00Z');
const settings = { perHour: 5, breakerFailures: 1, breakerWindowMinutes: 60 };

/** `runbook status` against a DynamoDB on loopback, reached through the SDK's own endpoint setting. */
describe('runbook status', () => {
  const table = leaseTableForCommands();

  it('reads a lease key’s account and region, the platform’s own as -', () => {
    expect(placeOfLeaseKey('target#444455556666/eu-west-1/lambda:orders-api')).toEqual({
      account: '444455556666',
      region: 'eu-west-1',
      target: 'lambda:orders-api',
    });
    expect(placeOfLeaseKey('target#lambda:orders-api')).toEqual({
      account: '-',
      region: '-',
      target: 'lambda:orders-api',
    });
  });

  it('shows the runs and cool-downs of every account, the hour’s automated changes and a paused breaker', async () => {
    const leases = new TargetLeases(table.client(), 'leases');
    await leases.acquireAll(['444455556666/eu-west-1/lambda:orders-api'], 'run-a', 'api-5xx-spike', 3600, t0);
    await leases.acquireAll(['lambda:orders-api'], 'run-b', 'api-5xx-spike', 3600, t0);
    await leases.acquireAll(['555566667777/eu-west-1/sqs:orders-dlq'], 'run-c', 'dlq-replay', 3600, t0);
    await leases.release('555566667777/eu-west-1/sqs:orders-dlq', 'run-c', 'dlq-replay', 900, t0);
    const budget = new ChangeBudget(table.client(), 'leases');
    await budget.take('run-a', 'prod', settings, t0);
    await budget.recordFailure('run-a', 'did not recover', settings, t0);
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => printed.push(line));
    expect(await statusCommand({ table: 'leases', region: 'eu-west-1', json: true, now: () => t0 })).toBe(0);
    vi.restoreAllMocks();
    const status = JSON.parse(printed.join('\n'));
    expect(status.automation).toMatch(/^paused since 2026-03-02T09:00:00.000Z/);
    expect(status.changesThisHour).toEqual({ prod: 1 });
    expect(
      status.running.map((r: { account: string; execution: string }) => [r.account, r.execution]),
    ).toEqual([
      ['-', 'run-b'],
      ['444455556666', 'run-a'],
    ]);
    expect(status.coolingDown).toEqual([
      {
        account: '555566667777',
        region: 'eu-west-1',
        target: 'sqs:orders-dlq',
        runbook: 'dlq-replay',
        until: '2026-03-02T09:15:00.000Z',
      },
    ]);
  });

  it('asks for the table before reading anything', async () => {
    await expect(statusCommand({ table: undefined, region: undefined, json: false })).rejects.toThrow(
      /status needs --table <name>/,
    );
  });
});
