import type { FisFault, GameDayFault } from '../../faults/game-day-fault.js';

/** The alarm that stops an experiment before it hurts more than a rehearsal should: half of all calls failing. */
export const blastRadiusAlarm = 'checkout-blast-radius';

/** A deploy of a version that fails 30% of requests: the sandbox's checkout code reads FAIL_RATE. */
export const badDeployFault: GameDayFault = {
  kind: 'deploy',
  functionName: 'checkout-api',
  alias: 'live',
  environment: { FAIL_RATE: '0.3' },
  description: 'a version that fails 30% of requests',
};

/** A failing dependency without a deploy: FIS makes 30% of invocations fail for half an hour. */
export const dependencyFailureFault: FisFault = {
  kind: 'fis',
  actionId: 'aws:lambda:invocation-error',
  functionName: 'checkout-api',
  parameters: { invocationPercentage: '30', preventExecution: 'true' },
  durationMinutes: 30,
  stopConditionAlarm: blastRadiusAlarm,
  description: '30% of checkout-api invocations fail (a dependency is down); no deploy',
};

/** The checkout game days FIS injects, by game day: what the sandbox stack deploys as templates. */
export const checkoutExperiments: Readonly<Record<string, FisFault>> = {
  'no-recent-deploy': dependencyFailureFault,
};
