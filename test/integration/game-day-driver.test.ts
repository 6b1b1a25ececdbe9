import { describe, expect, it } from 'vitest';
import type { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import { SimulatedAccount as Account } from '../../gameday/account/simulated-account.js';
import { callbackApprover } from '../../gameday/callback-approver.js';
import { driveGameDay } from '../../gameday/driver/drive-game-day.js';
import { driveLocally } from '../../gameday/driver/drive-locally.js';
import { scriptedApprover } from '../../gameday/run-scenario.js';
import { scenarioStart } from '../../gameday/scenario.js';
import { findScenario } from '../../gameday/scenarios/catalogue.js';
import { SimulatedPlatform } from '../../gameday/simulated-platform.js';

// The driver's AWS path, run through the real SDK clients (FIS, Lambda, CloudWatch, Step Functions)
// bound to a simulated account with the platform deployed.
describe('the closed-loop game-day driver', () => {
  it('drives a bad deploy to remediation and measures time to detect and to mitigate', async () => {
    const log: string[] = [];
    const result = await driveLocally(findScenario('bad-deploy'), { log: (l) => log.push(l) });
    expect(result).toMatchObject({
      outcome: 'passed',
      runbookOutcome: 'remediated',
      executionStatus: 'SUCCEEDED',
      timeToDetectSeconds: 120,
      timeToMitigateSeconds: 240,
    });
    expect(result.executionName).toMatch(/^api-5xx-spike-checkout-5xx-rate-/);
    // The runbook already rolled the alias back: the driver leaves that and restores the environment.
    expect(result.cleanup).toEqual([
      'live changed since the fault (now version 5): left as it is; checkout-api environment restored',
      'checked: nothing of the fault is left',
    ]);
    expect(result.faultGone).toBe(true);
    // The path comes from the execution's history, read through GetExecutionHistory.
    expect(result.path?.visited).toEqual(expect.arrayContaining(['Roll back alias', 'Release target']));
    expect(result.path?.failed).toEqual([]);
    expect(result.report).toMatchObject({ outcome: 'remediated' });
    expect(result.timeline.map((e) => e.text.split(':')[0])).toEqual([
      'fault',
      'alarm',
      'runbook',
      'runbook',
      'alarm',
      'clean-up',
      'clean-up',
    ]);
  });

  it('stops the FIS experiment when a game day ends with the fault still running', async () => {
    let account: SimulatedAccount | undefined;
    const result = await driveLocally(findScenario('no-recent-deploy'), {
      log: () => undefined,
      onAccount: (a) => (account = a),
    });
    expect(result).toMatchObject({
      outcome: 'passed',
      runbookOutcome: 'escalated',
      timeToMitigateSeconds: null,
    });
    expect(result.cleanup[0]).toMatch(/^experiment EXP\w+ stopped$/);
    expect(account?.fis.runningExperiments()).toEqual([]);
    expect(account?.lambda.faults.of('checkout-api')).toEqual([]);
  });

  it('drives the throttling game day: FIS slows orders-api, the runbook escalates rather than add capacity', async () => {
    let account: SimulatedAccount | undefined;
    const result = await driveLocally(findScenario('latency-driven'), {
      log: () => undefined,
      onAccount: (a) => (account = a),
    });
    expect(result).toMatchObject({
      outcome: 'passed',
      runbookOutcome: 'escalated',
      timeToDetectSeconds: 180,
      faultGone: true,
    });
    expect(result.report).toMatchObject({ cause: 'latency-driven' });
    expect(account?.lambda.faults.of('orders-api')).toEqual([]);
    // Nothing changed the function's reservation.
    expect(account?.lambda.concurrency.reservedOf('orders-api')).toBe(60);
  });

  it.each([
    ['no-recent-deploy', 'runbook: '],
    ['bad-deploy', 'alarm: '],
  ])(
    'takes the fault of %s back when interrupted midway, leaving nothing injected',
    async (id, interruptAt) => {
      const controller = new AbortController();
      let account: SimulatedAccount | undefined;
      const result = await driveLocally(findScenario(id), {
        log: (line) => {
          if (line.startsWith(interruptAt)) controller.abort();
        },
        signal: controller.signal,
        onAccount: (a) => (account = a),
      });
      expect(result.outcome).toBe('interrupted');
      expect(result.cleanup).toHaveLength(2);
      expect(result.faultGone).toBe(true);
      const lambda = (account as SimulatedAccount).lambda;
      expect(account?.fis.runningExperiments()).toEqual([]);
      expect(lambda.faults.of('checkout-api')).toEqual([]);
      expect(lambda.configurations.latest('checkout-api').environment).toEqual({});
    },
  );

  it('takes back a deployment fault interrupted halfway, waiting out the update it started', async () => {
    const account = new Account({ start: scenarioStart });
    const scenario = findScenario('bad-deploy');
    const platform = await SimulatedPlatform.deploy(account, {
      environment: scenario.environment,
      approver: scriptedApprover('approve'),
    });
    scenario.setup(account);
    await platform.advance(30 * 60);
    const lambda = account.lambda;
    const aliasBefore = lambda.getAlias({ FunctionName: 'checkout-api', Name: 'live' });
    const controller = new AbortController();
    const waits: { ms: number; interruptible: boolean }[] = [];
    const result = await driveGameDay(scenario, {
      clients: account.clients(),
      now: () => account.clock.now(),
      // The first wait is for the fault's own configuration update (10 s in progress): Ctrl-C there.
      sleep: async (ms, signal) => {
        waits.push({ ms, interruptible: signal !== undefined });
        if (waits.length === 1) controller.abort();
        signal?.throwIfAborted();
        await platform.advance(ms / 1000);
      },
      signal: controller.signal,
      log: () => undefined,
      approve: 'slack',
    });
    expect(result).toMatchObject({ outcome: 'interrupted', fault: null, faultGone: true });
    expect(result.cleanup).toEqual([
      'checkout-api environment restored',
      'checked: nothing of the fault is left',
    ]);
    // The clean-up waited for the fault's update to finish before restoring, uninterrupted.
    expect(waits.slice(1).every((w) => !w.interruptible)).toBe(true);
    expect(waits.length).toBeGreaterThan(1);
    expect(lambda.configurations.latest('checkout-api').environment).toEqual({});
    expect(lambda.getAlias({ FunctionName: 'checkout-api', Name: 'live' })).toEqual(aliasBefore);
  });

  it('answers the runbook’s approval requests only with --approve auto, through the approvals table and Step Functions', async () => {
    // A staging bad deploy: the rollback waits for a human; approvals go through the Step Functions
    // API (SendTaskSuccess), as the Slack endpoints answer them.
    const scenario = { ...findScenario('bad-deploy'), environment: 'staging' as const };
    const account = new Account({ start: scenarioStart });
    const platform = await SimulatedPlatform.deploy(account, {
      environment: scenario.environment,
      approver: callbackApprover(account.stepFunctions),
    });
    scenario.setup(account);
    await platform.advance(30 * 60);
    let running: Promise<void> | undefined;
    const log: string[] = [];
    const result = await driveGameDay(scenario, {
      clients: account.clients(),
      now: () => account.clock.now(),
      // Executions run beside the driver: one waiting for approval must not hold the driver up.
      sleep: async (ms) => {
        await platform.advance(ms / 1000);
        running ??= platform.settle().finally(() => {
          running = undefined;
        });
        await new Promise((resolve) => setImmediate(resolve));
      },
      log: (line) => log.push(line),
      approve: 'auto',
      approvalTable: platform.approvalTable,
    });
    await running;
    expect(result).toMatchObject({ outcome: 'passed', runbookOutcome: 'remediated', faultGone: true });
    expect(log).toContain('approval: on-call approved by the driver (sandbox, --approve auto)');
    expect(result.path?.visited).toEqual(expect.arrayContaining(['Ask for approval', 'Roll back alias']));
  });

  it('refuses an account without the game-day stack (not a sandbox) and injects nothing', async () => {
    const account = new Account({ start: scenarioStart });
    account.lambda.createFunction('checkout-api');
    const result = await driveGameDay(findScenario('bad-deploy'), {
      clients: account.clients(),
      now: () => account.clock.now(),
      sleep: async () => undefined,
      log: () => undefined,
      approve: 'slack',
    });
    expect(result).toMatchObject({ outcome: 'failed', fault: null, cleanup: [] });
    expect(result.reason).toMatch(/^NotASandboxError: no experiment template tagged runbooks:sandbox=true/);
    expect(account.lambda.fn('checkout-api').versions.size).toBe(0);
  });
});
