import { describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import { runScenario } from '../../gameday/run-scenario.js';
import { scenarioStart } from '../../gameday/scenario.js';
import { dlqReplayScenarios } from '../../gameday/scenarios/dlq-replay/game-days.js';
import { createOrdersQueues } from '../../gameday/scenarios/dlq-replay/orders-queues.js';
import { SimulatedPlatform } from '../../gameday/simulated-platform.js';
import type { ReplayReport } from '../../handlers/dlq-replay/report-replay.js';
import { definitionOf } from '../../runbooks/definitions.js';
import { dispatchContext } from '../support/dispatch-context.js';

const dlqReplayDefinition = definitionOf('dlq-replay');

import { runLocally } from '../../state-machines/local-executor.js';

describe('dlq-replay state machine, run locally on the simulated account', () => {
  it.each(dlqReplayScenarios.map((s) => [s.id, s] as const))(
    '%s ends as expected with no message lost',
    async (_id, scenario) => {
      const result = await runScenario(scenario);
      expect(result.actual).toEqual(scenario.expected);
      expect(
        result.finalState.queues.every((q) => Number.isInteger(q.visible) && Number.isInteger(q.inFlight)),
      ).toBe(true);
    },
  );

  it('follows the consumer in controlled batches unless a person asked for a fixed rate', async () => {
    const byId = (id: string) => {
      const scenario = dlqReplayScenarios.find((s) => s.id === id);
      if (!scenario) throw new Error(`no scenario ${id}`);
      return runScenario(scenario);
    };
    const [fixed, poison] = await Promise.all([byId('consumer-fixed'), byId('poison-messages')]);
    for (const result of [fixed, poison]) {
      expect((result.report as ReplayReport).path).toBe('controlled');
      expect(result.finalState.sqsCalls.StartMessageMoveTask).toBeUndefined();
    }
  });

  /** Orders that the consumer will fail again, in a DLQ; the consumer has no recent errors to give it away. */
  async function silentlyBrokenConsumer() {
    const account = new SimulatedAccount({ start: scenarioStart });
    const queues = createOrdersQueues(account);
    account.lambda.createFunction('orders-consumer', 30);
    account.lambda.mapEventSource(queues.sourceArn, 'orders-consumer');
    account.sqs.attachConsumer(queues.sourceUrl, {
      functionName: 'orders-consumer',
      perMinute: 600,
      handles: () => false,
    });
    for (let i = 0; i < 300; i += 1)
      account.sqs.sendMessage({
        QueueUrl: queues.dlqUrl,
        MessageBody: JSON.stringify({ type: 'order-placed', orderId: i }),
      });
    const platform = await SimulatedPlatform.deploy(account, {
      environment: 'dev',
      approver: () => ({ decision: 'approve', by: 'test' }),
    });
    return { account, platform, ...queues };
  }

  it('stops and escalates when replayed messages come back to the DLQ, losing none', async () => {
    const { account, platform, dlqUrl, sourceUrl } = await silentlyBrokenConsumer();
    // One message every five seconds: the first replayed ones fail three times and return while the rest wait.
    const result = await runLocally(
      dlqReplayDefinition,
      {
        dlq: 'orders-dlq',
        ratePerSecond: 0.2,
        maxMessages: 299,
        // As the dispatcher starts every run: its automated change is taken from the budget.
        dispatch: dispatchContext('dlq-replay', 'sqs:orders-dlq'),
      },
      {
        deps: platform.stepDeps,
        approver: () => ({ decision: 'approve', by: 'test' }),
        advanceTime: (s) => account.advance(s),
        executionName: 'stop-condition',
      },
    );
    expect(result.status).toBe('SUCCEEDED');
    const report = (result as { output: ReplayReport }).output;
    expect(report.outcome).toBe('stopped');
    expect(report.summary).toMatch(/^stopped: about \d+ of \d+ replayed messages came back to the DLQ/);
    expect(account.sns.published.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Escalation: dlq-replay: about \d+ of \d+ replayed/),
    ]);
    const total = account.sqs.contents(dlqUrl).length + account.sqs.contents(sourceUrl).length;
    expect(total).toBe(300);
  });

  it('on a dry run shows the plan and moves nothing', async () => {
    const { account, platform, dlqUrl } = await silentlyBrokenConsumer();
    const result = await runLocally(
      dlqReplayDefinition,
      {
        dlq: 'orders-dlq',
        dryRun: true,
        ratePerSecond: 100,
        dispatch: dispatchContext('dlq-replay', 'sqs:orders-dlq'),
      },
      {
        deps: platform.stepDeps,
        approver: () => ({ decision: 'approve', by: 'test' }),
        advanceTime: (s) => account.advance(s),
        executionName: 'dry-run',
      },
    );
    const report = (result as { output: ReplayReport }).output;
    expect(report).toMatchObject({ outcome: 'dry-run', replayed: 0, leftInDlq: 300 });
    expect(report.summary).toBe(
      'dry run: Replay 300 of 300 messages from orders-dlq to orders at 100/s (about 3 s, SQS move task), ~0 to quarantine; nothing moved',
    );
    expect(account.sqs.depth(dlqUrl)).toEqual({ visible: 300, inFlight: 0 });
    // Without a rate asked, the plan follows the consumer up to the environment's guardrail.
    const adaptive = await runLocally(
      dlqReplayDefinition,
      { dlq: 'orders-dlq', dryRun: true, dispatch: dispatchContext('dlq-replay', 'sqs:orders-dlq') },
      {
        deps: platform.stepDeps,
        approver: () => ({ decision: 'approve', by: 'test' }),
        advanceTime: (s) => account.advance(s),
        executionName: 'dry-run-adaptive',
      },
    );
    expect((adaptive as { output: ReplayReport }).output.summary).toBe(
      'dry run: Replay 300 of 300 messages from orders-dlq to orders as fast as the consumer keeps up, from 100/s up to 500/s (at least 1 s, controlled batches), ~0 to quarantine; nothing moved',
    );
  });

  it('escalates, moving nothing, when the run names an account the platform has no spoke in', async () => {
    const { account, platform, dlqUrl } = await silentlyBrokenConsumer();
    const result = await runLocally(
      dlqReplayDefinition,
      {
        dlq: 'orders-dlq',
        dispatch: { ...dispatchContext('dlq-replay', 'sqs:orders-dlq'), account: '999988887777' },
      },
      {
        deps: platform.stepDeps,
        approver: () => ({ decision: 'approve', by: 'test' }),
        advanceTime: (s) => account.advance(s),
        executionName: 'foreign-account',
        arns: {
          execution: 'arn:aws:states:eu-west-1:123456789012:execution:runbook-dlq-replay:foreign-account',
          stateMachine: 'arn:aws:states:eu-west-1:123456789012:stateMachine:runbook-dlq-replay',
        },
      },
    );
    const report = (result as { output: ReplayReport }).output;
    expect(report.outcome).toBe('escalated');
    expect(report.summary).toMatch(
      /SpokeRoleUnavailableError.*deploy the spoke stack to account 999988887777/,
    );
    expect(account.sqs.depth(dlqUrl)).toEqual({ visible: 300, inFlight: 0 });
  });

  it('names what is wrong when the DLQ does not exist, changing nothing', async () => {
    const { account, platform } = await silentlyBrokenConsumer();
    const result = await runLocally(
      dlqReplayDefinition,
      { dlq: 'no-such-queue', dispatch: dispatchContext('dlq-replay', 'sqs:no-such-queue') },
      {
        deps: platform.stepDeps,
        approver: () => ({ decision: 'approve', by: 'test' }),
        advanceTime: (s) => account.advance(s),
        executionName: 'unknown-dlq',
      },
    );
    const report = (result as { output: ReplayReport }).output;
    expect(report.outcome).toBe('escalated');
    expect(report.summary).toMatch(/TargetNotResolvedError/);
  });
});
