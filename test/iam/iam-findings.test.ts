import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import { DeployedPlatform } from '../../gameday/iam/deployed-platform.js';
import { scopedConfiguration } from '../../gameday/iam/platform-configurations.js';
import { type Template as CfnTemplate, TemplateResolver } from '../../gameday/iam/template-resolver.js';
import { runScenario } from '../../gameday/run-scenario.js';
import { scenarioStart } from '../../gameday/scenario.js';
import { findScenario } from '../../gameday/scenarios/catalogue.js';
import { rotationSettings } from '../../gameday/scenarios/secret-rotation/secrets-world.js';
import { steps } from '../../handlers/step-catalogue.js';
import { createApp } from '../../infra/app.js';
import { accountId, arn, deployedIam, region } from '../support/deployed-iam.js';

type Deployed = Awaited<ReturnType<typeof deployedIam>>;
const identity = { accountId, region };
const rotation = rotationSettings(identity, { strategy: 'single-user', consumers: [{ name: 'orders-api' }] });
const dlq = arn('sqs', 'orders-dlq');
const quarantine = arn('sqs', 'orders-dlq-quarantine');

describe('the IAM review’s findings, each against the synthesized templates', () => {
  let defaults: Deployed;
  let scoped: Deployed;
  beforeAll(async () => {
    defaults = await deployedIam(rotation);
    scoped = await deployedIam({ ...scopedConfiguration().settings, ...rotation });
  });

  it('1. replay-batch may read the depths of the DLQ and of its quarantine queue', async () => {
    for (const deployed of [defaults, scoped]) {
      for (const queue of [dlq, quarantine]) {
        expect(
          await deployed.denial('replay-batch', { action: 'sqs:GetQueueAttributes', resource: queue }),
        ).toBeUndefined();
      }
    }
  });

  it('2. every idempotent step may use the key of the encrypted idempotency table, through DynamoDB', async () => {
    const idempotent = steps.filter((s) => s.idempotent).map((s) => s.name);
    expect(idempotent).toContain('apply-concurrency-change');
    const table = defaults.deployment.tables.find((t) => t.name === defaults.installed.idempotencyTable);
    for (const step of idempotent) {
      for (const action of [
        'dynamodb:PutItem',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ]) {
        const request = { action, resource: table?.arn ?? '', kms: 'write' as const };
        expect(await defaults.denial(step, request), `${step} ${action}`).toBeUndefined();
      }
    }
  });

  it('3. the dispatcher may describe the alarm a start by alarm name names', async () => {
    expect(
      await defaults.denial('dispatcher', {
        action: 'cloudwatch:DescribeAlarms',
        resource: arn('cloudwatch', 'alarm:checkout-5xx-rate'),
      }),
    ).toBeUndefined();
  });

  it('4. a configured DLQ brings its quarantine queue and its consumer; an incomplete entry fails synth naming what is missing', async () => {
    for (const step of ['inspect-dlq', 'replay-batch']) {
      expect(
        await scoped.denial(step, { action: 'sqs:GetQueueAttributes', resource: quarantine }),
      ).toBeUndefined();
    }
    expect(
      await scoped.denial('inspect-dlq', { action: 'sqs:GetQueueUrl', resource: quarantine }),
    ).toBeUndefined();
    expect(
      await scoped.denial('replay-batch', { action: 'sqs:SendMessage', resource: quarantine }),
    ).toBeUndefined();
    expect(
      await scoped.denial('inspect-dlq', {
        action: 'lambda:GetFunctionConfiguration',
        resource: arn('lambda', 'function:orders-consumer'),
      }),
    ).toBeUndefined();
    const incomplete = { 'runbooks:deadLetterQueues': [{ dlq }] };
    expect(() => createApp(new App({ context: incomplete }))).toThrow(
      /runbooks:deadLetterQueues\.0\.source: .*; runbooks:deadLetterQueues\.0\.consumer: /,
    );
  });

  it('5. CloudWatch may publish the platform’s alarms to its encrypted topic; the sandbox topic does not use alias/aws/sns', async () => {
    const topic = defaults.installed.deployment.topics.find((t) => t.name.includes('PlatformAlarms'));
    const source = {
      service: 'cloudwatch.amazonaws.com',
      sourceArn: arn('cloudwatch', 'alarm:x'),
      sourceAccount: accountId,
    };
    expect(
      await defaults.account.iam.authorizeService(source, {
        action: 'sns:Publish',
        resource: topic?.arn ?? '',
        kms: 'write',
      }),
    ).toBeUndefined();
    // Nobody else's alarms.
    const foreign = {
      ...source,
      sourceAccount: '999999999999',
      sourceArn: 'arn:aws:cloudwatch:eu-west-1:999999999999:alarm:x',
    };
    expect(
      await defaults.account.iam.authorizeService(foreign, {
        action: 'sns:Publish',
        resource: topic?.arn ?? '',
        kms: 'write',
      }),
    ).toBeDefined();
    // EventBridge may write the trigger dead-letter queue, SNS the notifier's.
    const deadLetters = defaults.deployment.queues.find((q) => q.name.includes('TriggerDeadLetters'));
    for (const [service, sourceArn] of [
      [
        'events.amazonaws.com',
        defaults.deployment.rules.find((r) => r.targets.some((t) => t.deadLetterArn))?.arn ?? '',
      ],
      ['sns.amazonaws.com', defaults.installed.topics.approvals],
    ] as const) {
      const delivered = await defaults.account.iam.authorizeService(
        { service, sourceArn, sourceAccount: accountId },
        { action: 'sqs:SendMessage', resource: deadLetters?.arn ?? '', kms: 'write' },
      );
      expect(delivered, service).toBeUndefined();
    }
    const sandbox = createApp(
      new App({ context: { 'aws:cdk:bundling-stacks': [], 'runbooks:gameDay': 'true' } }),
      { nag: false },
    );
    const sandboxTemplate = Template.fromStack(
      sandbox.app.node.findChild('LambdaRunbooksGameDay') as never,
    ).toJSON();
    expect(JSON.stringify(sandboxTemplate)).not.toContain('alias/aws/sns');
  });

  it('5. the platform’s alarms reach the PlatformAlarms topic in the simulated account, and would not with the key’s old policy', async () => {
    const deliver = async (deployed: Deployed) => {
      deployed.installed.installAlarms();
      const fn = deployed.installed.functionOf('escalate');
      deployed.account.advance(60);
      deployed.account.metrics.record(
        { namespace: 'AWS/Lambda', name: 'Errors', dimensions: { FunctionName: fn.name } },
        deployed.account.clock.now(),
        { sum: 1, count: 1, min: 1, max: 1 },
      );
      deployed.account.advance(120);
      await deployed.account.runServices();
      return deployed.account.sns.published.filter((m) => m.topicArn.includes('PlatformAlarms'));
    };
    expect((await deliver(await deployedIam({}))).map((m) => m.subject)).toEqual([
      expect.stringMatching(/^ALARM: ".*EscalateErrors/),
    ]);
    // The key policy before: the account and Secrets Manager only.
    const before = await deployedIam({});
    for (const [keyArn, policy] of before.deployment.keys) {
      const statements = (policy.Statement as { Sid?: string }[]).filter(
        (s) => !s.Sid?.startsWith('CloudWatch'),
      );
      before.account.iam.addKey(keyArn, { ...policy, Statement: statements });
    }
    expect(await deliver(before)).toEqual([]);
  });

  it('6. Secrets Manager may invoke the rotation function for the configured secrets of this account only', async () => {
    const rotationFn = defaults.installed.functionOf('rotate-secret').arn;
    const invoke = { action: 'lambda:InvokeFunction', resource: rotationFn };
    const [secret] = rotation['runbooks:rotatedSecrets'] as { secretArn: string }[];
    const ours = {
      service: 'secretsmanager.amazonaws.com',
      sourceArn: secret?.secretArn ?? '',
      sourceAccount: accountId,
    };
    expect(await defaults.account.iam.authorizeService(ours, invoke)).toBeUndefined();
    const theirs = {
      service: 'secretsmanager.amazonaws.com',
      sourceArn: (secret?.secretArn ?? '').replace(accountId, '999999999999'),
      sourceAccount: '999999999999',
    };
    expect(await defaults.account.iam.authorizeService(theirs, invoke)).toBeDefined();
  });

  it('7. with every function of the account in scope, no step may change or invoke the platform’s own functions', async () => {
    const dispatcher = defaults.installed.functionOf('dispatcher').arn;
    const cases = [
      ['apply-concurrency-change', 'lambda:PutFunctionConcurrency'],
      ['revert-concurrency-change', 'lambda:DeleteFunctionConcurrency'],
      ['update-configuration', 'lambda:UpdateFunctionConfiguration'],
      ['smoke-test', 'lambda:InvokeFunction'],
      ['rollback-alias', 'lambda:UpdateAlias'],
    ] as const;
    for (const [step, action] of cases) {
      expect(
        await defaults.denial(step, { action, resource: dispatcher }),
        `${step} ${action}`,
      ).toMatchObject({ kind: 'explicit' });
      // The same action on a workload's function is allowed: the scope is every function.
      expect(
        await defaults.denial(step, { action, resource: arn('lambda', 'function:checkout-api') }),
      ).toBeUndefined();
    }
  });

  it('8. no function may use the platform key directly, only through the service of its data', async () => {
    const key = [...defaults.deployment.keys.keys()][0] ?? '';
    for (const fn of defaults.deployment.functions.values()) {
      const name = fn.name.replace(`${defaults.deployment.stackName}-`, '');
      expect(await defaults.denial(name, { action: 'kms:Decrypt', resource: key }), fn.name).toBeDefined();
    }
  });

  it('9. list settings given on the command line (JSON text) are read, and a wrong one is named with what was found', () => {
    const targets = '["arn:aws:lambda:eu-west-1:123456789012:function:checkout-*"]';
    const { stack } = createApp(
      new App({ context: { 'aws:cdk:bundling-stacks': [], 'runbooks:targetFunctionArns': targets } }),
      { nag: false },
    );
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain(':function:checkout-*');
    expect(() =>
      createApp(new App({ context: { 'runbooks:targetFunctionArns': '["checkout-api"]' } })),
    ).toThrow('runbooks:targetFunctionArns.0: is not a Lambda function ARN (found "checkout-api")');
  });

  it('10. queues and secrets encrypted with a customer-managed key: the key is granted through its service only', async () => {
    const queueKey = arn('kms', 'key/1111aaaa-2222-bbbb-3333-cccc4444dddd');
    const secretKey = arn('kms', 'key/5555eeee-6666-ffff-7777-aaaa8888bbbb');
    const [secret] = rotation['runbooks:rotatedSecrets'] as Record<string, unknown>[];
    const deployed = await deployedIam({
      'runbooks:deadLetterQueues': [
        {
          dlq,
          source: arn('sqs', 'orders'),
          consumer: arn('lambda', 'function:orders-consumer'),
          kmsKeyArn: queueKey,
        },
      ],
      'runbooks:rotatedSecrets': [{ ...secret, kmsKeyArn: secretKey }],
      'runbooks:credentialAdapter': rotation['runbooks:credentialAdapter'],
    });
    const via = (service: string) => ({ 'kms:ViaService': `${service}.${region}.amazonaws.com` });
    const rootOnly = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    };
    deployed.account.iam.addKey(queueKey, rootOnly);
    deployed.account.iam.addKey(secretKey, rootOnly);
    expect(
      await deployed.denial('replay-batch', {
        action: 'kms:GenerateDataKey',
        resource: queueKey,
        context: via('sqs'),
      }),
    ).toBeUndefined();
    expect(
      await deployed.denial('replay-batch', {
        action: 'kms:Decrypt',
        resource: queueKey,
        context: via('sqs'),
      }),
    ).toBeUndefined();
    expect(
      await deployed.denial('replay-batch', {
        action: 'kms:Decrypt',
        resource: queueKey,
        context: via('s3'),
      }),
    ).toBeDefined();
    expect(
      await deployed.denial('rotate-secret', {
        action: 'kms:Decrypt',
        resource: secretKey,
        context: via('secretsmanager'),
      }),
    ).toBeUndefined();
    expect(
      await deployed.denial('rotate-secret', {
        action: 'kms:GenerateDataKey',
        resource: secretKey,
        context: via('secretsmanager'),
      }),
    ).toBeUndefined();
    expect(
      await deployed.denial('rotate-secret', { action: 'kms:Decrypt', resource: secretKey }),
    ).toBeDefined();
  });

  it('10. a replay of a DLQ encrypted with a customer-managed key works with the key configured, and fails with KmsAccessDenied without', async () => {
    const base = findScenario('poison-messages');
    const queueKey = arn('kms', 'key/1111aaaa-2222-bbbb-3333-cccc4444dddd');
    const encrypted = (kmsKeyArn?: string) => ({
      ...base,
      settings: () => ({
        'runbooks:deadLetterQueues': [
          {
            dlq,
            source: arn('sqs', 'orders'),
            consumer: arn('lambda', 'function:orders-consumer'),
            ...(kmsKeyArn ? { kmsKeyArn } : {}),
          },
        ],
      }),
      setup: (account: Parameters<typeof base.setup>[0]) => {
        const world = base.setup(account);
        account.iam.addKey(queueKey, {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${accountId}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
          ],
        });
        for (const queue of ['orders-dlq', 'orders', 'orders-dlq-quarantine'])
          account.iam.encryptWith(arn('sqs', queue), queueKey);
        return world;
      },
    });
    expect((await runScenario(encrypted(queueKey))).outcome).toBe('passed');
    const without = await runScenario(encrypted());
    expect(without.outcome).toBe('failed');
    expect(without.accessMismatches.join('\n')).toMatch(
      /not authorized to perform: kms:Decrypt on resource: .*1111aaaa.* \(the key of .*orders-dlq\)/,
    );
    expect(without.timeline.map((e) => e.text).join('\n')).toMatch(/KmsAccessDenied/);
  });
});

