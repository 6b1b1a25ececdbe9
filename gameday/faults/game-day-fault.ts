/** Tag on every game-day experiment template; the driver refuses accounts without one (not a sandbox). */
export const sandboxTag = 'runbooks:sandbox';
/** Tag naming the game day an experiment template belongs to. */
export const gameDayTag = 'runbooks:game-day';

/**
 * A game day's fault, written once for the simulated account and a sandbox account: an AWS FIS
 * Lambda action where FIS can inject it (deployed as an experiment template by the sandbox stack,
 * created the same way in the simulated account), or a deployment step the driver performs
 * through the Lambda API.
 */
export type GameDayFault =
  | {
      readonly kind: 'fis';
      readonly actionId:
        | 'aws:lambda:invocation-error'
        | 'aws:lambda:invocation-add-delay'
        | 'aws:lambda:invocation-http-integration-response';
      readonly functionName: string;
      /** The action's parameters besides its duration, as FIS takes them (strings). */
      readonly parameters: Readonly<Record<string, string>>;
      readonly durationMinutes: number;
      /** The blast-radius alarm whose ALARM stops the experiment. */
      readonly stopConditionAlarm: string;
      readonly description: string;
    }
  | {
      readonly kind: 'deploy';
      readonly functionName: string;
      readonly alias: string;
      /** Environment variables of the version to deploy (e.g. `FAIL_RATE` the sandbox code reads). */
      readonly environment: Readonly<Record<string, string>>;
      readonly description: string;
    };

export type FisFault = Extract<GameDayFault, { kind: 'fis' }>;
export type DeployFault = Extract<GameDayFault, { kind: 'deploy' }>;

/** Where a template's references point, in the account it is created in. */
export interface TemplateRefs {
  readonly roleArn: string;
  readonly functionArn: string;
  readonly stopAlarmArn: string;
}

/**
 * The experiment template of a FIS fault, in the shape both the FIS API (`CreateExperimentTemplate`)
 * and CloudFormation (`AWS::FIS::ExperimentTemplate`) take.
 */
export function experimentTemplate(gameDay: string, fault: FisFault, refs: TemplateRefs) {
  return {
    description: `${gameDay}: ${fault.description}`,
    roleArn: refs.roleArn,
    stopConditions: [{ source: 'aws:cloudwatch:alarm', value: refs.stopAlarmArn }],
    targets: {
      Functions: {
        resourceType: 'aws:lambda:function',
        resourceArns: [refs.functionArn],
        selectionMode: 'ALL',
      },
    },
    actions: {
      inject: {
        actionId: fault.actionId,
        parameters: { ...fault.parameters, duration: `PT${fault.durationMinutes}M` },
        targets: { Functions: 'Functions' },
      },
    },
    tags: { [sandboxTag]: 'true', [gameDayTag]: gameDay, Name: `runbooks-${gameDay}` },
  };
}
