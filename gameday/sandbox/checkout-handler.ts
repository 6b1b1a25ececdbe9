import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * The sandbox's checkout function: answers every request, except the share `FAIL_RATE` says, which
 * fails as a broken deploy would. The bad-deploy game day deploys a version with FAIL_RATE set.
 */
export const handler = async (): Promise<APIGatewayProxyResult> => {
  const failRate = Number(process.env.FAIL_RATE ?? 0);
  if (Math.random() < failRate) throw new Error('checkout failed (game-day fault: FAIL_RATE)');
  return { statusCode: 200, body: JSON.stringify({ ok: true }) };
};
