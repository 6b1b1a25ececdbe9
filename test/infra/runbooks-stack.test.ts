import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { steps } from '../../handlers/step-catalogue.js';
import { stepLogicalName } from '../../handlers/steps.js';
import { createApp } from '../../infra/app.js';
import { runbooks } from '../../runbooks/catalogue.js';
import { definitions } from '../../runbooks/definitions.js';
import { functionArnPlaceholder, renderAsl } from '../../state-machines/render-asl.js';

// Bundling is skipped: these tests check the template, not esbuild.
const app = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const { stack } = createApp(app());
const template = Template.fromStack(stack);

/** Turns a deployed DefinitionString back into ASL with the same placeholders `runbook asl` prints. */
function deployedDefinition(definitionString: unknown): unknown {
  const functionsByLogicalId = new Map(
    steps.map(({ name: step }) => {
      const [logicalId] = Object.keys(template.findResources('AWS::Lambda::Function', {})).filter((id) =>
        id.startsWith(`${stepLogicalName(step)}Function`),
      );
      return [logicalId, step] as const;
    }),
  );
  const resolve = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const v = value as Record<string, unknown>;
    if (v.Ref === 'AWS::Partition') return 'aws';
    if (v['Fn::GetAtt']) {
      const [id] = v['Fn::GetAtt'] as [string, string];
      const step = functionsByLogicalId.get(id);
      if (!step) throw new Error(`unexpected reference to ${id}`);
      return functionArnPlaceholder(step);
    }
    if (v['Fn::Join']) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(resolve).join(sep);
    }
    throw new Error(`unexpected intrinsic ${JSON.stringify(value)}`);
  };
  return JSON.parse(resolve(definitionString));
}

