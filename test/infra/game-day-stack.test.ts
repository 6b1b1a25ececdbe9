import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.js';

const app = (gameDay?: string) =>
  new App({
    context: {
      'aws:cdk:bundling-stacks': [],
      ...(gameDay === undefined ? {} : { 'runbooks:gameDay': gameDay }),
    },
  });
const stackNamed = (a: App, name: string) =>
  a.node.children.find((c): c is Stack => c instanceof Stack && c.stackName === name);

describe('the game-day sandbox stack', () => {
  const { app: withSandbox } = createApp(app('true'));
  const sandbox = stackNamed(withSandbox, 'LambdaRunbooksGameDay');
  if (!sandbox) throw new Error('no sandbox stack');
  const template = Template.fromStack(sandbox);

  it('is only added with runbooks:gameDay=true', () => {
    expect(stackNamed(createApp(app()).app, 'LambdaRunbooksGameDay')).toBeUndefined();
  });

  it('deploys one experiment template per FIS game day, bounded in time and stopped by the blast-radius alarm', () => {
    template.resourceCountIs('AWS::FIS::ExperimentTemplate', 2);
    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Description: Match.stringLikeRegexp('^no-recent-deploy: '),
      StopConditions: [
        {
          Source: 'aws:cloudwatch:alarm',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CheckoutBlastRadius'), 'Arn'] },
        },
      ],
      Targets: { Functions: Match.objectLike({ ResourceType: 'aws:lambda:function', SelectionMode: 'ALL' }) },
      Actions: {
        inject: {
          ActionId: 'aws:lambda:invocation-error',
          Parameters: { invocationPercentage: '30', preventExecution: 'true', duration: 'PT30M' },
          Targets: { Functions: 'Functions' },
        },
      },
      Tags: {
        'runbooks:sandbox': 'true',
        'runbooks:game-day': 'no-recent-deploy',
        Name: 'runbooks-no-recent-deploy',
      },
    });
    template.hasResourceProperties('AWS::FIS::ExperimentTemplate', {
      Description: Match.stringLikeRegexp('^latency-driven: '),
      StopConditions: [
        {
          Source: 'aws:cloudwatch:alarm',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersApiBlastRadius'), 'Arn'] },
        },
      ],
      Actions: {
        inject: {
          ActionId: 'aws:lambda:invocation-add-delay',
          Parameters: { invocationPercentage: '100', startupDelayMilliseconds: '1800', duration: 'PT30M' },
          Targets: { Functions: 'Functions' },
        },
      },
      Tags: Match.objectLike({ 'runbooks:game-day': 'latency-driven' }),
    });
  });

  it('caps the orders API with a reservation the delay runs into, and calls it through its alias', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'orders-api',
      ReservedConcurrentExecutions: 10,
      Layers: [Match.anyValue()],
    });
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orders-api-throttles',
      MetricName: 'Throttles',
      Dimensions: Match.arrayWith([{ Name: 'Resource', Value: 'orders-api:live' }]),
      Tags: Match.arrayWith([{ Key: 'runbook', Value: 'lambda-throttling' }]),
    });
  });

  it('gives the experiment role only what FIS documents for Lambda actions', () => {
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'fis.amazonaws.com' } })],
        },
      },
    });
    const [roleId] = Object.keys(roles);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(roleId ?? '?'),
    );
    const actions = policies.flatMap((p) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: { Action: unknown }) => [s.Action].flat()),
    );
    expect(actions.sort()).toEqual(['lambda:GetFunction', 's3:DeleteObject', 's3:PutObject']);
  });

  it('puts the FIS extension and its configuration location on the target function', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'checkout-api',
      Layers: [Match.anyValue()],
      Environment: {
        Variables: Match.objectLike({
          AWS_LAMBDA_EXEC_WRAPPER: '/opt/aws-fis/bootstrap',
          AWS_FIS_CONFIGURATION_LOCATION: Match.anyValue(),
        }),
      },
    });
  });

  it('tags the alarms the runbooks answer', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'checkout-5xx-rate',
      Tags: [{ Key: 'runbook', Value: 'api-5xx-spike' }, Match.anyValue()],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orders-dlq-not-empty',
      Tags: Match.arrayWith([{ Key: 'runbook', Value: 'dlq-replay' }]),
    });
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    expect(() => createApp(app('true')).app.synth()).not.toThrow();
  });
});
