import { describe, expect, it } from 'vitest';
import { runScenario } from '../../gameday/run-scenario.js';
import { lambdaThrottlingScenarios } from '../../gameday/scenarios/lambda-throttling/game-days.js';
import type { ThrottlingReport } from '../../handlers/lambda-throttling/report-throttling.js';

const byId = (id: string) => {
  const scenario = lambdaThrottlingScenarios.find((s) => s.id === id);
  if (!scenario) throw new Error(`no scenario ${id}`);
  return scenario;
};

describe('lambda-throttling state machine, run locally on the simulated account', () => {
  it.each(lambdaThrottlingScenarios.map((s) => [s.id, s] as const))(
    'meets the expectation of %s',
    async (_id, scenario) => {
      const result = await runScenario(scenario);
      expect(result.actual).toEqual(scenario.expected);
    },
  );

  it('reports the reservation it raised, the command that restores it, and the account left unreserved', async () => {
    const result = await runScenario(byId('reserved-too-low'));
    expect(result.finalState.functions).toEqual([
      { name: 'payments-api', reserved: 40, provisioned: {}, eventSourceMaxConcurrency: null },
    ]);
    expect(result.finalState.account).toEqual({ limit: 1_000, unreserved: 960 });
    const report = result.report as ThrottlingReport;
    expect(report.restoreCommand).toBe(
      'aws lambda put-function-concurrency --function-name payments-api --reserved-concurrent-executions 20',
    );
    expect(report.evidence?.fn?.recent.throttles).toBeGreaterThan(0);
    expect(report.reasoning.at(-1)).toBe('payments-api ran at 20 of its reserved 20');
  });

  it('puts the exact previous configuration back and escalates when the change does not stop the throttles', async () => {
    const result = await runScenario(byId('raise-not-enough'));
    expect(result.finalState.functions[0]?.reserved).toBe(20);
    const report = result.report as ThrottlingReport;
    expect(report.change).toMatchObject({ before: 20, after: 40, reverted: true });
    expect(report.restoreCommand).toBeNull();
    expect(result.timeline.filter((e) => e.kind === 'change').map((e) => e.text)).toEqual([
      expect.stringMatching(/^set payments-api's reserved concurrency from 20 to 40 .*20 → 40$/),
      expect.stringMatching(/^restore payments-api reserved concurrency .*40 → 20$/),
    ]);
  });

  it('removes provisioned concurrency that fails to allocate, and escalates', async () => {
    const result = await runScenario(byId('provisioning-fails'));
    expect(result.finalState.functions[0]?.provisioned).toEqual({});
  });

  it('takes an event source cap off again when it does not stop the throttles', async () => {
    const result = await runScenario(byId('event-source-cap-not-enough'));
    expect(result.finalState.functions[0]?.eventSourceMaxConcurrency).toBeNull();
  });

  it('changes nothing when the approver rejects capping a neighbour', async () => {
    const result = await runScenario({
      ...byId('noisy-neighbour'),
      id: 'neighbour-rejected',
      approval: 'reject',
    });
    expect(result.actual).toMatchObject({
      runbookOutcome: 'escalated',
      cause: 'noisy-neighbour',
      change: 'none',
    });
    expect(result.finalState.functions.find((f) => f.name === 'report-generator')?.reserved).toBeNull();
  });
});
