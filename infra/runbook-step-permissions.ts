import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { StepName } from '../handlers/steps.js';
import type { StepScope } from './step-permissions.js';

/** Secrets Manager actions on the rotated secrets only; none configured, none granted. */
function secretsPolicy(scope: StepScope, actions: string[]): PolicyStatement[] {
  if (scope.secretArns.length === 0) return [];
  return [new PolicyStatement({ effect: Effect.ALLOW, actions, resources: [...scope.secretArns] })];
}

function invokePolicy(functionArns: readonly string[]): PolicyStatement[] {
  if (functionArns.length === 0) return [];
  return [
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['lambda:InvokeFunction'],
      resources: [...functionArns],
    }),
  ];
}

type SecretStep = Extract<
  StepName,
  | 'inspect-secret'
  | 'check-rotation'
  | 'report-rotation'
  | 'clear-stale-pending'
  | 'start-rotation'
  | 'roll-back-rotation'
  | 'check-consumers'
>;

/** The secret-rotation runbook's steps: Secrets Manager on the rotated secrets, invoking the rotation function and consumers. */
export function secretStepPolicy(step: SecretStep, scope: StepScope): PolicyStatement[] {
  switch (step) {
    case 'inspect-secret':
    case 'check-rotation':
    case 'report-rotation':
      return secretsPolicy(scope, ['secretsmanager:DescribeSecret']);
    case 'clear-stale-pending':
      return secretsPolicy(scope, [
        'secretsmanager:DescribeSecret',
        'secretsmanager:UpdateSecretVersionStage',
      ]);
    case 'start-rotation':
      // RotateSecret needs its caller to be allowed to invoke the rotation function too.
      return [
        ...secretsPolicy(scope, ['secretsmanager:DescribeSecret', 'secretsmanager:RotateSecret']),
        ...invokePolicy(scope.rotationFunctionArn ? [scope.rotationFunctionArn] : []),
      ];
    case 'roll-back-rotation':
      return [
        ...secretsPolicy(scope, [
          'secretsmanager:DescribeSecret',
          'secretsmanager:UpdateSecretVersionStage',
          'secretsmanager:CancelRotateSecret',
        ]),
        ...invokePolicy(scope.rotationFunctionArn ? [scope.rotationFunctionArn] : []),
      ];
    case 'check-consumers':
      return invokePolicy(scope.consumerArns);
  }
}

type UpgradeStep = Extract<
  StepName,
  | 'plan-upgrade'
  | 'update-configuration'
  | 'check-update'
  | 'publish-version'
  | 'smoke-test'
  | 'set-alias-routing'
  | 'compare-versions'
>;

/** The runtime-upgrade runbook's steps: only on the functions runbooks may act on. */
export function upgradeStepPolicy(
  step: UpgradeStep,
  shared: {
    readonly functions: string[];
    readonly alarms: string;
    readonly readMetrics: PolicyStatement;
    readonly describeAlarms: PolicyStatement;
    /** The Lambda console's shareable test events (one schema per function). */
    readonly testEvents: string;
  },
): PolicyStatement[] {
  const { functions, alarms, readMetrics, describeAlarms, testEvents } = shared;
  switch (step) {
    case 'plan-upgrade':
      return [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:GetFunctionConfiguration', 'lambda:GetAlias', 'lambda:ListTags'],
          resources: functions,
        }),
        // DescribeAlarms lists the account's alarms to find the function's; it reads alarms only.
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['cloudwatch:DescribeAlarms'],
          resources: [alarms],
        }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['schemas:DescribeSchema'],
          resources: [testEvents],
        }),
      ];
    case 'update-configuration':
      return [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionConfiguration'],
          resources: functions,
        }),
      ];
    case 'check-update':
      return [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:GetFunctionConfiguration'],
          resources: functions,
        }),
      ];
    case 'publish-version':
      return [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:PublishVersion'],
          resources: functions,
        }),
      ];
    case 'smoke-test':
      return [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:InvokeFunction'],
          resources: functions,
        }),
      ];
    case 'set-alias-routing':
      return [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:GetAlias', 'lambda:UpdateAlias'],
          resources: functions,
        }),
      ];
    case 'compare-versions':
      return [readMetrics, describeAlarms];
  }
}
