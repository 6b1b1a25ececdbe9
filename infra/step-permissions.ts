import type { Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { testEventRegistry } from '../handlers/runtime-upgrade/contract.js';
import type { StepName } from '../handlers/steps.js';
import { secretStepPolicy, upgradeStepPolicy } from './runbook-step-permissions.js';

/** What the steps may act on. */
export interface StepScope {
  /** Lambda function ARNs (wildcards allowed) the runbooks may inspect and roll back. */
  readonly targetFunctionArns: readonly string[];
  /** ARN of the lease table. */
  readonly leaseTableArn: string;
  /** ARN of the idempotency table. */
  readonly idempotencyTableArn: string;
  /** ARN of the approval requests table. */
  readonly approvalTableArn: string;
  /** SQS queue ARNs (wildcards allowed) the DLQ replay may read, send to and delete from. */
  readonly queueArns: readonly string[];
  /** Secrets the secret-rotation runbook rotates (complete ARNs); none: its steps get no secret permissions. */
  readonly secretArns: readonly string[];
  /** The platform's rotation function, which the runbook invokes to restore credentials. */
  readonly rotationFunctionArn: string | null;
  /** Consumers' health-check aliases (function ARNs with the alias) the runbook may invoke. */
  readonly consumerArns: readonly string[];
}

/**
 * The IAM statements each step needs, and no more: one entry per AWS API the step's code calls.
 * SNS publishing is granted separately on the topics themselves.
 */
export function stepPolicy(stack: Stack, step: StepName, scope: StepScope): PolicyStatement[] {
  return [...apiPolicy(stack, step, scope), ...idempotencyPolicy(step, scope)];
}

/** Steps made idempotent with Powertools read and write their records in the idempotency table. */
function idempotencyPolicy(step: StepName, scope: StepScope): PolicyStatement[] {
  if (!['escalate', 'request-approval', 'rollback-alias', 'apply-concurrency-change'].includes(step))
    return [];
  return [
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resources: [scope.idempotencyTableArn],
    }),
  ];
}

/**
 * Concurrency changes, only on the functions runbooks may act on: reserved and provisioned
 * concurrency on them, and the maximum concurrency of event source mappings that invoke them
 * (`lambda:FunctionArn` condition). Reverting may also remove what a change added.
 */
function concurrencyChanges(
  stack: Stack,
  functions: readonly string[],
  reverting: boolean,
): PolicyStatement[] {
  return [
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: [
        'lambda:GetFunctionConcurrency',
        'lambda:PutFunctionConcurrency',
        'lambda:GetProvisionedConcurrencyConfig',
        'lambda:PutProvisionedConcurrencyConfig',
        ...(reverting
          ? ['lambda:DeleteFunctionConcurrency', 'lambda:DeleteProvisionedConcurrencyConfig']
          : []),
      ],
      resources: [...functions],
    }),
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['lambda:GetEventSourceMapping', 'lambda:UpdateEventSourceMapping'],
      resources: [`arn:${stack.partition}:lambda:${stack.region}:${stack.account}:event-source-mapping:*`],
      conditions: { ArnLike: { 'lambda:FunctionArn': [...functions] } },
    }),
  ];
}

