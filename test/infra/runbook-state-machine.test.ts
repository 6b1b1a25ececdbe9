import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { RunbookStateMachine } from '../../infra/runbook-state-machine.js';
import { definitionOf } from '../../runbooks/definitions.js';

/** One runbook's state machine in a stack of a team's own, over functions of its own. */
describe('RunbookStateMachine in a stack of one’s own', () => {
  const stack = new Stack(new App(), 'TeamStack');
  const runbook = definitionOf('queue-visibility');
  const functions = Object.fromEntries(
    runbook.steps.map((step) => [
      step.name,
      new LambdaFunction(stack, step.name, {
        runtime: Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: Code.fromInline('exports.handler = async () => ({})'),
      }),
    ]),
  );
  const machine = new RunbookStateMachine(stack, 'QueueVisibility', { runbook, functions });
  const template = Template.fromStack(stack);

  it('is the runbook’s state machine: named for it, traced, logged without state data, bounded in time', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'runbook-queue-visibility',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
    const definition = JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(definition).toContain(`\\"TimeoutSeconds\\":${runbook.timeoutSeconds}`);
  });

  it('alarms on failed runs, notifying nobody unless given a topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: 'Runbook queue-visibility failed to finish',
      MetricName: 'ExecutionsFailed',
      AlarmActions: Match.absent(),
    });
    expect(machine.failedAlarm).toBeDefined();
  });

  it('keeps its logs a year, and keeps them when the stack goes', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
  });
});