describe('RunbooksStack', () => {
  it.each(definitions.map((r) => [r.id, r] as const))(
    'deploys the %s definition exactly as the runbook renders it',
    (id, runbook) => {
      const machines = template.findResources('AWS::StepFunctions::StateMachine', {
        Properties: { StateMachineName: `runbook-${id}` },
      });
      const [machine] = Object.values(machines);
      expect(deployedDefinition(machine?.Properties.DefinitionString)).toEqual(renderAsl(runbook));
    },
  );

  it('keeps state input and output, which carry approval task tokens, out of the state machines’ logs', () => {
    const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(machines).toHaveLength(definitions.length);
    for (const machine of machines) {
      expect(machine.Properties.LoggingConfiguration).toMatchObject({
        Level: 'ALL',
        IncludeExecutionData: false,
      });
    }
  });

  it('traces, logs and alarms every state machine', () => {
    template.allResourcesProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
    template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { MetricName: 'ExecutionsFailed' },
      definitions.length,
    );
  });

  it('deploys each step, the dispatcher, the evidence writer and manifest and the four Slack functions as arm64 Lambdas on the newest Node.js runtime with tracing and retained logs', () => {
    const platformFunctions = steps.length + 1 + 2 + 4;
    template.resourceCountIs('AWS::Lambda::Function', platformFunctions);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
    });
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({ RUNBOOK_ENVIRONMENT: 'dev', LEASE_TABLE_NAME: Match.anyValue() }),
        },
      },
      steps.length,
    );
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'Errors' }, platformFunctions);
  });

  it('sends every alarm transition to ALARM to the dispatcher, with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { state: { value: ['ALARM'] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DispatcherFunction'), 'Arn'] },
          DeadLetterConfig: Match.anyValue(),
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
        }),
      ],
    });
  });

  it('sends AWS Health’s scheduled changes of Lambda to the dispatcher', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.health'],
        'detail-type': ['AWS Health Event'],
        detail: { service: ['LAMBDA'], eventTypeCategory: ['scheduledChange'] },
      },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
  });

  it('releases the lease of runs that fail, time out or are aborted', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: Match.objectLike({ status: ['FAILED', 'TIMED_OUT', 'ABORTED'] }),
      },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReleaseLeaseFunction'), 'Arn'] } }),
      ],
    });
  });

  it('keeps leases in an encrypted table with point-in-time recovery and expiry', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS' }),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS' }),
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });

  it('lets only the dispatcher and the Slack command worker start the runbook state machines', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const starters = Object.entries(policies).filter(([, p]) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('states:StartExecution'),
    );
    expect(starters.map(([id]) => id)).toEqual([
      expect.stringMatching(/^DispatcherFunction/),
      expect.stringMatching(/^SlackCommandWorkerFunction/),
    ]);
    const statements = (starters[0]?.[1].Properties.PolicyDocument.Statement ?? []) as {
      Action: unknown;
      Resource: unknown;
    }[];
    const statement = statements.find((st) => st.Action === 'states:StartExecution');
    // Every catalogued runbook's state machine, by its logical id (the runbook id without dashes).
    expect(statement?.Resource).toEqual(
      runbooks.map((r) => ({ Ref: expect.stringMatching(new RegExp(`^${r.id.replaceAll('-', '')}`)) })),
    );
  });

  it('serves Slack through a Function URL whose function can only hand work to the worker', () => {
    template.resourceCountIs('AWS::Lambda::Url', 1);
    const policies = template.findResources('AWS::IAM::Policy');
    const [endpointPolicy] = Object.entries(policies).filter(([id]) => id.startsWith('SlackEndpoint'));
    const actions = (
      (endpointPolicy?.[1].Properties.PolicyDocument.Statement ?? []) as { Action: unknown }[]
    ).flatMap((st) => st.Action);
    expect(actions).toContain('lambda:InvokeFunction');
    expect(actions).toContain('secretsmanager:GetSecretValue');
    expect(
      actions.filter((a) => String(a).startsWith('states:') || String(a).startsWith('dynamodb:')),
    ).toEqual([]);
  });

  it('keeps Slack credentials in Secrets Manager, never in function environments', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const variables = functions.flatMap((f) => Object.keys(f.Properties.Environment?.Variables ?? {}));
    expect(variables).toContain('SLACK_SECRET_ARN');
    // The evidence signing key's ARN is no secret: KMS keeps the key.
    expect(variables.filter((v) => /TOKEN|SIGNING_SECRET/.test(v))).toEqual([]);
  });

  it('delivers approval requests to the Slack notifier', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SlackNotifierFunction'), 'Arn'] },
      RedrivePolicy: Match.anyValue(),
    });
  });

  it('deploys the routing table from the runbooks:routes context into the dispatcher', () => {
    const routes = [{ runbook: 'api-5xx-spike', alarmNamePrefix: 'payments-' }];
    const { stack: routed } = createApp(
      new App({ context: { 'aws:cdk:bundling-stacks': [], 'runbooks:routes': routes } }),
    );
    const dispatcher = Object.entries(Template.fromStack(routed).findResources('AWS::Lambda::Function')).find(
      ([id]) => id.startsWith('DispatcherFunction'),
    );
    const config = JSON.stringify(dispatcher?.[1].Properties.Environment.Variables.DISPATCHER_CONFIG);
    expect(config).toContain('\\"alarmNamePrefix\\":\\"payments-\\"');
  });

  it('refuses a Slack access policy that lacks an approver group a runbook asks', () => {
    expect(() =>
      createApp(
        new App({
          context: {
            'aws:cdk:bundling-stacks': [],
            'runbooks:environment': 'prod',
            'runbooks:slackAccess': 'test/fixtures/slack-access-without-leads.json',
          },
        }),
      ),
    ).toThrow(/prod has no approver group incident-leads, which api-5xx-spike asks/);
  });

  it('lets only the 5XX rollback and the upgrade’s alias routing update aliases, and only the upgrade change configurations', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const allowedTo = (action: string) =>
      Object.entries(policies)
        .filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes(`"${action}"`))
        .map(([id]) => id.replace(/Function.*$/, ''))
        .sort();
    expect(allowedTo('lambda:UpdateAlias')).toEqual(['RollbackAlias', 'SetAliasRouting']);
    expect(allowedTo('lambda:UpdateFunctionConfiguration')).toEqual(['UpdateConfiguration']);
    expect(allowedTo('lambda:PublishVersion')).toEqual(['PublishVersion']);
    // Only the upgrade's plan reads the Lambda console's shareable test events, and only those.
    expect(allowedTo('schemas:DescribeSchema')).toEqual(['PlanUpgrade']);
    const [plan] = Object.entries(policies).filter(([id]) => id.startsWith('PlanUpgrade'));
    expect(JSON.stringify(plan?.[1].Properties.PolicyDocument)).toMatch(
      /:schemas:",\{"Ref":"AWS::Region"\},":",\{"Ref":"AWS::AccountId"\},":schema\/lambda-testevent-schemas\/\*"/,
    );
  });

  it('encrypts the topics and the trigger dead-letter queue', () => {
    template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.allResourcesProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
  });

  it('outputs what a first deploy needs: the topics to subscribe to and the Slack secret to fill', () => {
    const outputs = template.findOutputs('*');
    for (const [output, type] of [
      ['EscalationsTopicArn', 'AWS::SNS::Topic'],
      ['ApprovalsTopicArn', 'AWS::SNS::Topic'],
      ['PlatformAlarmsTopicArn', 'AWS::SNS::Topic'],
      ['SlackCredentialsSecretArn', 'AWS::SecretsManager::Secret'],
    ] as const) {
      const ref = (outputs[output]?.Value as { Ref?: string } | undefined)?.Ref ?? '';
      expect(Object.keys(template.findResources(type))).toContain(ref);
    }
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    expect(() => createApp(app()).app.synth()).not.toThrow();
  });

  it('fails synthesis when a resource breaks an AwsSolutions rule', () => {
    const { app: broken } = createApp(app());
    new Queue(broken.node.children.find((c) => c instanceof Stack) as Stack, 'Unencrypted', {});
    expect(() => broken.synth()).toThrow(/AwsSolutions-SQS3/);
  });

  it('rejects an unknown environment', () => {
    expect(() => createApp(new App({ context: { 'runbooks:environment': 'qa' } }))).toThrow(
      /runbooks:environment: is not one of dev, staging, prod \(found "qa"\)/,
    );
  });
});

