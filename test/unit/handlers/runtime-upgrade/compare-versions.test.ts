import { describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../../../gameday/account/simulated-account.js';
import {
  type CompareVersionsInput,
  compareVersions,
} from '../../../../handlers/runtime-upgrade/compare-versions.js';
import { runtimeUpgrade } from '../../../../runbooks/runtime-upgrade/runbook.js';

const since = '2026-03-02T09:00:30.000Z';

/**
 * An account whose `orders-api:live` served versions 1 and 2 side by side: per minute, each
 * version's calls, errors and total duration, as Lambda publishes them by `ExecutedVersion`.
 */
function canary(
  perMinute: Record<string, { calls: number; errors: number; durationMs: number }>,
  minutes: number,
) {
  const account = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
  const record = (minute: number, version: string, name: string, sum: number) =>
    account.metrics.record(
      {
        namespace: 'AWS/Lambda',
        name,
        dimensions: { FunctionName: 'orders-api', Resource: 'orders-api:live', ExecutedVersion: version },
      },
      new Date(Date.parse('2026-03-02T09:00:00Z') + minute * 60_000),
      { sum, count: 1, min: sum, max: sum },
    );
  for (let minute = 0; minute < minutes; minute += 1) {
    for (const [version, f] of Object.entries(perMinute)) {
      record(minute, version, 'Invocations', f.calls);
      record(minute, version, 'Errors', f.errors);
      record(minute, version, 'Duration', f.calls * f.durationMs);
    }
  }
  account.clock.set(Date.parse('2026-03-02T09:00:00Z') + minutes * 60_000);
  const input = (overrides: Partial<CompareVersionsInput> = {}): CompareVersionsInput => ({
    functionName: 'orders-api',
    alias: 'live',
    oldVersion: '1',
    newVersion: '2',
    alarms: [],
    since,
    previousChecks: 0,
    maxChecks: 3,
    guardrails: runtimeUpgrade.guardrails,
    ...overrides,
  });
  const deps = { clients: account.clients(), now: () => account.clock.now() };
  return { account, input, deps };
}

describe('compareVersions', () => {
  it('sums each version over the same minutes, leaving out the first (mixed) minute', async () => {
    const { input, deps } = canary(
      { '1': { calls: 900, errors: 9, durationMs: 100 }, '2': { calls: 100, errors: 1, durationMs: 110 } },
      6,
    );
    const result = await compareVersions(input(), deps as never);
    // Minutes 09:02 to 09:05: the canary began at 09:00:30, so 09:01 is its first whole minute, left out.
    expect(result.old).toEqual({
      version: '1',
      invocations: 3600,
      errors: 36,
      errorRate: 0.01,
      averageDurationMs: 100,
    });
    expect(result.new).toMatchObject({ version: '2', invocations: 400, errors: 4, averageDurationMs: 110 });
    expect(result).toMatchObject({
      verdict: 'healthy',
      checks: 1,
      since,
      checkedAt: '2026-03-02T09:06:00.000Z',
      alarmsFiring: [],
    });
    expect(result).not.toHaveProperty('problem');
  });

  it('judges a regression from the figures', async () => {
    const { input, deps } = canary(
      { '1': { calls: 900, errors: 0, durationMs: 100 }, '2': { calls: 100, errors: 30, durationMs: 100 } },
      6,
    );
    const result = await compareVersions(input(), deps as never);
    expect(result.verdict).toBe('regressed');
    expect(result.reason).toBe('version 2 failed 30.0% of 400 calls, version 1 0.0% of 3600');
    // What the escalation says.
    expect(result.problem).toBe(
      'canary regressed: version 2 failed 30.0% of 400 calls, version 1 0.0% of 3600',
    );
  });

  it('finds no problem while it waits for calls', async () => {
    const { input, deps } = canary(
      { '1': { calls: 900, errors: 0, durationMs: 100 }, '2': { calls: 5, errors: 0, durationMs: 100 } },
      6,
    );
    const result = await compareVersions(input(), deps as never);
    expect(result.verdict).toBe('wait');
    expect(result).not.toHaveProperty('problem');
  });

  it('reads zero calls before a whole minute has passed, and counts the check', async () => {
    const { input, deps } = canary({ '1': { calls: 900, errors: 0, durationMs: 100 } }, 1);
    const result = await compareVersions(input({ previousChecks: 2 }), deps as never);
    expect(result.new).toEqual({
      version: '2',
      invocations: 0,
      errors: 0,
      errorRate: 0,
      averageDurationMs: 0,
    });
    expect(result.checks).toBe(3);
    expect(result.verdict).toBe('insufficient-traffic');
    expect(result.problem).toBe(`canary insufficient-traffic: ${result.reason}`);
  });

  it('names the function’s alarms that are in ALARM', async () => {
    const { account, input, deps } = canary(
      { '1': { calls: 900, errors: 0, durationMs: 100 }, '2': { calls: 100, errors: 0, durationMs: 100 } },
      6,
    );
    for (const [name, missing] of [
      ['orders-errors', 'breaching'],
      ['orders-latency', 'notBreaching'],
      // Another function's alarm, in ALARM too: not one of the function's.
      ['billing-errors', 'breaching'],
    ] as const) {
      account.cloudwatch.putMetricAlarm({
        AlarmName: name,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: 'orders-api' }],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: missing,
      });
    }
    account.advance(120);
    const result = await compareVersions(
      input({ alarms: ['orders-errors', 'orders-latency'] }),
      deps as never,
    );
    expect(result.alarmsFiring).toEqual(['orders-errors']);
    expect(result.verdict).toBe('mixed');
  });

  it('reads nothing when the first whole minute has only just begun', async () => {
    const { account, input, deps } = canary({ '1': { calls: 900, errors: 0, durationMs: 100 } }, 1);
    account.clock.set(Date.parse('2026-03-02T09:02:00Z'));
    const result = await compareVersions(input(), deps as never);
    expect(result.old.invocations).toBe(0);
  });

  it('refuses input that is not a comparison, naming the step', async () => {
    const { input, deps } = canary({}, 1);
    await expect(compareVersions({ ...input(), maxChecks: 0 }, deps as never)).rejects.toThrow(
      /compare-versions/,
    );
  });
});
