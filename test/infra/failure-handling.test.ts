import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.js';

const template = (context: Record<string, unknown> = {}) =>
  Template.fromStack(createApp(new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } })).stack);

describe('failures that must not vanish, and starvation that must not happen', () => {
  const t = template();
  const functions = t.findResources('AWS::Lambda::Function');
  const idOf = (prefix: string) => Object.keys(functions).find((id) => id.startsWith(prefix)) ?? '?';

  it('gives every platform function reserved concurrency, more for the dispatcher and the public endpoint', () => {
    // CDK's own helper functions (e.g. log retention) are not the platform's.
    const platform = Object.entries(functions).filter(([id]) => /Function[0-9A-F]{8}$/.test(id));
    expect(platform.length).toBeGreaterThan(40);
    for (const [id, fn] of platform)
      expect(fn.Properties.ReservedConcurrentExecutions, id).toBeGreaterThanOrEqual(5);
    expect(functions[idOf('DispatcherFunction')]?.Properties.ReservedConcurrentExecutions).toBe(20);
    expect(functions[idOf('SlackEndpointFunction')]?.Properties.ReservedConcurrentExecutions).toBe(10);
  });

  it('leaves reservations out where the account cannot afford them', () => {
    const small = template({ 'runbooks:reservedConcurrency': 'false' });
    for (const fn of Object.values(small.findResources('AWS::Lambda::Function')))
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('sends what each asynchronously invoked function fails on to an encrypted queue with an alarm', () => {
    const configs = t.findResources('AWS::Lambda::EventInvokeConfig');
    const onFailure = Object.values(configs).map((c) => ({
      fn: JSON.stringify(c.Properties.FunctionName),
      destination: JSON.stringify(c.Properties.DestinationConfig?.OnFailure?.Destination),
    }));
    for (const prefix of [
      'DispatcherFunction',
      'SlackCommandWorkerFunction',
      'SlackApprovalWorkerFunction',
      'SlackNotifierFunction',
      'ReleaseLeaseFunction',
    ]) {
      const config = onFailure.find((c) => c.fn.includes(idOf(prefix)));
      expect(config?.destination, prefix).toMatch(/FailedInvocations/);
    }
    t.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: Match.anyValue(),
      MessageRetentionPeriod: 1_209_600,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('^A platform function failed on an event'),
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedInvocations'), 'QueueName'] },
        },
      ],
    });
    t.hasOutput('FailedInvocationsQueueUrl', {});
  });
});
