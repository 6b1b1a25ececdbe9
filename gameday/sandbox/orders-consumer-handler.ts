import type { SQSEvent } from 'aws-lambda';

/** The sandbox's orders consumer: fails the batch while `FAIL_RATE` says so, as a broken consumer does. */
export const handler = async (event: SQSEvent): Promise<void> => {
  const failRate = Number(process.env.FAIL_RATE ?? 0);
  if (event.Records.length > 0 && Math.random() < failRate)
    throw new Error('orders consumer failed (game-day fault: FAIL_RATE)');
};
