import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { GetAccountSettingsCommand } from '@aws-sdk/client-lambda';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { type RouteRule, ruleMatches, runbookTag } from '../../handlers/lib/alarm-routing.js';
import type { AwsClients } from '../../handlers/lib/aws-clients.js';
import type { Runbook } from '../../runbooks/runbook.js';
import { slackCredentials } from '../../slack/slack-credentials.js';
import type { DeploymentFacts } from './deployment-checks.js';
import { reservationCheck } from './deployment-checks.js';
import { type DoctorCheck, fail, ok, warn } from './doctor-check.js';

/** The clients the checks in an account call: reads only. */
export type AccountClients = Pick<
  AwsClients,
  'cloudformation' | 'lambda' | 'cloudwatch' | 'sns' | 'secretsManager'
>;

/** A stack's outputs, or undefined when it does not exist. */
async function stackOutputs(
  clients: AccountClients,
  name: string,
): Promise<Record<string, string> | undefined> {
  try {
    const { Stacks = [] } = await clients.cloudformation.send(new DescribeStacksCommand({ StackName: name }));
    return Object.fromEntries(
      (Stacks[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
    );
  } catch (error) {
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message))
      return undefined;
    throw error;
  }
}

/** Alarms on the metrics runbooks act on, and which of them nothing routes (no tag, no rule). */
async function alarmsCheck(
  clients: AccountClients,
  runbooks: readonly Pick<Runbook, 'trigger'>[],
  rules: readonly RouteRule[],
): Promise<DoctorCheck> {
  const watched = new Set(runbooks.flatMap((r) => r.trigger.metrics.map((m) => `${m.namespace}/${m.name}`)));
  const alarms: MetricAlarm[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.cloudwatch.send(new DescribeAlarmsCommand({ NextToken }));
    alarms.push(...(page.MetricAlarms ?? []).filter((a) => watched.has(`${a.Namespace}/${a.MetricName}`)));
    NextToken = page.NextToken;
  } while (NextToken);
  const unrouted: string[] = [];
  for (const alarm of alarms) {
    const routed = {
      name: alarm.AlarmName ?? '',
      metrics: [{ namespace: alarm.Namespace ?? '', name: alarm.MetricName ?? '' }],
    };
    if (rules.some((rule) => ruleMatches(rule, routed))) continue;
    const { Tags = [] } = await clients.cloudwatch.send(
      new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }),
    );
    if (!Tags.some((t) => t.Key === runbookTag)) unrouted.push(alarm.AlarmName ?? '');
  }
  if (alarms.length === 0)
    return warn(
      'alarms',
      'no alarm watches a metric the runbooks act on (Lambda Errors or Throttles, API Gateway 5XXError, SQS queue depth)',
      'create the alarms your services need, tagged runbook=<id> (README, "Routing is configuration")',
    );
  return unrouted.length
    ? warn(
        'alarms',
        `${alarms.length} alarm(s) on metrics runbooks act on; ${unrouted.length} start nothing (no runbook tag, no route): ${unrouted.join(', ')}`,
        `aws cloudwatch tag-resource --resource-arn <alarm ARN> --tags Key=${runbookTag},Value=<runbook>, or add a rule to runbooks:routes`,
      )
    : ok('alarms', `${alarms.length} alarm(s) on metrics runbooks act on, every one routed to a runbook`);
}

/**
 * Checks in the account, before and after a deploy: the CDK bootstrap, the concurrency quota
 * against the reservations, the platform stack, its topics' subscribers, the Slack credentials
 * (read, never shown), and the alarms that would start runbooks.
 */
export async function accountChecks(
  clients: AccountClients,
  facts: DeploymentFacts & { readonly stackName: string },
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const bootstrap = await stackOutputs(clients, 'CDKToolkit');
  checks.push(
    bootstrap
      ? ok('bootstrap', 'the CDK bootstrap stack (CDKToolkit) is deployed')
      : fail(
          'bootstrap',
          'no CDKToolkit stack: the account and region are not bootstrapped',
          'npx cdk bootstrap aws://<account>/<region>',
        ),
  );
  const outputs = await stackOutputs(clients, facts.stackName);
  const settings = await clients.lambda.send(new GetAccountSettingsCommand({}));
  const limit = settings.AccountLimit?.ConcurrentExecutions;
  // Once deployed, the reservations are made: what is left unreserved is what matters.
  checks.push(
    outputs
      ? (settings.AccountLimit?.UnreservedConcurrentExecutions ?? 0) >= 100
        ? ok(
            'concurrency',
            `deployed; ${settings.AccountLimit?.UnreservedConcurrentExecutions} of ${limit} concurrent executions unreserved`,
          )
        : warn(
            'concurrency',
            `only ${settings.AccountLimit?.UnreservedConcurrentExecutions} concurrent executions unreserved`,
            'ask for a higher Lambda concurrency quota (L-B99A9384)',
          )
      : reservationCheck(facts, limit),
  );
  if (!outputs) {
    checks.push(
      warn(
        'stack',
        `${facts.stackName} is not deployed`,
        'deploy it (README, "Deploying"), then run runbook doctor --aws again',
      ),
    );
  } else {
    checks.push(ok('stack', `${facts.stackName} is deployed`));
    for (const [output, who] of [
      ['EscalationsTopicArn', 'nobody is paged when a runbook escalates'],
      ['ApprovalsTopicArn', 'approval requests reach only Slack'],
      ['PlatformAlarmsTopicArn', 'nobody hears when the platform itself fails'],
    ] as const) {
      const topic = outputs[output];
      if (!topic) {
        checks.push(
          fail(
            `subscribers ${output}`,
            `the stack has no output ${output}`,
            'deploy this version of the stack',
          ),
        );
        continue;
      }
      const { Subscriptions = [] } = await clients.sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: topic }),
      );
      const confirmed = Subscriptions.filter((s) => s.SubscriptionArn !== 'PendingConfirmation');
      const pending = Subscriptions.length - confirmed.length;
      checks.push(
        confirmed.length
          ? ok(
              `subscribers ${output}`,
              `${confirmed.length} confirmed (${confirmed.map((s) => s.Protocol).join(', ')})${pending ? `, ${pending} waiting for confirmation` : ''}`,
            )
          : warn(
              `subscribers ${output}`,
              `no confirmed subscriber${pending ? ` (${pending} waiting for confirmation)` : ''}: ${who}`,
              `aws sns subscribe --topic-arn ${topic} --protocol email --notification-endpoint <on-call address>, then confirm the mail`,
            ),
      );
    }
    const secret = outputs.SlackCredentialsSecretArn;
    if (secret) {
      try {
        await slackCredentials(clients.secretsManager, secret)();
        checks.push(ok('slack secret', 'holds a signing secret and a bot token'));
      } catch (error) {
        // The error names the fields at fault, never their values.
        checks.push(
          fail(
            'slack secret',
            (error as Error).message,
            `aws secretsmanager put-secret-value --secret-id ${secret} --secret-string '{"signingSecret":"…","botToken":"xoxb-…"}' (README, Slack)`,
          ),
        );
      }
    }
  }
  checks.push(
    await alarmsCheck(
      clients,
      facts.runbooks,
      (facts.settings['runbooks:routes'] as RouteRule[] | undefined) ?? [],
    ),
  );
  return checks;
}
