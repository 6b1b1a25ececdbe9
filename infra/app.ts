import { readFileSync } from 'node:fs';
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as z from 'zod/mini';
import { routeRuleSchema } from '../handlers/lib/alarm-routing.js';
import { type Environment, environments } from '../handlers/lib/step-deps.js';
import { definitions } from '../runbooks/definitions.js';
import { type AccessPolicy, parseAccessPolicy, policyFor } from '../slack/access-policy.js';
import { GameDayStack } from './game-day-stack.js';
import { RunbooksStack } from './runbooks-stack.js';
import { rotatedSecretSchema } from './secret-rotation.js';

/** Builds the CDK app; `cdk.json` runs this file, tests call `createApp` directly. */
export function createApp(app = new App()): { app: App; stack: RunbooksStack } {
  const environment = String(app.node.tryGetContext('runbooks:environment') ?? 'dev');
  if (!(environments as readonly string[]).includes(environment)) {
    throw new Error(
      `context runbooks:environment must be one of ${environments.join(', ')}, not "${environment}"`,
    );
  }
  const targets = app.node.tryGetContext('runbooks:targetFunctionArns') as string[] | undefined;
  const queues = app.node.tryGetContext('runbooks:queueArns') as string[] | undefined;
  const routes = z.array(routeRuleSchema).parse(app.node.tryGetContext('runbooks:routes') ?? []);
  const slackAccessFile = app.node.tryGetContext('runbooks:slackAccess') as string | undefined;
  const slackAccess = slackAccessFile
    ? readSlackAccess(slackAccessFile, environment as Environment)
    : undefined;
  const rotatedSecrets = z
    .array(rotatedSecretSchema)
    .parse(app.node.tryGetContext('runbooks:rotatedSecrets') ?? []);
  const credentialAdapterArn = app.node.tryGetContext('runbooks:credentialAdapter') as string | undefined;
  if (rotatedSecrets.length > 0 && !credentialAdapterArn)
    throw new Error(
      'runbooks:rotatedSecrets needs runbooks:credentialAdapter, the function that sets and tests credentials',
    );
  const stack = new RunbooksStack(app, `LambdaRunbooks-${environment}`, {
    runbooks: definitions,
    environment: environment as Environment,
    ...(targets ? { targetFunctionArns: targets } : {}),
    ...(queues ? { queueArns: queues } : {}),
    routes,
    ...(slackAccess ? { slackAccess } : {}),
    ...(credentialAdapterArn ? { rotation: { secrets: rotatedSecrets, credentialAdapterArn } } : {}),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  if (!slackAccess) {
    Annotations.of(stack).addWarningV2(
      'runbooks:slackAccess',
      'No Slack access policy (context runbooks:slackAccess): nobody can start or approve runbooks from Slack.',
    );
  }
  const gameDay = app.node.tryGetContext('runbooks:gameDay');
  if (gameDay === true || gameDay === 'true') {
    new GameDayStack(app, 'LambdaRunbooksGameDay', {
      description:
        'Game-day sandbox: targets, alarms and FIS experiment templates. Deploy to a sandbox account only.',
      env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    });
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/** Reads the Slack access policy and checks it names every approver group the runbooks ask. */
function readSlackAccess(file: string, environment: Environment): AccessPolicy {
  const policy = parseAccessPolicy(JSON.parse(readFileSync(file, 'utf8')));
  const groups = policyFor(policy, environment).approverGroups;
  for (const runbook of definitions) {
    const missing = runbook.approverTiers.map((tier) => tier.group).filter((group) => !groups[group]);
    if (missing.length && runbook.approval[environment] === 'human') {
      throw new Error(
        `${file}: ${environment} has no approver group ${missing.join(', ')}, which ${runbook.id} asks`,
      );
    }
  }
  return policy;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  createApp().app.synth();
}