describe('Slack workers', () => {
  const policyOf = (prefix: string) => {
    const [policy] = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith(prefix),
    );
    return JSON.stringify(policy?.[1].Properties.PolicyDocument);
  };

  it('keep approval answers and runbook starts apart: each worker may do only its own', () => {
    const commands = policyOf('SlackCommandWorker');
    const approvals = policyOf('SlackApprovalWorker');
    expect(commands).toContain('states:StartExecution');
    expect(commands).not.toContain('states:SendTaskSuccess');
    expect(commands).not.toContain('secretsmanager:GetSecretValue');
    expect(approvals).toContain('states:SendTaskSuccess');
    expect(approvals).not.toContain('states:StartExecution');
    expect(approvals).toContain('secretsmanager:GetSecretValue');
  });
});

describe('lambda-throttling permissions', () => {
  const policies = Object.entries(template.findResources('AWS::IAM::Policy'));
  const statementsOf = (prefix: string) =>
    (policies.find(([id]) => id.startsWith(prefix))?.[1].Properties.PolicyDocument.Statement ?? []) as {
      Action: string | string[];
      Resource: unknown;
      Condition?: unknown;
    }[];

  it('lets only the apply and revert steps change concurrency, and only on the target functions', () => {
    const changers = policies
      .filter(([, p]) =>
        JSON.stringify(p.Properties.PolicyDocument).includes('lambda:PutFunctionConcurrency'),
      )
      .map(([id]) => id);
    expect(changers).toEqual([
      expect.stringMatching(/^ApplyConcurrencyChange/),
      expect.stringMatching(/^RevertConcurrencyChange/),
    ]);
    const put = statementsOf('ApplyConcurrencyChange').find((s) =>
      [s.Action].flat().includes('lambda:PutFunctionConcurrency'),
    );
    expect(JSON.stringify(put?.Resource)).toContain(':function:*');
    expect(JSON.stringify(statementsOf('ApplyConcurrencyChange'))).not.toContain('DeleteFunctionConcurrency');
    expect(JSON.stringify(statementsOf('RevertConcurrencyChange'))).toContain('DeleteFunctionConcurrency');
  });

  it('changes event source mappings only where they invoke a target function', () => {
    const update = statementsOf('ApplyConcurrencyChange').find((s) =>
      [s.Action].flat().includes('lambda:UpdateEventSourceMapping'),
    );
    expect(update?.Condition).toEqual({ ArnLike: { 'lambda:FunctionArn': expect.any(Array) } });
  });
});
