import { describe, expect, it } from 'vitest';
import { type CallFaultKind, CallFaults } from '../../../gameday/account/faults/call-faults.js';

/** A schedule with one fault, of `kind`, on the first call: the first seed that draws it. */
function oneFault(kind: CallFaultKind): CallFaults {
  for (let seed = 1; seed < 1_000; seed += 1) {
    const probe = new CallFaults({ seed, faults: 1, calls: 1 });
    // The fault is drawn as the call starts, before anything is awaited.
    void probe.call('LambdaClient', 'GetAlias', async () => undefined).catch(() => undefined);
    if (probe.injected[0]?.kind === kind) return new CallFaults({ seed, faults: 1, calls: 1 });
  }
  throw new Error(`no seed below 1,000 draws ${kind}`);
}

describe('CallFaults', () => {
  it('throttles with the service’s own error, before the call has any effect', async () => {
    let made = 0;
    const faults = oneFault('throttle');
    await expect(faults.call('LambdaClient', 'UpdateAlias', async () => (made += 1))).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      $fault: 'client',
      retryAfterSeconds: '1',
    });
    expect(made).toBe(0);
  });

  it('fails with 5xx before the call, and times out after it took effect', async () => {
    let made = 0;
    await expect(
      oneFault('server-error').call('SQSClient', 'SendMessageBatch', async () => (made += 1)),
    ).rejects.toMatchObject({ name: 'InternalFailure', $fault: 'server' });
    expect(made).toBe(0);
    await expect(
      oneFault('timeout-after-effect').call('DynamoDBClient', 'PutItem', async () => (made += 1)),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(made).toBe(1);
  });

  it('cuts the invocation off after the call: later calls do nothing, and it fails as timed out', async () => {
    const faults = oneFault('cut-off-after');
    const made: string[] = [];
    let timedOut = 0;
    const invocation = faults.invocation(
      async () => {
        // The step's code swallows what it sees; Step Functions still sees the timeout.
        await faults
          .call('LambdaClient', 'PutFunctionConcurrency', async () => made.push('put'))
          .catch(() => undefined);
        await faults.call('DynamoDBClient', 'PutItem', async () => made.push('audit')).catch(() => undefined);
        return 'done';
      },
      async () => {
        timedOut += 1;
      },
    );
    await expect(invocation).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    expect(made).toEqual(['put']);
    expect(timedOut).toBe(1);
    // The next invocation starts afresh.
    await expect(
      faults.invocation(
        async () => faults.call('LambdaClient', 'GetAlias', async () => 'ok'),
        async () => undefined,
      ),
    ).resolves.toBe('ok');
  });

  it('replays the same faults for the same seed', async () => {
    const run = async (seed: number) => {
      const faults = new CallFaults({ seed, faults: 3, calls: 20 });
      for (let i = 0; i < 20; i += 1)
        await faults
          .invocation(
            () => faults.call('LambdaClient', `Call${i}`, async () => i).catch(() => i),
            async () => undefined,
          )
          .catch(() => undefined);
      return faults.injected;
    };
    expect(await run(42)).toEqual(await run(42));
    expect((await run(42)).length).toBeGreaterThan(0);
  });
});
