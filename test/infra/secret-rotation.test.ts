import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.js';

const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db-a1B2c3';
const adminArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db-admin-Zz9Yy8';
const adapterArn = 'arn:aws:lambda:eu-west-1:123456789012:function:orders-db-credential-adapter';
const rotated = [
  {
    secretArn,
    strategy: 'alternating-users',
    masterSecretArn: adminArn,
    consumers: ['orders-api:live', 'billing-worker:live'],
    schedule: 'rate(30 days)',
  },
];

const app = (context: Record<string, unknown> = {}) =>
  new App({
    context: {
      'aws:cdk:bundling-stacks': [],
      'runbooks:rotatedSecrets': rotated,
      'runbooks:credentialAdapter': adapterArn,
      ...context,
    },
  });
const { stack } = createApp(app());
const template = Template.fromStack(stack);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
/** The IAM statements of the policy whose logical id starts with `prefix`. */
function statementsOf(prefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([id]) => id.startsWith(prefix))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());

describe('secret rotation in the CDK app', () => {
  it('schedules rotation through the rotation function with Secrets Manager’s own schedule off', () => {
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
    const [schedule] = Object.values(template.findResources('AWS::SecretsManager::RotationSchedule'));
    expect(schedule?.Properties).toMatchObject({ SecretId: secretArn, RotateImmediatelyOnUpdate: false });
    expect(schedule?.Properties.RotationRules).toBeUndefined();
  });

  it('lets Secrets Manager, and nobody else by resource policy, invoke the rotation function', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretRotationRotationFunction'), 'Arn'] },
    });
  });

  it('gives the rotation function the documented actions on its secrets, the admin secret to describe, and its adapter', () => {
    const statements = statementsOf('SecretRotationRotationFunction');
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        Resource: secretArn,
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'secretsmanager:GetRandomPassword', Resource: '*' }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'secretsmanager:DescribeSecret', Resource: adminArn }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: adapterArn }),
    );
    // Never the admin secret's value: the adapter reads it.
    expect(statements.filter((s) => s.Resource === adminArn).flatMap((s) => [s.Action].flat())).toEqual([
      'secretsmanager:DescribeSecret',
    ]);
  });

  it('lets only the runbook’s start and rollback steps touch rotation, and only on the configured secrets', () => {
    const rotating = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([, p]) =>
        JSON.stringify(p.Properties.PolicyDocument).match(
          /RotateSecret|CancelRotateSecret|UpdateSecretVersionStage/,
        ),
      )
      .map(([id]) => id.replace(/Function.*$/, ''));
    expect(rotating.sort()).toEqual([
      'ClearStalePending',
      'RollBackRotation',
      'SecretRotationRotation',
      'StartRotation',
    ]);
    for (const step of [
      'InspectSecret',
      'StartRotation',
      'ClearStalePending',
      'CheckRotation',
      'RollBackRotation',
      'ReportRotation',
    ]) {
      const secretStatements = statementsOf(`${step}Function`).filter((s) =>
        actionsOf([s]).some((a) => a.startsWith('secretsmanager:')),
      );
      expect(secretStatements.map((s) => s.Resource)).toEqual([secretArn]);
    }
    expect(actionsOf(statementsOf('InspectSecretFunction'))).toEqual([
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'secretsmanager:DescribeSecret',
    ]);
  });

  it('lets the consumer check invoke only the configured health-check aliases, never a platform function', () => {
    const statements = statementsOf('CheckConsumersFunction').filter((s) => s.Resource !== '*');
    expect(statements.filter((s) => s.Effect === 'Deny')).toEqual([
      {
        Effect: 'Deny',
        Action: 'lambda:InvokeFunction',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':lambda:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':function:LambdaRunbooks-dev-*',
            ],
          ],
        },
      },
    ]);
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: [
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':lambda:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':function:orders-api:live',
              ],
            ],
          },
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':lambda:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':function:billing-worker:live',
              ],
            ],
          },
        ],
      },
    ]);
  });

  it('starts the runbook on the schedule and on Secrets Manager’s RotationFailed events for its secrets', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(30 days)',
      Targets: [
        Match.objectLike({
          Input: JSON.stringify({
            startRequest: {
              runbook: 'secret-rotation',
              target: 'secret:orders-db',
              parameters: { consumers: 'orders-api:live,billing-worker:live' },
              requestedBy: 'schedule:orders-db',
            },
          }),
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.secretsmanager'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: ['RotationFailed'],
          additionalEventData: { SecretId: [secretArn] },
        },
      },
    });
  });

  it('passes the cdk-nag AwsSolutions checks with rotation configured', () => {
    expect(() => createApp(app()).app.synth()).not.toThrow();
  });

  it('refuses rotated secrets it cannot rotate safely', () => {
    expect(() => createApp(app({ 'runbooks:credentialAdapter': undefined }))).toThrow(
      /needs runbooks:credentialAdapter/,
    );
    expect(() =>
      createApp(app({ 'runbooks:rotatedSecrets': [{ ...rotated[0], masterSecretArn: undefined }] })),
    ).toThrow(/alternating users need masterSecretArn/);
    expect(() =>
      createApp(
        app({
          'runbooks:rotatedSecrets': [
            { ...rotated[0], secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db' },
          ],
        }),
      ),
    ).toThrow(/is not a complete secret ARN/);
    expect(() =>
      createApp(app({ 'runbooks:rotatedSecrets': [{ ...rotated[0], consumers: ['orders-api'] }] })),
    ).toThrow(/is not function:alias/);
  });
});
