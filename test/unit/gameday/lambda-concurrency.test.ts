import {
  GetAccountSettingsCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvalidParameterValueException,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { evenly } from '../../../gameday/account/lambda/lambda-invocations.js';
import { SimulatedAccount } from '../../../gameday/account/simulated-account.js';

const start = new Date('2026-03-02T09:00:00Z');

function account(functions: string[] = ['fn']) {
  const sim = new SimulatedAccount({ start });
  for (const name of functions) {
    sim.lambda.createFunction(name);
    sim.lambda.publishVersion(name, { errorRate: 0, durationMs: 1000 });
    sim.lambda.createAlias({ FunctionName: name, Name: 'live', FunctionVersion: '1' });
  }
  return { sim, lambda: sim.clients().lambda };
}

/** `rate` requests a second for a minute, each running one second: concurrency `rate`. */
const steady = (functionName: string, rate: number, kind: 'sync' | 'async' = 'sync') => ({
  functionName,
  alias: 'live',
  kind,
  perSecond: evenly(rate * 60),
});

describe('simulated Lambda concurrency', () => {
  it('refuses a reservation that would leave less than 100 unreserved, with Lambda’s error', async () => {
    const { lambda } = account(['a', 'b']);
    await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'a', ReservedConcurrentExecutions: 850 }),
    );
    await expect(
      lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'b', ReservedConcurrentExecutions: 51 })),
    ).rejects.toThrow(/decreases account's UnreservedConcurrentExecution below its minimum value of \[100\]/);
    await expect(
      lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'b', ReservedConcurrentExecutions: 51 })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
    await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'b', ReservedConcurrentExecutions: 50 }),
    );
    const settings = await lambda.send(new GetAccountSettingsCommand({}));
    expect(settings.AccountLimit?.UnreservedConcurrentExecutions).toBe(100);
  });

  it('throttles a function at its reserved concurrency and counts the throttles', () => {
    const { sim } = account();
    sim.lambda.concurrency.putReserved('fn', 50);
    const [result] = sim.lambda.invocations.serveMinute([steady('fn', 80)], start);
    expect(result?.executed).toBe(3000);
    expect(result?.throttled).toBe(1800);
  });

  it('shares the unreserved pool in proportion to demand when it runs short', () => {
    const { sim } = account(['a', 'b']);
    const [a, b] = sim.lambda.invocations.serveMinute([steady('a', 900), steady('b', 300)], start);
    // 1,000 unreserved: a gets 750, b 250 of every second.
    expect(a?.executed).toBe(45_000);
    expect(b?.executed).toBe(15_000);
  });

  it('adds at most 1,000 environments per 10 seconds to a function', () => {
    const { sim } = account();
    sim.lambda.concurrency.accountLimit = 5_000;
    const [result] = sim.lambda.invocations.serveMinute([steady('fn', 2_000)], start);
    // 1,000 at once, then 100 more each second: 2,000 after 10 seconds.
    expect(result?.throttled).toBe(1_000 + 900 + 800 + 700 + 600 + 500 + 400 + 300 + 200 + 100);
  });

  it('allocates provisioned concurrency on the virtual clock, then serves from it first', async () => {
    const { sim, lambda } = account();
    await lambda.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: 'fn',
        Qualifier: 'live',
        ProvisionedConcurrentExecutions: 20,
      }),
    );
    const status = async () =>
      (
        await lambda.send(
          new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'fn', Qualifier: 'live' }),
        )
      ).Status;
    expect(await status()).toBe('IN_PROGRESS');
    sim.advance(180);
    expect(await status()).toBe('READY');
    const [result] = sim.lambda.invocations.serveMinute([steady('fn', 30)], sim.clock.now());
    expect(result?.onProvisioned).toBe(1_200);
    expect(result?.spillover).toBe(600);
  });

  it('retries throttled asynchronous events later instead of losing them', () => {
    const { sim } = account();
    sim.lambda.concurrency.putReserved('fn', 10);
    const first = sim.lambda.invocations.serveMinute([steady('fn', 20, 'async')], start);
    const later = sim.lambda.invocations.serveMinute(
      [steady('fn', 0, 'async')],
      new Date(start.getTime() + 60_000),
    );
    expect(first[0]?.throttled).toBe(600);
    expect(later[0]?.executed).toBe(600);
    expect(later[0]?.asyncDropped).toBe(0);
  });

  it('drops asynchronous events that are throttled again past their maximum event age', () => {
    const { sim } = account();
    sim.lambda.concurrency.putReserved('fn', 10);
    sim.lambda.concurrency.putAsyncConfig('fn', { FunctionName: 'fn', MaximumEventAgeInSeconds: 60 });
    const minute = (n: number) => new Date(start.getTime() + n * 60_000);
    const [first] = sim.lambda.invocations.serveMinute([steady('fn', 20, 'async')], minute(0));
    // The retries (a minute old, as old as allowed) meet a full function again and cannot wait longer.
    const [second] = sim.lambda.invocations.serveMinute([steady('fn', 10, 'async')], minute(1));
    expect(first?.asyncDropped).toBe(0);
    expect(second?.asyncDropped).toBe(600);
  });
});
