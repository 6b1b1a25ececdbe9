import { Duration } from 'aws-cdk-lib';
import {
  Choice,
  Condition,
  type IChainable,
  JsonPath,
  Pass,
  TaskInput,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ApprovalStep } from '../fragments/approval-step.js';
import { endWithReport } from '../fragments/runbook-end.js';
import { taskStep } from '../fragments/task-step.js';
import type { RunbookFunctions } from '../runbook.js';
import { runtimeUpgrade, type StepNames } from './runbook.js';

const { id, guardrails } = runtimeUpgrade;
const { minInvocations, maxErrorRateIncrease, errorRateFactor, maxDurationRatio } = guardrails;

/** The runbook's state machine. */
export function build(scope: Construct, fn: RunbookFunctions<StepNames>): IChainable {
  const report = taskStep(scope, 'Report', {
    lambdaFunction: fn['report-upgrade'],
    payload: TaskInput.fromObject({ executionId: JsonPath.executionId, state: JsonPath.objectAt('$') }),
    resultPath: '$.report',
    outputPath: '$.report',
  });
  const escalate = endWithReport(scope, fn, id, report);
  const functionName = JsonPath.stringAt('$.plan.functionName');
  const common = { executionId: JsonPath.executionId, runbook: id, functionName };
  const alias = (name: string, props: Record<string, unknown>, resultPath: string) =>
    taskStep(scope, name, {
      lambdaFunction: fn['set-alias-routing'],
      payload: TaskInput.fromObject({ ...common, ...props }),
      resultPath,
    });

  // Undo: `$LATEST` back to the configuration the plan read, then hand over.
  const revertConfiguration = taskStep(scope, 'Put the previous configuration back', {
    lambdaFunction: fn['update-configuration'],
    payload: TaskInput.fromObject({
      ...common,
      to: JsonPath.objectAt('$.plan.previous'),
      expectRevisionId: null,
      purpose: 'revert',
    }),
    resultPath: '$.reverted',
    onFailure: escalate,
  }).next(escalate);
  // The production alias back to exactly the routing the plan read, if this run's canary is still there.
  const rollBack = alias(
    'Roll the production alias back',
    {
      alias: JsonPath.stringAt('$.plan.production.name'),
      functionVersion: JsonPath.stringAt('$.plan.production.functionVersion'),
      // The plan refuses an alias that already splits traffic: its routing is one version.
      additional: null,
      expectRevisionId: JsonPath.stringAt('$.canary.revisionId'),
      purpose: 'rollback',
    },
    '$.rolledBack',
  );
  // Staging back to the version the plan read, when this run moved it; then `$LATEST`. A rollback
  // leaves every alias and the configuration as they were, so no alias runs what `$LATEST` no
  // longer is.
  const stagingBack = alias(
    'Point the staging alias back',
    {
      alias: JsonPath.stringAt('$.plan.staging.name'),
      functionVersion: JsonPath.stringAt('$.plan.staging.functionVersion'),
      // The plan refuses a staging alias that already splits traffic, too.
      additional: null,
      expectRevisionId: JsonPath.stringAt('$.staging.revisionId'),
      purpose: 'rollback',
    },
    '$.stagingBack',
  );
  stagingBack.addCatch(revertConfiguration, { errors: ['States.ALL'], resultPath: '$.failure' });
  stagingBack.next(revertConfiguration);
  const undo = new Choice(scope, 'Staging moved?')
    .when(Condition.isPresent('$.staging'), stagingBack)
    .otherwise(revertConfiguration);
  rollBack.addCatch(escalate, { errors: ['States.ALL'], resultPath: '$.failure' });
  rollBack.next(undo);

  const promote = alias(
    'Send all production traffic to the new version',
    {
      alias: JsonPath.stringAt('$.plan.production.name'),
      functionVersion: JsonPath.stringAt('$.published.version'),
      additional: null,
      expectRevisionId: JsonPath.stringAt('$.canary.revisionId'),
      purpose: 'promote',
    },
    '$.promoted',
  );
  promote.addCatch(rollBack, { errors: ['States.ALL'], resultPath: '$.failure' });
  promote.next(report);

  const bake = new Wait(scope, 'Let the canary bake', {
    time: WaitTime.duration(Duration.minutes(guardrails.bakeMinutes)),
  });
  const compare = taskStep(scope, 'Compare the versions', {
    lambdaFunction: fn['compare-versions'],
    payload: TaskInput.fromObject({
      functionName,
      alias: JsonPath.stringAt('$.plan.production.name'),
      oldVersion: JsonPath.stringAt('$.plan.production.functionVersion'),
      newVersion: JsonPath.stringAt('$.published.version'),
      alarms: JsonPath.listAt('$.plan.alarms'),
      since: JsonPath.stringAt('$.comparison.since'),
      previousChecks: JsonPath.numberAt('$.comparison.checks'),
      maxChecks: guardrails.maxBakeChecks,
      guardrails: { minInvocations, maxErrorRateIncrease, errorRateFactor, maxDurationRatio },
    }),
    resultPath: '$.comparison',
    onFailure: rollBack,
  });
  bake
    .next(compare)
    .next(
      new Choice(scope, 'How does the new version compare?')
        .when(Condition.stringEquals('$.comparison.verdict', 'healthy'), promote)
        .when(Condition.stringEquals('$.comparison.verdict', 'wait'), bake)
        .otherwise(rollBack),
    );
  const canary = alias(
    'Start the production canary',
    {
      alias: JsonPath.stringAt('$.plan.production.name'),
      functionVersion: JsonPath.stringAt('$.plan.production.functionVersion'),
      additional: { version: JsonPath.stringAt('$.published.version'), weight: guardrails.canaryWeight },
      expectRevisionId: JsonPath.stringAt('$.plan.production.revisionId'),
      purpose: 'canary',
    },
    '$.canary',
  );
  canary.addCatch(undo, { errors: ['States.ALL'], resultPath: '$.failure' });
  canary
    .next(
      new Pass(scope, 'Start comparing', {
        parameters: { checks: 0, 'since.$': '$.canary.changedAt' },
        resultPath: '$.comparison',
      }),
    )
    .next(bake);

  const approval = new ApprovalStep(scope, 'Ask to go to production', {
    runbook: id,
    approvalFunction: fn['request-approval'],
    changeGateFunction: fn['change-gate'],
    modePath: '$.plan.approval',
    gateName: 'Approval required?',
    summaryPath: '$.plan.summary',
    evidencePath: '$.plan',
    tiers: runtimeUpgrade.approverTiers,
    onDeclined: undo,
  });
  approval.next(canary);

  const staging = alias(
    'Point the staging alias at the new version',
    {
      alias: JsonPath.stringAt('$.plan.staging.name'),
      functionVersion: JsonPath.stringAt('$.published.version'),
      additional: null,
      expectRevisionId: JsonPath.stringAt('$.plan.staging.revisionId'),
      purpose: 'staging',
    },
    '$.staging',
  );
  staging.addCatch(revertConfiguration, { errors: ['States.ALL'], resultPath: '$.failure' });
  staging.next(approval);

  const smoke = taskStep(scope, 'Smoke-test the new version', {
    lambdaFunction: fn['smoke-test'],
    payload: TaskInput.fromObject({
      functionName,
      version: JsonPath.stringAt('$.published.version'),
      testEvent: JsonPath.objectAt('$.plan.testEvent'),
    }),
    resultPath: '$.smoke',
    onFailure: revertConfiguration,
  }).next(
    // `IsNull: true` rather than `IsNull: false`: aws-local-stepfunctions 3.0 evaluates the latter
    // as never matching, where AWS matches any value that is not null.
    new Choice(scope, 'Smoke test passed?')
      .when(
        Condition.and(Condition.booleanEquals('$.smoke.passed', true), Condition.isNull('$.plan.staging')),
        approval,
      )
      .when(Condition.booleanEquals('$.smoke.passed', true), staging)
      .otherwise(revertConfiguration),
  );
  const publish = taskStep(scope, 'Publish a version', {
    lambdaFunction: fn['publish-version'],
    payload: TaskInput.fromObject({
      ...common,
      runtime: JsonPath.stringAt('$.plan.target.runtime'),
      revisionId: JsonPath.stringAt('$.update.revisionId'),
    }),
    resultPath: '$.published',
    onFailure: revertConfiguration,
  }).next(smoke);

  const letUpdate = new Wait(scope, 'Let Lambda update the function', {
    time: WaitTime.duration(Duration.seconds(guardrails.updatePollSeconds)),
  });
  const checkUpdate = taskStep(scope, 'Check the update', {
    lambdaFunction: fn['check-update'],
    payload: TaskInput.fromObject({ functionName, checks: JsonPath.numberAt('$.update.checks') }),
    resultPath: '$.update',
    onFailure: revertConfiguration,
  });
  letUpdate.next(checkUpdate).next(
    new Choice(scope, 'Update finished?')
      .when(Condition.stringEquals('$.update.status', 'Successful'), publish)
      // A failed update leaves the previous configuration in place: nothing to undo.
      .when(Condition.stringEquals('$.update.status', 'Failed'), escalate)
      .when(
        Condition.numberGreaterThanEquals('$.update.checks', guardrails.maxUpdateChecks),
        revertConfiguration,
      )
      .otherwise(letUpdate),
  );
  const update = taskStep(scope, 'Update the configuration', {
    lambdaFunction: fn['update-configuration'],
    payload: TaskInput.fromObject({
      ...common,
      to: JsonPath.objectAt('$.plan.target'),
      expectRevisionId: JsonPath.stringAt('$.plan.latestRevisionId'),
      purpose: 'upgrade',
    }),
    resultPath: '$.updated',
    onFailure: escalate,
  });
  update
    .next(
      new Pass(scope, 'Start update checks', { result: { value: { checks: 0 } }, resultPath: '$.update' }),
    )
    .next(letUpdate);

  const plan = taskStep(scope, 'Plan the upgrade', {
    lambdaFunction: fn['plan-upgrade'],
    payload: TaskInput.fromObject({
      executionInput: JsonPath.objectAt('$'),
      approval: guardrails.approval,
      stagingAlias: guardrails.stagingAlias,
      productionAlias: guardrails.productionAlias,
      horizonDays: guardrails.horizonDays,
    }),
    resultPath: '$.plan',
    onFailure: escalate,
  });
  return plan.next(
    new Choice(scope, 'What does the plan say?')
      .when(Condition.stringEquals('$.plan.action', 'upgrade'), update)
      .when(Condition.stringEquals('$.plan.action', 'escalate'), escalate)
      .otherwise(report),
  );
}
