import { setTimeout as delay } from 'node:timers/promises';

/**
 * The sandbox's orders API: every call waits on its "database" for 200 ms. The latency-driven game
 * day's FIS experiment adds 1.8 s before each call, as a slow dependency would.
 */
export const handler = async (): Promise<{ ok: true }> => {
  await delay(200);
  return { ok: true };
};
