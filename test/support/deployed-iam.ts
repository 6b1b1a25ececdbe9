import type { AccessRequest } from '../../gameday/account/iam/access-requests.js';
import { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import type { DeploymentSettings } from '../../gameday/iam/platform-deployment.js';
import { deployPlatform } from '../../gameday/iam/platform-deployment.js';
import { InstalledPlatform } from '../../gameday/platform-installation.js';
import { scenarioStart } from '../../gameday/scenario.js';

export const accountId = '123456789012';
export const region = 'eu-west-1';
export const arn = (service: string, resource: string) =>
  `arn:aws:${service}:${region}:${accountId}:${resource}`;

/**
 * The platform as the CDK app deploys it with these settings, installed into an empty simulated
 * account: what each of its functions may do, decided by the IAM evaluator.
 */
export async function deployedIam(settings: DeploymentSettings) {
  const account = new SimulatedAccount({ start: scenarioStart });
  const deployment = await deployPlatform(settings, account.identity);
  const installed = new InstalledPlatform(account, deployment);
  /** Why IAM refuses the function this request, or undefined when it allows it. */
  const denial = async (fn: string, request: AccessRequest) =>
    account.iam.authorize(installed.callerOf(fn), [request]);
  return {
    account,
    deployment,
    installed,
    denial,
    /** Whether IAM allows the function this request. */
    allows: async (fn: string, request: AccessRequest) => (await denial(fn, request)) === undefined,
  };
}
