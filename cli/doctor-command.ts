import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { platformTemplate } from '../gameday/iam/platform-deployment.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import { readContextSettings } from '../infra/context-settings.js';
import { runbooks } from '../runbooks/index.js';
import { painterFor } from './colour.js';
import { type AccountClients, accountChecks } from './doctor/account-checks.js';
import {
  type DeploymentFacts,
  deploymentContext,
  reservationCheck,
  routingCheck,
  scopeCheck,
  slackPolicyCheck,
} from './doctor/deployment-checks.js';
import { type DoctorCheck, fail } from './doctor/doctor-check.js';

export interface DoctorOptions {
  readonly aws: boolean;
  readonly region?: string | undefined;
  readonly json: boolean;
  /** The folder holding cdk.json and cdk.context.json. Default: the current one. */
  readonly dir?: string;
  /** @default clients of the default credential chain, in `region` */
  readonly clients?: AccountClients;
}

/** The template's functions and the concurrency each reserves. */
function reservationsIn(template: {
  Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
}) {
  return Object.entries(template.Resources ?? {}).flatMap(([logicalId, resource]) => {
    const reserved =
      resource.Type === 'AWS::Lambda::Function'
        ? resource.Properties?.ReservedConcurrentExecutions
        : undefined;
    return typeof reserved === 'number' ? [{ logicalId, reserved }] : [];
  });
}

/**
 * `runbook doctor [--aws [--region <r>]] [--json]`: what stands between this deployment and
 * runbooks that start and reach people. Before a deploy it reads the settings (cdk.json,
 * cdk.context.json) and the template they synthesize; with --aws it also looks in the account
 * (bootstrap, concurrency quota, the stack, topic subscribers, the Slack secret, the alarms).
 * Each finding says what to do; exit code 1 if any check fails.
 */
export async function doctorCommand(options: DoctorOptions): Promise<number> {
  const context = deploymentContext(options.dir);
  const checks: DoctorCheck[] = [];
  let settings: ReturnType<typeof readContextSettings> | undefined;
  try {
    settings = readContextSettings(context);
  } catch (error) {
    checks.push(
      fail(
        'settings',
        (error as Error).message,
        'fix the setting in cdk.json or cdk.context.json (README, "Deploying")',
      ),
    );
  }
  if (settings) {
    const synthesized = await platformTemplate(context);
    const facts: DeploymentFacts = {
      environment: settings['runbooks:environment'] as Environment,
      settings,
      reservations: reservationsIn(synthesized.template as never),
      runbooks,
      policyFile: settings['runbooks:slackAccess'],
    };
    checks.push(routingCheck(facts), scopeCheck(facts), slackPolicyCheck(facts));
    if (options.aws) {
      const config = options.region ? { region: options.region } : {};
      const clients = options.clients ?? {
        cloudformation: new CloudFormationClient(config),
        lambda: new LambdaClient(config),
        cloudwatch: new CloudWatchClient(config),
        sns: new SNSClient(config),
        secretsManager: new SecretsManagerClient(config),
      };
      checks.push(...(await accountChecks(clients, { ...facts, stackName: synthesized.stackName })));
    } else checks.push(reservationCheck(facts));
  }
  if (options.json) console.log(JSON.stringify(checks, null, 2));
  else {
    const paint = painterFor(process.stdout);
    for (const c of checks) {
      const mark =
        c.status === 'ok'
          ? paint('green', '✔')
          : c.status === 'warn'
            ? paint('yellow', '!')
            : paint('red', '✖');
      console.log(`${mark} ${c.name}: ${c.found}`);
      if (c.fix) console.log(`    → ${c.fix}`);
    }
    const failed = checks.filter((c) => c.status === 'fail').length;
    const warned = checks.filter((c) => c.status === 'warn').length;
    console.log(
      `\n${checks.length} check(s): ${failed} failed, ${warned} to look at${options.aws ? '' : '; --aws also looks in the account'}`,
    );
  }
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}
