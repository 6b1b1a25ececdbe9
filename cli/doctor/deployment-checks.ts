import { existsSync, readFileSync } from 'node:fs';
import type { Environment } from '../../handlers/lib/step-deps.js';
import type { Runbook } from '../../runbooks/runbook.js';
import { type AccessPolicy, policyFor, readAccessPolicy } from '../../slack/access-policy.js';
import { type DoctorCheck, fail, ok, warn } from './doctor-check.js';

/** Lambda keeps this much concurrency unreserved, for functions without a reservation. */
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html: "You can reserve up
// to the Unreserved account concurrency value that is shown, minus 100".
export const unreservedMinimum = 100;

/** The settings a deployment is synthesized with: cdk.json's context, then cdk.context.json's. */
export function deploymentContext(dir = '.'): Record<string, unknown> {
  const read = (file: string) =>
    existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const cdkJson = read(`${dir}/cdk.json`);
  return {
    ...((cdkJson.context as Record<string, unknown> | undefined) ?? {}),
    ...read(`${dir}/cdk.context.json`),
  };
}

/** What the checks before a deploy read: the settings, the template they give, the Slack policy. */
export interface DeploymentFacts {
  readonly environment: Environment;
  readonly settings: Readonly<Record<string, unknown>>;
  /** The platform's functions' reserved concurrency, from the synthesized template. */
  readonly reservations: readonly { readonly logicalId: string; readonly reserved: number }[];
  readonly runbooks: readonly Pick<Runbook, 'id' | 'approval' | 'approverTiers' | 'trigger'>[];
  /** The Slack access policy the deployment names (runbooks:slackAccess), if it names one. */
  readonly policyFile: string | undefined;
}

/** Reserved concurrency against the account's quota: what a deploy asks Lambda to set aside. */
export function reservationCheck(facts: DeploymentFacts, accountLimit?: number): DoctorCheck {
  const total = facts.reservations.reduce((n, r) => n + r.reserved, 0);
  const name = 'concurrency';
  if (total === 0) return ok(name, 'no function reserves concurrency (runbooks:reservedConcurrency=false)');
  const found = `${facts.reservations.length} functions reserve ${total} concurrent executions; Lambda keeps ${unreservedMinimum} unreserved, so the account needs a concurrency quota of at least ${total + unreservedMinimum}`;
  const fix = `ask for a higher "Concurrent executions" quota (Service Quotas, Lambda, L-B99A9384), or deploy with -c runbooks:reservedConcurrency=false (no reservations: an alarm storm then shares the account's concurrency with your workloads)`;
  if (accountLimit === undefined)
    return warn(
      name,
      `${found}; new accounts can start far lower than 1,000`,
      `check the quota with \`runbook doctor --aws\` or \`aws lambda get-account-settings\`; if it is short, ${fix}`,
    );
  return accountLimit >= total + unreservedMinimum
    ? ok(name, `${found}; the quota is ${accountLimit}`)
    : fail(name, `${found}, and the quota is ${accountLimit}: CloudFormation would fail creating them`, fix);
}

/** Whether anything will start runbooks: routes in the settings, or alarms that must carry tags. */
export function routingCheck(facts: DeploymentFacts): DoctorCheck {
  const routes = (facts.settings['runbooks:routes'] as unknown[] | undefined) ?? [];
  return routes.length
    ? ok('routing', `${routes.length} routing rule(s) in runbooks:routes; tagged alarms are routed too`)
    : warn(
        'routing',
        'no routing table (runbooks:routes): only alarms tagged runbook=<id> start a runbook',
        'tag each alarm: aws cloudwatch tag-resource --resource-arn <alarm ARN> --tags Key=runbook,Value=api-5xx-spike; or add rules to runbooks:routes in cdk.json (README, "Routing is configuration")',
      );
}

/** What the platform may touch: every function and queue of the account unless the settings say which. */
export function scopeCheck(facts: DeploymentFacts): DoctorCheck {
  const functions = facts.settings['runbooks:targetFunctionArns'];
  const queues = facts.settings['runbooks:deadLetterQueues'];
  if (functions && queues)
    return ok(
      'iam scope',
      'the steps may change only the functions and queues runbooks:targetFunctionArns and runbooks:deadLetterQueues list',
    );
  const missing = [
    functions ? [] : ['runbooks:targetFunctionArns'],
    queues ? [] : ['runbooks:deadLetterQueues'],
  ].flat();
  const found = `${missing.join(' and ')} not set: the steps may act on every ${functions ? 'queue' : queues ? 'function' : 'function and queue'} of the account`;
  const fix = `list what runbooks may change: -c 'runbooks:targetFunctionArns=["arn:aws:lambda:…:function:orders-api"]' (README, "The recommended production configuration"; examples/scoped-prod.context.json)`;
  return facts.environment === 'prod' ? fail('iam scope', found, fix) : warn('iam scope', found, fix);
}

/** Whether every approver group a runbook asks exists in the Slack access policy of the environment. */
export function slackPolicyCheck(facts: DeploymentFacts): DoctorCheck {
  if (!facts.policyFile)
    return warn(
      'slack access',
      'no Slack access policy (runbooks:slackAccess): nobody can start or approve runbooks from Slack, so every run that asks a person escalates',
      'deploy with -c runbooks:slackAccess=slack-access.json (examples/slack-access.json shows its shape)',
    );
  let policy: AccessPolicy;
  try {
    policy = readAccessPolicy(facts.policyFile);
  } catch (error) {
    return fail(
      'slack access',
      `${facts.policyFile}: ${(error as Error).message}`,
      'fix the file (examples/slack-access.json shows its shape)',
    );
  }
  const groups = policyFor(policy, facts.environment).approverGroups;
  const missing = facts.runbooks.flatMap((r) =>
    r.approval[facts.environment] === 'human' || r.approverTiers.length
      ? r.approverTiers.filter((t) => !Object.hasOwn(groups, t.group)).map((t) => `${r.id}: ${t.group}`)
      : [],
  );
  const unique = [...new Set(missing)];
  return unique.length
    ? fail(
        'slack access',
        `${facts.environment} in ${facts.policyFile} has no approver group for ${unique.join(', ')}: nobody could approve those runs, which then escalate`,
        `add each group with its channel and approvers under environments.${facts.environment}.approverGroups`,
      )
    : ok(
        'slack access',
        `every runbook's approver groups are in ${facts.policyFile} for ${facts.environment}`,
      );
}
