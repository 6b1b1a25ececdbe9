import type { SimulatedAccount } from '../account/simulated-account.js';
import { experimentTemplate, type FisFault } from '../faults/game-day-fault.js';

/** Creates game days' experiment templates in a simulated account, as the sandbox stack does in AWS. */
export function createExperiments(
  account: SimulatedAccount,
  experiments: Readonly<Record<string, FisFault>>,
): void {
  const { accountId, region } = account.identity;
  for (const [gameDay, fault] of Object.entries(experiments)) {
    account.fis.createExperimentTemplate(
      experimentTemplate(gameDay, fault, {
        roleArn: `arn:aws:iam::${accountId}:role/runbooks-game-day-experiments`,
        functionArn: account.lambda.fn(fault.functionName).arn,
        stopAlarmArn: `arn:aws:cloudwatch:${region}:${accountId}:alarm:${fault.stopConditionAlarm}`,
      }),
    );
  }
}
