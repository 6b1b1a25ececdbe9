import { InvokeCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';

// One attempt per call: a throttle is what this traffic is here to show, not something to retry away.
const lambda = new LambdaClient({ maxAttempts: 1 });

/**
 * The orders API's callers: invoked every minute, it calls `TARGET` synchronously
 * `CALLS_PER_SECOND` times a second for 55 seconds, each call on its own, so a slower function
 * needs more concurrency for the same traffic (and is throttled at its reservation).
 */
export const handler = async (): Promise<{ sent: number; throttled: number; failed: number }> => {
  const target = process.env.TARGET ?? '';
  const perSecond = Number(process.env.CALLS_PER_SECOND ?? 10);
  const calls: Promise<'ok' | 'throttled' | 'failed'>[] = [];
  for (let second = 0; second < 55; second += 1) {
    for (let i = 0; i < perSecond; i += 1)
      calls.push(
        lambda
          .send(new InvokeCommand({ FunctionName: target }))
          .then((r) => (r.FunctionError ? 'failed' : 'ok'))
          .catch((e: unknown) => (e instanceof TooManyRequestsException ? 'throttled' : 'failed')),
      );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const outcomes = await Promise.all(calls);
  return {
    sent: outcomes.length,
    throttled: outcomes.filter((o) => o === 'throttled').length,
    failed: outcomes.filter((o) => o === 'failed').length,
  };
};
