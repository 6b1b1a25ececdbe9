import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/** A resolved template value as cdk-nag prints it in finding ids: `{Ref: X}` → `<X>`, GetAtt → `<Id.Attr>`. */
function nagText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Ref' in v) return `<${String(v.Ref)}>`;
    if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Join' in v) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(nagText).join(separator);
    }
  }
  return JSON.stringify(value);
}

/** Acknowledges exactly the wildcard findings (IAM5) these statements raise, nothing broader. */
function acknowledgeWildcards(
  scope: IConstruct,
  statements: readonly PolicyStatement[],
  reason: string,
): void {
  const stack = Stack.of(scope);
  const ids = new Set<string>();
  for (const statement of statements) {
    const json = stack.resolve(statement.toStatementJson()) as { Resource?: unknown; Action?: unknown };
    const resources = ([] as unknown[]).concat(json.Resource ?? []).map(nagText);
    const actions = ([] as unknown[]).concat(json.Action ?? []).map(nagText);
    for (const r of resources)
      if (r.includes('*')) ids.add(`AwsSolutions::AwsSolutions-IAM5[Resource::${r}]`);
    for (const a of actions) if (a.includes('*')) ids.add(`AwsSolutions::AwsSolutions-IAM5[Action::${a}]`);
  }
  if (ids.size) Validations.of(scope).acknowledge(...[...ids].map((id) => ({ id, reason })));
}

/**
 * cdk-nag findings the platform accepts, each acknowledged by its exact id on the construct it
 * concerns, with the reason a reviewer needs.
 */
export const nagAcknowledgements = {
  platformFunction(fn: IConstruct, statements: readonly PolicyStatement[]): void {
    Validations.of(fn).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWSLambdaBasicExecutionRole only lets the function write its own logs.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray and cloudwatch:GetMetricData have no resource-level permissions.',
      },
    );
    acknowledgeWildcards(
      fn,
      statements,
      'The functions, alarms and APIs a runbook inspects are chosen at run time by the alarm, within the targetFunctionArns context.',
    );
  },
  spokeRole(policy: IConstruct, statements: readonly PolicyStatement[]): void {
    acknowledgeWildcards(
      policy,
      statements,
      'The hub acts on whichever function, queue or alarm of this account an incident names; the hub’s own configuration and approvals decide which, and the platform’s functions are denied.',
    );
  },
  spokeAssumption(fn: IConstruct, statement: PolicyStatement): void {
    acknowledgeWildcards(
      fn,
      [statement],
      'An organizational unit’s accounts are not known at synth: any account’s spoke role, within the organization (aws:ResourceOrgID).',
    );
  },
  stateMachine(machine: IConstruct, invoked: readonly IFunction[]): void {
    const stack = Stack.of(machine);
    Validations.of(machine).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing and CloudWatch Logs delivery for Step Functions require `*` (no resource-level permissions).',
      },
      ...invoked.map((fn) => ({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason:
          'Step Functions invokes the platform’s own step functions by ARN, including their versions (`:*`).',
      })),
    );
  },
  slackSecret(secret: IConstruct): void {
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Slack issues the signing secret and bot token; rotating them happens in Slack, then the secret is updated.',
    });
  },
  accessLogBucket(bucket: IConstruct): void {
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'It is the access log of the evidence bucket; logging its own access would log itself.',
    });
  },
  signingKey(key: IConstruct): void {
    Validations.of(key).acknowledge({
      id: 'AwsSolutions::AwsSolutions-KMS5',
      reason:
        'An asymmetric signing key cannot rotate automatically (KMS rotates symmetric keys only); records keep naming the key that signed them.',
    });
  },
  fisConfigurationBucket(bucket: IConstruct): void {
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'Holds only the fault configurations FIS writes during game days; FIS and CloudTrail record who changed them.',
    });
  },
  sandboxApi(api: IConstruct): void {
    const reason =
      'The sandbox checkout API serves no data and no users: it exists to be broken on purpose in game days.';
    Validations.of(api).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-APIG2', reason },
      { id: 'AwsSolutions::AwsSolutions-APIG3', reason },
      { id: 'AwsSolutions::AwsSolutions-APIG4', reason },
      { id: 'AwsSolutions::AwsSolutions-COG4', reason },
      {
        id: 'AwsSolutions::AwsSolutions-APIG6',
        reason:
          'Access logs are on; execution logging needs an account-wide API Gateway role the sandbox does not set.',
      },
    );
  },
  experimentRole(role: IConstruct, bucketArn: string): void {
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${bucketArn.replace(/^\{"Fn::GetAtt":\["(\w+)","Arn"\]\}$/, '<$1.Arn>')}/FisConfigs/*]`,
      reason: 'FIS writes one configuration object per experiment under the documented FisConfigs/ prefix.',
    });
  },
  deadLetterQueue(queue: IConstruct): void {
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue.',
    });
  },
};
