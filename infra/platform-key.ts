import { Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/**
 * The platform's customer-managed key (tables, topics, queues, the Slack secret). Besides the
 * account (whose IAM policies then decide), its policy lets the services that write the platform's
 * encrypted data on their own use it, each only for this account's resources:
 * CloudWatch alarms publishing to the PlatformAlarms topic
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services),
 * EventBridge writing undeliverable events to the trigger dead-letter queue through SQS
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html), and SNS writing
 * undeliverable approval notifications to that queue
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html).
 */
export function platformKey(scope: Construct): Key {
  const stack = Stack.of(scope);
  const key = new Key(scope, 'Key', {
    enableKeyRotation: true,
    description: 'Encrypts runbook topics and queues',
  });
  const use = ['kms:Decrypt', 'kms:GenerateDataKey*'];
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      effect: Effect.ALLOW,
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: use,
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
        },
      },
    }),
  );
  // EventBridge's key use carries no aws:SourceAccount/SourceArn (the SNS guide above says so); it
  // is held to SQS in this Region instead.
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'EventBridgeDeadLetters',
      effect: Effect.ALLOW,
      principals: [new ServicePrincipal('events.amazonaws.com')],
      actions: use,
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` } },
    }),
  );
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'SnsDeadLetters',
      effect: Effect.ALLOW,
      principals: [new ServicePrincipal('sns.amazonaws.com')],
      actions: use,
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:sns:${stack.region}:${stack.account}:*` },
      },
    }),
  );
  return key;
}

/**
 * A topic encrypted with the platform key, TLS only. With `alarms`, CloudWatch alarms of this
 * account may publish to it: the topic's policy replaces SNS's default one, so the service must be
 * named there too.
 */
export function platformTopic(scope: Construct, id: string, key: Key, alarms = false): Topic {
  const topic = new Topic(scope, id, { masterKey: key, enforceSSL: true });
  if (alarms) {
    const stack = Stack.of(scope);
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
          },
        },
      }),
    );
  }
  return topic;
}
