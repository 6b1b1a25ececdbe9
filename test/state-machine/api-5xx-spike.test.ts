import { describe, expect, it } from 'vitest';
import { runScenario } from '../../gameday/run-scenario.js';
import { badDeploy } from '../../gameday/scenarios/api-5xx-spike/checkout-service.js';
import { api5xxSpikeScenarios } from '../../gameday/scenarios/api-5xx-spike/game-days.js';
import { definitionOf } from '../../runbooks/definitions.js';
import { dispatchContext } from '../support/dispatch-context.js';

const api5xxSpikeDefinition = definitionOf('api-5xx-spike');

import { runLocally } from '../../state-machines/local-executor.js';
import { alarmEvent } from '../support/alarm-event.js';
import { checkoutAccount } from '../support/checkout-account.js';

describe('api-5xx-spike state machine, run locally on the simulated account', () => {
  const byId = (id: string) => {
    const scenario = api5xxSpikeScenarios.find((s) => s.id === id);
    if (!scenario) throw new Error(`no scenario ${id}`);
    return scenario;
  };

  it.each(api5xxSpikeScenarios.map((s) => [s.id, s] as const))(
    'meets the expectation of scenario %s',
    async (_id, scenario) => {
      const result = await runScenario(scenario);
      expect(result.actual).toEqual(scenario.expected);
      expect(result.outcome).toBe('passed');
    },
  );

  it('rolls back, waits in virtual time and reports the change with its duration (bad-deploy)', async () => {
    const result = await runScenario(byId('bad-deploy'));
    const states = result.timeline.filter((e) => e.kind === 'state').map((e) => e.text);
    expect(states).toEqual([
      'Gather evidence',
      'Decide',
      'Recent deploy to blame?',
      'Approval required?',
      'Ask for approval: within the change budget?',
      'Ask for approval: change granted?',
      'Roll back alias',
      'Start verification',
      'Let the alias settle',
      'Verify recovery',
      'Recovered?',
      'Report',
      'Release target',
    ]);
    expect(result.runbookSeconds).toBe(180);
    expect(result.wallMs).toBeLessThan(30_000);
    const report = result.report as {
      outcome: string;
      changed: { before: unknown; after: unknown }[];
      durationSeconds: number;
    };
    expect(report.outcome).toBe('remediated');
    expect(report.durationSeconds).toBe(180);
    expect(report.changed).toEqual([
      expect.objectContaining({
        what: 'alias checkout-api:live',
        before: { functionVersion: '6', additionalVersionWeights: {} },
        after: { functionVersion: '5', additionalVersionWeights: {} },
      }),
    ]);
  });

  it('asks a human in prod and changes nothing when rejected', async () => {
    const result = await runScenario(byId('approval-rejected'));
    const topics = result.finalState.notifications.map((n) => n.topic.split(':').pop());
    expect(topics).toEqual([expect.stringMatching(/-Approvals/), expect.stringMatching(/-Escalations/)]);
    expect((result.report as { summary: string }).summary).toMatch(/ApprovalRejectedError.*nothing changed/);
  });

  it('asks the next approver group when one does not answer, and escalates after the last', async () => {
    const result = await runScenario(byId('approval-timeout'));
    expect(result.runbookSeconds).toBe(1800);
    expect(result.finalState.notifications.map((n) => n.subject)).toEqual([
      'Approval needed (on-call): api-5xx-spike',
      'Approval needed (incident-leads): api-5xx-spike',
      expect.stringMatching(/^Escalation: api-5xx-spike: States.Timeout/),
    ]);
    expect((result.report as { escalation: { reason: string } }).escalation.reason).toMatch(
      /^States.Timeout/,
    );
  });

  it('escalates when the rollback does not bring the error rate down', async () => {
    const base = byId('bad-deploy');
    const brokenEverywhere: typeof base = {
      ...base,
      id: 'rollback-does-not-help',
      fault: undefined,
      inject: (account, world) => {
        account.lambda.setBehaviour(world.functionName, '5', { errorRate: 0.3, durationMs: 100 });
        return badDeploy(account, world);
      },
      expected: {
        runbookOutcome: 'escalated',
        executions: 1,
        aliasVersion: '5',
        alarmState: 'ALARM',
        changes: 1,
        escalations: 1,
      },
    };
    const result = await runScenario(brokenEverywhere);
    expect(result.actual).toEqual(brokenEverywhere.expected);
    expect(result.timeline.filter((e) => e.text === 'Verify recovery')).toHaveLength(3);
    expect((result.report as { summary: string }).summary).toMatch(
      /not recovered after 3 verification checks.*changed: alias/,
    );
  });

  it('escalates without changes when the alarm leads to no alias', async () => {
    const { account, deps } = await checkoutAccount();
    const event = alarmEvent({
      metric: { namespace: 'AWS/ApiGateway', name: '5XXError', dimensions: { ApiName: 'payments' } },
    });
    const result = await runLocally(
      api5xxSpikeDefinition,
      { ...event, dispatch: dispatchContext('api-5xx-spike', 'apigateway:payments') },
      {
        deps,
        approver: () => ({ decision: 'approve', by: 'test' }),
        advanceTime: (s) => account.advance(s),
        executionName: 'unknown-api',
      },
    );
    expect(result.status).toBe('SUCCEEDED');
    const report = (result as { output: { outcome: string; summary: string } }).output;
    expect(report.outcome).toBe('escalated');
    expect(report.summary).toMatch(/TargetNotResolvedError.*nothing changed/);
    expect(account.lambda.aliasConfig('checkout-api', 'live').functionVersion).toBe('5');
  });
});
