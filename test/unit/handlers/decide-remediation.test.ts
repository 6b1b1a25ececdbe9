import { describe, expect, it } from 'vitest';
import { type DecideInput, decideRemediation } from '../../../handlers/api-5xx-spike/decide-remediation.js';
import type { Evidence } from '../../../handlers/api-5xx-spike/gather-evidence.js';
import { InvalidInputError } from '../../../handlers/lib/errors.js';
import type { StepDeps } from '../../../handlers/lib/step-deps.js';
import { api5xxSpike } from '../../../runbooks/api-5xx-spike/runbook.js';

const { guardrails } = api5xxSpike;
const alarmAt = '2026-03-02T10:00:00.000Z';
const minutesBefore = (m: number) => new Date(Date.parse(alarmAt) - m * 60_000).toISOString();

function evidence(alias: Evidence['alias'], versions: Evidence['versions']): Evidence {
  return {
    alarm: { name: 'a', arn: 'arn', stateChangedAt: alarmAt, reason: 'r', metric: 'm' },
    target: { functionName: 'checkout-api', alias: 'live', via: 'lambda-alias' },
    alias,
    versions,
    metrics: {
      windowStart: '',
      windowEnd: '',
      invocations: 100,
      errors: 30,
      errorRate: 0.3,
      recentErrors: [],
    },
    gatheredAt: alarmAt,
  };
}

const deps = (environment: StepDeps['environment']) => ({ environment }) as StepDeps;
const versions = [
  { version: '7', publishedAt: minutesBefore(10) },
  { version: '6', publishedAt: minutesBefore(60 * 24) },
  { version: '5', publishedAt: minutesBefore(60 * 48) },
];

describe('decideRemediation', () => {
  it('rolls back to the previous version when the alias version was published shortly before the alarm', async () => {
    const decision = await decideRemediation(
      {
        evidence: evidence({ functionVersion: '7', additionalVersionWeights: {}, revisionId: 'r' }, versions),
        guardrails,
      },
      deps('dev'),
    );
    expect(decision).toMatchObject({ action: 'rollback', rollbackTo: '6', approval: 'auto' });
    expect(decision.suspect).toMatchObject({ version: '7', minutesBeforeAlarm: 10 });
  });

  it('rolls a canary back to the primary version', async () => {
    const decision = await decideRemediation(
      {
        evidence: evidence(
          { functionVersion: '5', additionalVersionWeights: { '7': 0.1 }, revisionId: 'r' },
          versions,
        ),
        guardrails,
      },
      deps('dev'),
    );
    expect(decision).toMatchObject({ action: 'rollback', rollbackTo: '5', suspect: { version: '7' } });
    expect(decision.reason).toContain('canary');
  });

  it('escalates when no routed version is recent', async () => {
    const decision = await decideRemediation(
      {
        evidence: evidence({ functionVersion: '6', additionalVersionWeights: {}, revisionId: 'r' }, versions),
        guardrails,
      },
      deps('dev'),
    );
    expect(decision.action).toBe('escalate');
    expect(decision.rollbackTo).toBeUndefined();
  });

  it('ignores versions published after the alarm', async () => {
    const later = [
      { version: '8', publishedAt: new Date(Date.parse(alarmAt) + 60_000).toISOString() },
      ...versions.slice(1),
    ];
    const decision = await decideRemediation(
      {
        evidence: evidence({ functionVersion: '8', additionalVersionWeights: {}, revisionId: 'r' }, later),
        guardrails,
      },
      deps('dev'),
    );
    expect(decision.action).toBe('escalate');
  });

  it('escalates when the suspect has no older version to return to', async () => {
    const decision = await decideRemediation(
      {
        evidence: evidence({ functionVersion: '1', additionalVersionWeights: {}, revisionId: 'r' }, [
          { version: '1', publishedAt: minutesBefore(5) },
        ]),
        guardrails,
      },
      deps('dev'),
    );
    expect(decision).toMatchObject({ action: 'escalate', suspect: { version: '1' } });
  });

  it('requires a human in prod and staging, by the runbook policy', async () => {
    const input = {
      evidence: evidence({ functionVersion: '7', additionalVersionWeights: {}, revisionId: 'r' }, versions),
      guardrails,
    };
    expect((await decideRemediation(input, deps('prod'))).approval).toBe('human');
    expect((await decideRemediation(input, deps('staging'))).approval).toBe('human');
  });

  it('rejects guardrails that are missing a field', async () => {
    const { suspectWindowMinutes: _omitted, ...incomplete } = guardrails;
    const input = {
      evidence: evidence({ functionVersion: '7', additionalVersionWeights: {}, revisionId: 'r' }, versions),
      guardrails: incomplete,
    } as unknown as DecideInput;
    await expect(decideRemediation(input, deps('dev'))).rejects.toThrow(InvalidInputError);
    await expect(decideRemediation(input, deps('dev'))).rejects.toThrow(/guardrails.suspectWindowMinutes/);
  });
});