describe('the game-day sandbox’s fault injection, against its synthesized template', () => {
  it('lets FIS, as each experiment template’s role, read its target functions and write its fault configuration, and nothing else', async () => {
    const { app } = createApp(
      new App({ context: { 'aws:cdk:bundling-stacks': [], 'runbooks:gameDay': 'true' } }),
      { nag: false },
    );
    const template = app.synth().getStackByName('LambdaRunbooksGameDay').template as CfnTemplate;
    const resolver = new TemplateResolver(template, 'LambdaRunbooksGameDay', identity);
    const sandbox = new DeployedPlatform('LambdaRunbooksGameDay', template, identity);
    const account = new SimulatedAccount({ start: scenarioStart });
    const experiments = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::FIS::ExperimentTemplate',
    );
    expect(experiments.length).toBeGreaterThan(0);
    const bucket =
      Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::S3::Bucket')?.[0] ?? '';
    const configs = `${resolver.attribute(bucket, 'Arn')}/FisConfigs/experiment.json`;
    for (const experiment of experiments) {
      const props = resolver.resolve(experiment.Properties) as {
        RoleArn: string;
        Targets: Record<string, { ResourceArns: string[] }>;
      };
      const roleName = props.RoleArn.split('/').pop() ?? '';
      const caller = {
        principal: `arn:aws:sts::${accountId}:assumed-role/${roleName}/fis`,
        policies: sandbox.roles.get(roleName) ?? [],
      };
      const allowed = async (action: string, resource: string) =>
        (await account.iam.authorize(caller, [{ action, resource }])) === undefined;
      for (const target of Object.values(props.Targets).flatMap((t) => t.ResourceArns)) {
        expect(await allowed('lambda:GetFunction', target), target).toBe(true);
        expect(await allowed('lambda:UpdateFunctionConfiguration', target), target).toBe(false);
      }
      expect(await allowed('s3:PutObject', configs)).toBe(true);
      expect(await allowed('s3:DeleteObject', configs)).toBe(true);
      expect(await allowed('s3:PutObject', `${resolver.attribute(bucket, 'Arn')}/elsewhere.json`)).toBe(
        false,
      );
      expect(await allowed('lambda:GetFunction', arn('lambda', 'function:payments-api'))).toBe(false);
    }
  });
});