function apiPolicy(stack: Stack, step: StepName, scope: StepScope): PolicyStatement[] {
  const functions = scope.targetFunctionArns.flatMap((arn) => [arn, `${arn}:*`]);
  const alarms = `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`;
  // GetMetricData does not support resource-level permissions.
  const readMetrics = new PolicyStatement({
    effect: Effect.ALLOW,
    actions: ['cloudwatch:GetMetricData'],
    resources: ['*'],
  });
  const sqs = (actions: string[]) =>
    new PolicyStatement({ effect: Effect.ALLOW, actions, resources: [...scope.queueArns] });
  const describeAlarms = new PolicyStatement({
    effect: Effect.ALLOW,
    actions: ['cloudwatch:DescribeAlarms'],
    resources: [alarms],
  });
  switch (step) {
    case 'gather-evidence':
      return [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:GetAlias', 'lambda:ListVersionsByFunction'],
          resources: functions,
        }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['apigateway:GET'],
          resources: [
            `arn:${stack.partition}:apigateway:${stack.region}::/restapis`,
            `arn:${stack.partition}:apigateway:${stack.region}::/restapis/*/resources`,
          ],
        }),
        readMetrics,
        describeAlarms,
      ];
    case 'rollback-alias':
      return [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:GetAlias', 'lambda:UpdateAlias'],
          resources: functions,
        }),
      ];
    case 'verify-recovery':
      return [readMetrics, describeAlarms];
    case 'release-lease':
      return [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['dynamodb:UpdateItem'],
          resources: [scope.leaseTableArn],
        }),
      ];
    case 'request-approval':
      return [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
          resources: [scope.approvalTableArn],
        }),
      ];
    case 'inspect-dlq':
      return [
        sqs([
          'sqs:GetQueueUrl',
          'sqs:GetQueueAttributes',
          'sqs:ListDeadLetterSourceQueues',
          'sqs:ReceiveMessage',
          'sqs:ChangeMessageVisibility',
        ]),
        // ListEventSourceMappings has no resource-level permissions.
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:ListEventSourceMappings'],
          resources: ['*'],
        }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:GetFunctionConfiguration'],
          resources: functions,
        }),
        readMetrics,
      ];
    case 'start-move-task':
      // A move task acts with its caller's permissions on both queues.
      return [
        sqs([
          'sqs:StartMessageMoveTask',
          'sqs:ListMessageMoveTasks',
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:SendMessage',
        ]),
      ];
    case 'check-move-task':
      return [sqs(['sqs:ListMessageMoveTasks'])];
    case 'replay-batch':
      return [
        sqs(['sqs:ReceiveMessage', 'sqs:SendMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
      ];
    case 'report-replay':
      return [sqs(['sqs:GetQueueAttributes'])];
    case 'gather-concurrency-evidence':
      return [
        // Account settings, listing functions and event source mappings have no resource-level permissions.
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:GetAccountSettings', 'lambda:ListFunctions', 'lambda:ListEventSourceMappings'],
          resources: ['*'],
        }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [
            'lambda:GetFunctionConcurrency',
            'lambda:GetFunctionConfiguration',
            'lambda:ListProvisionedConcurrencyConfigs',
            'lambda:GetFunctionEventInvokeConfig',
          ],
          resources: [`arn:${stack.partition}:lambda:${stack.region}:${stack.account}:function:*`],
        }),
        readMetrics,
      ];
    case 'apply-concurrency-change':
    case 'revert-concurrency-change':
      return concurrencyChanges(stack, functions, step === 'revert-concurrency-change');
    case 'check-provisioned-concurrency':
      return [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:GetProvisionedConcurrencyConfig'],
          resources: functions,
        }),
      ];
    case 'verify-throttles':
      return [readMetrics];
    case 'inspect-secret':
    case 'check-rotation':
    case 'report-rotation':
    case 'clear-stale-pending':
    case 'start-rotation':
    case 'roll-back-rotation':
    case 'check-consumers':
      return secretStepPolicy(step, scope);
    case 'plan-upgrade':
    case 'update-configuration':
    case 'check-update':
    case 'publish-version':
    case 'smoke-test':
    case 'set-alias-routing':
    case 'compare-versions':
      return upgradeStepPolicy(step, {
        functions,
        alarms,
        readMetrics,
        describeAlarms,
        testEvents: `arn:${stack.partition}:schemas:${stack.region}:${stack.account}:schema/${testEventRegistry}/*`,
      });
    case 'report-upgrade':
    case 'decide-throttling-fix':
    case 'report-throttling':
    case 'decide-remediation':
    case 'plan-replay':
    case 'escalate':
    case 'build-report':
      return [];
  }
}
