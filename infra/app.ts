import { readFileSync } from 'node:fs';
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Environment } from '../handlers/lib/step-deps.js';
import { definitions } from '../runbooks/definitions.js';
import type { RunbookDefinition } from '../runbooks/runbook.js';
import { type AccessPolicy, parseAccessPolicy, policyFor } from '../slack/access-policy.js';
import { readContextSettings } from './context-settings.js';
import { GameDayStack } from './game-day-stack.js';
import { RunbooksStack } from './runbooks-stack.js';
import { SpokeStack } from './spoke-stack.js';

export interface AppOptions {
  /**
   * Whether cdk-nag's AwsSolutions checks run on synth (they make synth fail on any finding).
   * @default true
   */
  readonly nag?: boolean;
  /**
   * The runbooks the platform deploys (a team's own beside the built-in ones, see `loadDefinitions`).
   * @default the built-in catalogue
   */
  readonly runbooks?: readonly RunbookDefinition[];
}

/** Builds the CDK app; `cdk.json` runs this file, tests and the simulated account call `createApp` directly. */
export function createApp(
  app = new App(),
  options: AppOptions = {},
): { app: App; stack: RunbooksStack; spokes: readonly SpokeStack[] } {
  const settings = readContextSettings(app.node.getAllContext());
  const runbooks = options.runbooks ?? definitions;
  const environment = settings['runbooks:environment'];
  const slackAccessFile = settings['runbooks:slackAccess'];
  // Runs follow the environment of the account they act in: the hub's, or a registered account's.
  const runEnvironments = new Set([
    environment,
    ...(settings['runbooks:accounts'] ?? []).map((a) => a.environment),
  ]);
  const slackAccess = slackAccessFile
    ? readSlackAccess(slackAccessFile, [...runEnvironments], runbooks)
    : undefined;
  const targets = settings['runbooks:targetFunctionArns'];
  const deadLetterQueues = settings['runbooks:deadLetterQueues'];
  const credentialAdapterArn = settings['runbooks:credentialAdapter'];
  const organization = settings['runbooks:organization'];
  const accounts = settings['runbooks:accounts'];
  // A hub's account and region are in the spokes' template: they must be known at synth.
  const hubAccount = organization?.hubAccountId ?? process.env.CDK_DEFAULT_ACCOUNT;
  const hubRegion = organization?.hubRegion ?? process.env.CDK_DEFAULT_REGION;
  const stack = new RunbooksStack(app, `LambdaRunbooks-${environment}`, {
    runbooks,
    environment,
    ...(targets ? { targetFunctionArns: targets } : {}),
    ...(deadLetterQueues ? { deadLetterQueues } : {}),
    routes: settings['runbooks:routes'],
    changeBudget: settings['runbooks:changeBudget'],
    evidence: settings['runbooks:evidence'],
    ...(slackAccess ? { slackAccess } : {}),
    ...(credentialAdapterArn
      ? { rotation: { secrets: settings['runbooks:rotatedSecrets'], credentialAdapterArn } }
      : {}),
    ...(organization && accounts
      ? { organization: { organizationId: organization.organizationId, accounts } }
      : {}),
    env: { account: hubAccount, region: hubRegion },
  });
  const spokes: SpokeStack[] = [];
  if (organization && accounts) {
    if (!hubAccount || !hubRegion) {
      throw new Error(
        'runbooks:organization needs the hub account and region: synthesize with the hub account’s credentials, or set hubAccountId and hubRegion in runbooks:organization',
      );
    }
    const hub = {
      accountId: hubAccount,
      region: hubRegion,
      organizationId: organization.organizationId,
      stackName: stack.stackName,
    };
    const spoke = new SpokeStack(app, `LambdaRunbooksSpoke-${environment}`, {
      description: `Lets the runbook hub ${hubAccount} (${stack.stackName}) act in this account. Deploy to the workload accounts listed by id with a StackSet.`,
      hub,
      runbooks,
    });
    spokes.push(spoke);
    // One per OU: its accounts forward to the OU's own bus on the hub, which tells the hub whose they are.
    for (const unit of accounts.flatMap((a) =>
      'organizationalUnitId' in a ? [a.organizationalUnitId] : [],
    )) {
      spokes.push(
        new SpokeStack(app, `LambdaRunbooksSpoke-${environment}-${unit}`, {
          description: `Lets the runbook hub ${hubAccount} (${stack.stackName}) act in the accounts of ${unit}. Deploy to that OU with a StackSet.`,
          hub,
          runbooks,
          organizationalUnitId: unit,
        }),
      );
    }
  }
  if (!slackAccess) {
    Annotations.of(stack).addWarningV2(
      'runbooks:slackAccess',
      'No Slack access policy (context runbooks:slackAccess): nobody can start or approve runbooks from Slack.',
    );
  }
  if (settings['runbooks:gameDay']) {
    new GameDayStack(app, 'LambdaRunbooksGameDay', {
      description:
        'Game-day sandbox: targets, alarms and FIS experiment templates. Deploy to a sandbox account only.',
      env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    });
  }
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, spokes };
}

/**
 * Reads the Slack access policy and checks it names every approver group the runbooks ask in
 * every environment runs may be in.
 */
function readSlackAccess(
  file: string,
  environments: readonly Environment[],
  runbooks: readonly RunbookDefinition[],
): AccessPolicy {
  const policy = parseAccessPolicy(JSON.parse(readFileSync(file, 'utf8')));
  for (const environment of environments) {
    const groups = policyFor(policy, environment).approverGroups;
    for (const runbook of runbooks) {
      const missing = runbook.approverTiers.map((tier) => tier.group).filter((group) => !groups[group]);
      if (missing.length && runbook.approval[environment] === 'human') {
        throw new Error(
          `${file}: ${environment} has no approver group ${missing.join(', ')}, which ${runbook.id} asks`,
        );
      }
    }
  }
  return policy;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  createApp().app.synth();
}
