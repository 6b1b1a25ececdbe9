import { Duration } from 'aws-cdk-lib';
import { Choice, Condition, JsonPath, Pass, TaskInput, Wait, WaitTime } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { alarmStateChangeEventSchema } from '../handlers/lib/alarm-event.js';
import { ErrorNames } from '../handlers/lib/errors.js';
import type { SpikeGuardrails } from '../handlers/lib/guardrails.js';
import { ApprovalStep, approvalGate } from './fragments/approval-step.js';
import { releaseLeaseStep } from './fragments/release-lease-step.js';
import { escalateStep, taskStep } from './fragments/task-step.js';
import type { Runbook, RunbookFunctions } from './runbook.js';

const id = 'api-5xx-spike';

const guardrails: SpikeGuardrails = {
  suspectWindowMinutes: 60,
  approval: { dev: 'auto', staging: 'human', prod: 'human' },
  approvalTimeoutSeconds: 900,
  recoveredErrorRate: 0.01,
  maxVerifyChecks: 3,
};

/** Who approves a rollback: on-call first; if nobody answers in time, the incident leads. */
const approverTiers = [
  { group: 'on-call', timeout: Duration.seconds(guardrails.approvalTimeoutSeconds) },
  { group: 'incident-leads', timeout: Duration.seconds(guardrails.approvalTimeoutSeconds) },
] as const;

/** Minutes of metrics gathered before the alarm. */
const lookbackMinutes = 60;
/** Time given to the alias after a change before each verification check. */
const settleTime = Duration.minutes(3);

function build(scope: Construct, fn: RunbookFunctions) {
  const report = taskStep(scope, 'Report', {
    lambdaFunction: fn['build-report'],
    payload: TaskInput.fromObject({
      executionId: JsonPath.executionId,
      runbook: id,
      // Measured from the alarm, which is what on-call cares about (and the local engine stamps
      // $$.Execution.StartTime with wall-clock time, not the simulation's).
      alarmAt: JsonPath.stringAt('$.detail.state.timestamp'),
      state: JsonPath.objectAt('$'),
    }),
    resultPath: '$.report',
    outputPath: '$.report',
  });
  report.next(releaseLeaseStep(scope, fn));

  const escalate = escalateStep(scope, fn, id).next(report);

  const gather = taskStep(scope, 'Gather evidence', {
    lambdaFunction: fn['gather-evidence'],
    payload: TaskInput.fromObject({
      alarmEvent: JsonPath.objectAt('$'),
      executionId: JsonPath.executionId,
      lookbackMinutes,
    }),
    resultPath: '$.evidence',
  }).addCatch(escalate, { errors: [ErrorNames.all], resultPath: '$.failure' });

  const decide = taskStep(scope, 'Decide', {
    lambdaFunction: fn['decide-remediation'],
    payload: TaskInput.fromObject({ evidence: JsonPath.objectAt('$.evidence'), guardrails }),
    resultPath: '$.decision',
  }).addCatch(escalate, { errors: [ErrorNames.all], resultPath: '$.failure' });

  const rollback = taskStep(scope, 'Roll back alias', {
    lambdaFunction: fn['rollback-alias'],
    payload: TaskInput.fromObject({
      executionId: JsonPath.executionId,
      runbook: id,
      target: JsonPath.objectAt('$.evidence.target'),
      expected: JsonPath.objectAt('$.evidence.alias'),
      rollbackTo: JsonPath.stringAt('$.decision.rollbackTo'),
    }),
    resultPath: '$.rollback',
  }).addCatch(escalate, { errors: [ErrorNames.all], resultPath: '$.failure' });

  const approval = new ApprovalStep(scope, 'Ask for approval', {
    runbook: id,
    approvalFunction: fn['request-approval'],
    summaryPath: '$.decision.summary',
    evidencePath: '$.evidence',
    tiers: approverTiers,
  }).onDeclined(escalate);

  const startChecks = new Pass(scope, 'Start verification', {
    result: { value: { checks: 0, recovered: false, exhausted: false } },
    resultPath: '$.verification',
  });
  const settle = new Wait(scope, 'Let the alias settle', { time: WaitTime.duration(settleTime) });
  const verify = taskStep(scope, 'Verify recovery', {
    lambdaFunction: fn['verify-recovery'],
    payload: TaskInput.fromObject({
      alarmName: JsonPath.stringAt('$.evidence.alarm.name'),
      target: JsonPath.objectAt('$.evidence.target'),
      since: JsonPath.stringAt('$.rollback.rolledBackAt'),
      recoveredErrorRate: JsonPath.numberAt('$.decision.recoveredErrorRate'),
      previousChecks: JsonPath.numberAt('$.verification.checks'),
      maxChecks: JsonPath.numberAt('$.decision.maxVerifyChecks'),
    }),
    resultPath: '$.verification',
  }).addCatch(escalate, { errors: [ErrorNames.all], resultPath: '$.failure' });

  const recovered = new Choice(scope, 'Recovered?')
    .when(Condition.booleanEquals('$.verification.recovered', true), report)
    .when(Condition.booleanEquals('$.verification.exhausted', true), escalate)
    .otherwise(settle);

  rollback.next(startChecks).next(settle).next(verify).next(recovered);
  approval.next(rollback);

  return gather
    .next(decide)
    .next(
      new Choice(scope, 'Recent deploy to blame?')
        .when(
          Condition.stringEquals('$.decision.action', 'rollback'),
          approvalGate(scope, '$.decision.approval', approval, rollback),
        )
        .otherwise(escalate),
    );
}

/** Rolls a Lambda alias back when a recent deploy explains a 5XX spike; escalates otherwise. */
export const api5xxSpike: Runbook = {
  id,
  title: '5XX error spike',
  description:
    'An API Gateway 5XXError or Lambda Errors alarm on an aliased function fired. Gathers metrics, ' +
    'alias routing and recent versions; if a version deployed shortly before the spike is to blame, ' +
    'rolls the alias back (after approval where policy requires it) and verifies recovery; otherwise ' +
    'escalates with the evidence.',
  trigger: {
    description:
      'CloudWatch alarm on AWS/ApiGateway 5XXError (REST API backed by a Lambda alias) or AWS/Lambda Errors (Resource = function:alias)',
    metrics: [
      { namespace: 'AWS/ApiGateway', name: '5XXError' },
      { namespace: 'AWS/Lambda', name: 'Errors' },
    ],
  },
  inputSchema: alarmStateChangeEventSchema,
  approval: guardrails.approval,
  approverGroups: approverTiers.map((tier) => tier.group),
  guardrails: { ...guardrails, lookbackMinutes, settleSeconds: settleTime.toSeconds() },
  timeout: Duration.hours(2),
  cooldown: Duration.minutes(30),
  steps: [
    'gather-evidence',
    'decide-remediation',
    'request-approval',
    'rollback-alias',
    'verify-recovery',
    'escalate',
    'build-report',
    'release-lease',
  ],
  build,
};
