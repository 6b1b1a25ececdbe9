import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { lazyClients } from '../handlers/lib/aws-clients.js';
import { deployedEnvironment, requiredEnv } from '../handlers/lib/lambda-entry.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import { type EnvironmentPolicy, parseAccessPolicy, policyFor } from './access-policy.js';
import { type SlackCredentials, slackCredentials } from './slack-credentials.js';

let credentials: (() => Promise<SlackCredentials>) | undefined;

/** The Slack app's credentials, from the secret named in `SLACK_SECRET_ARN` (cached by Powertools). */
export function deployedCredentials(): Promise<SlackCredentials> {
  credentials ??= slackCredentials(
    lazyClients({ secretsManager: SecretsManagerClient }).secretsManager,
    requiredEnv('SLACK_SECRET_ARN'),
  );
  return credentials();
}

/** Who may do what in each environment (`SLACK_ACCESS_POLICY`). */
export function deployedPolicyOf(environment: Environment): EnvironmentPolicy {
  return policyFor(parseAccessPolicy(JSON.parse(requiredEnv('SLACK_ACCESS_POLICY'))), environment);
}

/** Who may do what in the environment the function is deployed in. */
export function deployedPolicy(): EnvironmentPolicy {
  return deployedPolicyOf(deployedEnvironment());
}
