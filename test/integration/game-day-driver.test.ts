import { describe, expect, it } from 'vitest';
import type { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import { SimulatedAccount as Account } from '../../gameday/account/simulated-account.js';
import { driveGameDay } from '../../gameday/driver/drive-game-day.js';
import { driveLocally } from '../../gameday/driver/drive-locally.js';
import { scenarioStart } from '../../gameday/scenario.js';
import { findScenario } from '../../gameday/scenarios/index.js';

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
      expect(result.cleanup).toHaveLength(1);
      const lambda = (account as SimulatedAccount).lambda;
      expect(account?.fis.runningExperiments()).toEqual([]);
      expect(lambda.faults.of('checkout-api')).toEqual([]);
      expect(lambda.configurations.latest('checkout-api').environment).toEqual({});
    },
  );

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
