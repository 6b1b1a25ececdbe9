import { describe, expect, it } from 'vitest';
import { judgeCanary } from '../../../../handlers/runtime-upgrade/canary-judgement.js';
import type { VersionFigures } from '../../../../handlers/runtime-upgrade/contract.js';
import { runtimeUpgrade } from '../../../../runbooks/runtime-upgrade/runbook.js';

const guardrails = runtimeUpgrade.guardrails;
const figures = (
  version: string,
  invocations: number,
  errors: number,
  averageDurationMs = 100,
): VersionFigures => ({
  version,
  invocations,
  errors,
  errorRate: invocations ? errors / invocations : 0,
  averageDurationMs,
});
const old = figures('1', 10_000, 10);

describe('judgeCanary', () => {
  it('passes a new version no worse than the old one', () => {
    expect(judgeCanary(old, figures('2', 1_000, 1), [], guardrails, 1, 3).verdict).toBe('healthy');
  });

  it('finds a regression in the error rate, naming both rates', () => {
    expect(judgeCanary(old, figures('2', 1_000, 100), [], guardrails, 1, 3)).toEqual({
      verdict: 'regressed',
      reason: 'version 2 failed 10.0% of 1000 calls, version 1 0.1% of 10000',
    });
  });

  it('tolerates a small rise within the absolute margin', () => {
    // 0.1% → 0.8%: eight times the old rate but within one percentage point.
    expect(judgeCanary(old, figures('2', 1_000, 8), [], guardrails, 1, 3).verdict).toBe('healthy');
  });

  it('finds a regression in latency', () => {
    expect(judgeCanary(old, figures('2', 1_000, 1, 160), [], guardrails, 1, 3).verdict).toBe('regressed');
    expect(judgeCanary(old, figures('2', 1_000, 1, 140), [], guardrails, 1, 3).verdict).toBe('healthy');
  });

  it('decides nothing on too few calls: a single failure among a handful is not a regression', () => {
    const few = figures('2', 20, 2);
    expect(judgeCanary(old, few, [], guardrails, 1, 3)).toEqual({
      verdict: 'wait',
      reason: '20 of 100 calls so far',
    });
    expect(judgeCanary(old, few, [], guardrails, 3, 3)).toEqual({
      verdict: 'insufficient-traffic',
      reason: 'only 20 calls reached version 2 in 3 checks (at least 100 needed to decide)',
    });
  });

  it('hands back on mixed evidence: an alarm fires while the new version is no worse', () => {
    const failingOld = figures('1', 10_000, 2_000);
    const verdict = judgeCanary(
      failingOld,
      figures('2', 1_000, 200),
      ['orders-api-errors'],
      guardrails,
      1,
      3,
    );
    expect(verdict.verdict).toBe('mixed');
    expect(verdict.reason).toMatch(/^orders-api-errors in ALARM while version 2 is no worse than 1/);
  });

  it('calls it a regression, not mixed, when the alarm fires because the new version is worse', () => {
    expect(judgeCanary(old, figures('2', 1_000, 100), ['orders-api-errors'], guardrails, 1, 3).verdict).toBe(
      'regressed',
    );
  });

  it('takes the larger of the two error limits: the absolute margin and the factor', () => {
    // Old 2%: limits 3% (margin) and 4% (twice): 3.5% is within.
    const old2 = figures('1', 10_000, 200);
    expect(judgeCanary(old2, figures('2', 1_000, 35), [], guardrails, 1, 3).verdict).toBe('healthy');
    expect(judgeCanary(old2, figures('2', 1_000, 41), [], guardrails, 1, 3).verdict).toBe('regressed');
  });

  it('is healthy exactly at the limits, and judges from exactly the minimum number of calls', () => {
    // 0.1% + 1 point = 1.1%: 11 errors in 1,000 calls is at the limit, not over it.
    expect(judgeCanary(old, figures('2', 1_000, 11), [], guardrails, 1, 3).verdict).toBe('healthy');
    // 1.5 × 100 ms = 150 ms is at the limit.
    expect(judgeCanary(old, figures('2', 1_000, 1, 150), [], guardrails, 1, 3).verdict).toBe('healthy');
    // 100 calls are enough to judge: 50 errors is a regression, not a wait.
    expect(judgeCanary(old, figures('2', 100, 50), [], guardrails, 1, 3).verdict).toBe('regressed');
  });

  it('judges latency only with enough calls and an old average to compare with', () => {
    expect(judgeCanary(old, figures('2', 20, 0, 1_000), [], guardrails, 1, 3).verdict).toBe('wait');
    const unmeasured = figures('1', 10_000, 10, 0);
    expect(judgeCanary(unmeasured, figures('2', 1_000, 1, 1_000), [], guardrails, 1, 3).verdict).toBe(
      'healthy',
    );
  });

  it('says what it saw, in each verdict', () => {
    expect(judgeCanary(old, figures('2', 1_000, 1, 160), [], guardrails, 1, 3).reason).toBe(
      'version 2 took 160 ms on average, version 1 100 ms',
    );
    expect(judgeCanary(old, figures('2', 1_000, 1, 120), [], guardrails, 1, 3).reason).toBe(
      'version 2: 0.1% errors, 120 ms over 1000 calls; version 1: 0.1%, 100 ms',
    );
    expect(judgeCanary(old, figures('2', 1_000, 1), ['a-errors', 'b-latency'], guardrails, 1, 3).reason).toBe(
      'a-errors, b-latency in ALARM while version 2 is no worse than 1: not deciding on mixed evidence',
    );
  });
});
