import { UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { InvalidExecutionInput, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../../gameday/account/simulated-account.js';
import { scenarioStart } from '../../../gameday/scenario.js';

describe('the simulated account’s limits, as AWS documents them', () => {
  it('refuses execution input above 256 KiB, and accepts it at 256 KiB', async () => {
    const account = new SimulatedAccount({ start: scenarioStart });
    const machine = account.stepFunctions.createStateMachine('runbook-x');
    const { sfn } = account.clients();
    const input = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - 10) });
    expect(Buffer.byteLength(input(262_144))).toBe(262_144);
    await expect(
      sfn.send(
        new StartExecutionCommand({ stateMachineArn: machine, name: 'at-limit', input: input(262_144) }),
      ),
    ).resolves.toMatchObject({ executionArn: expect.stringContaining(':at-limit') });
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'over', input: input(300_000) })),
    ).rejects.toBeInstanceOf(InvalidExecutionInput);
    expect(account.stepFunctions.all().map((e) => e.name)).toEqual(['at-limit']);
  });

  it.each([
    ['A', /regular expression pattern/],
    ['1ST', /regular expression pattern/],
    ['MY-FLAG', /regular expression pattern/],
    ['AWS_REGION', /reserved keys .*: AWS_REGION/],
    ['_HANDLER', /regular expression pattern/],
  ])('refuses the environment variable key %s as Lambda does, changing nothing', async (key, message) => {
    const account = new SimulatedAccount({ start: scenarioStart });
    account.lambda.createFunction('orders-api', 30, 512, { environment: { LOG_LEVEL: 'info' } });
    const { lambda } = account.clients();
    await expect(
      lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: 'orders-api',
          Environment: { Variables: { [key]: 'v' } },
        }),
      ),
    ).rejects.toThrow(message);
    expect(account.lambda.configurations.latest('orders-api').environment).toEqual({ LOG_LEVEL: 'info' });
  });

  it('accepts a two-character key', async () => {
    const account = new SimulatedAccount({ start: scenarioStart });
    account.lambda.createFunction('orders-api');
    const { lambda } = account.clients();
    await expect(
      lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: 'orders-api',
          Environment: { Variables: { AB: 'v' } },
        }),
      ),
    ).resolves.toMatchObject({ LastUpdateStatus: 'InProgress' });
  });
});
