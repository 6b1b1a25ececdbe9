import { rotateSecret } from '../handlers/secret-rotation/rotate-secret.js';
import type { SimulatedAccount } from './account/simulated-account.js';
import { idempotencyTableName, stepTimeoutMs } from './simulated-platform.js';

/** The name the CDK app's rotation function has in game days. */
export const rotationFunctionName = 'runbook-rotate-secret';

/**
 * Deploys the platform's rotation function into a simulated account, configured as the CDK app
 * configures it (`runbooks:credentialAdapter`, the AWS templates' password defaults): its code is
 * the same core Secrets Manager invokes in AWS. Returns its ARN, for a secret's rotation settings.
 */
export function deployRotationFunction(account: SimulatedAccount, credentialAdapter: string): string {
  account.lambda.createFunction(rotationFunctionName);
  const clients = account.clients();
  account.lambda.code.deploy(rotationFunctionName, (event) =>
    rotateSecret(event, {
      clients,
      credentialAdapter,
      password: { length: 32, excludeCharacters: '/@"\'\\' },
      idempotencyTable: idempotencyTableName,
      remainingTimeMs: () => stepTimeoutMs,
    }),
  );
  return account.lambda.fn(rotationFunctionName).arn;
}
