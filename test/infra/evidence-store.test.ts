import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.js';

function template(context: Record<string, unknown> = {}) {
  const { app, stack } = createApp(
    new App({
      context: { ...context, 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: false,
    }),
  );
  expect(() => app.synth()).not.toThrow();
  return Template.fromStack(stack);
}

describe('the evidence store', () => {
  const deployed = template();

  it('keeps records write once: Object Lock in COMPLIANCE mode for 400 days, versioned, the platform key, no deletes', () => {
    deployed.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicAcls: true,
        RestrictPublicBuckets: true,
      }),
    });
    const policies = JSON.stringify(deployed.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toContain('"aws:SecureTransport":"false"');
    expect(policies).toMatch(/"Effect":"Deny".*"s3:DeleteObjectVersion"/);
  });

  it('signs with an asymmetric RSA key and writes a record when any runbook execution ends', () => {
    deployed.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    deployed.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        'detail-type': ['Step Functions Execution Status Change'],
        detail: Match.objectLike({ status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] }),
      }),
    });
    const writer = Object.entries(deployed.findResources('AWS::IAM::Policy')).find(([id]) =>
      id.startsWith('EvidenceWriter'),
    );
    const statements = JSON.stringify(writer?.[1]);
    expect(statements).toContain('kms:Sign');
    expect(statements).toContain('s3:PutObject');
    expect(statements).not.toContain('s3:DeleteObject');
  });

  it('takes its lock from runbooks:evidence, and refuses a mode S3 does not have', () => {
    template({ 'runbooks:evidence': { mode: 'GOVERNANCE', retentionDays: 30 } }).hasResourceProperties(
      'AWS::S3::Bucket',
      {
        ObjectLockConfiguration: Match.objectLike({
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
        }),
      },
    );
    expect(() => template({ 'runbooks:evidence': { mode: 'FOREVER', retentionDays: 30 } })).toThrow(
      /runbooks:evidence\.mode/,
    );
  });

  it('lists yesterday’s executions beside their records every morning, and alarms on any without one', () => {
    deployed.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(30 0 * * ? *)' });
    deployed.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'MissingEvidenceRecords',
      Namespace: 'LambdaRunbooks',
      Threshold: 1,
      AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('^PlatformAlarms') })],
    });
  });
});
