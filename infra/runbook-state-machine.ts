import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { DefinitionBody, LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RunbookDefinition, RunbookFunctions } from '../runbooks/runbook.js';
import { definitionComment } from '../state-machines/render-asl.js';
import { nagAcknowledgements } from './nag-acknowledgements.js';

export interface RunbookStateMachineProps {
  /** The runbook, with its state machine's `build` (see `loadDefinitions`). */
  readonly runbook: RunbookDefinition;
  /** The Lambda function of each step its definition uses, by step name. */
  readonly functions: RunbookFunctions;
  /**
   * Where the alarm on runs that fail, time out or are aborted notifies.
   * @default the alarm notifies nobody
   */
  readonly alarmTopic?: ITopic;
  /**
   * How long its execution logs are kept.
   * @default one year
   */
  readonly logRetention?: RetentionDays;
}

/**
 * One runbook's state machine, `runbook-<id>`, built by the runbook's own `build`: traced, every
 * transition logged without state data, stopped after the runbook's timeout, with an alarm on
 * failed runs.
 */
export class RunbookStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly failedAlarm: Alarm;

  constructor(scope: Construct, id: string, props: RunbookStateMachineProps) {
    super(scope, id);
    const { runbook, functions } = props;
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // `Default`: the state machine keeps the logical ID it has as a direct child of the stack.
    this.stateMachine = new StateMachine(this, 'Default', {
      stateMachineName: `runbook-${runbook.id}`,
      comment: definitionComment(runbook),
      definitionBody: DefinitionBody.fromChainable(
        runbook.build(new Construct(this, 'Definition'), functions),
      ),
      tracingEnabled: true,
      // Every transition is logged, without state input and output: those carry approval task
      // tokens (whoever holds one can answer the approval). The execution history keeps them.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.seconds(runbook.timeoutSeconds),
    });
    nagAcknowledgements.stateMachine(this.stateMachine, Object.values(functions));
    this.failedAlarm = new Alarm(this, 'Failed', {
      metric: this.stateMachine.metricFailed({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `Runbook ${runbook.id} failed to finish`,
    });
    if (props.alarmTopic) this.failedAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
  }
}
