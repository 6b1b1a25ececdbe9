import { step as checkUpdateStep } from '../../handlers/runtime-upgrade/check-update.js';
import { step as compareVersionsStep } from '../../handlers/runtime-upgrade/compare-versions.js';
import {
  type RuntimeUpgradeGuardrails,
  runtimeUpgradeInputSchema,
} from '../../handlers/runtime-upgrade/contract.js';
import { step as planUpgradeStep } from '../../handlers/runtime-upgrade/plan-upgrade.js';
import { step as publishVersionStep } from '../../handlers/runtime-upgrade/publish-version.js';
import { step as reportUpgradeStep } from '../../handlers/runtime-upgrade/report-upgrade.js';
import { step as setAliasRoutingStep } from '../../handlers/runtime-upgrade/set-alias-routing.js';
import { step as smokeTestStep } from '../../handlers/runtime-upgrade/smoke-test.js';
import { step as updateConfigurationStep } from '../../handlers/runtime-upgrade/update-configuration.js';
import { step as changeGateStep } from '../../handlers/shared/change-gate.js';
import { step as escalateStep } from '../../handlers/shared/escalate.js';
import { step as releaseLeaseStep } from '../../handlers/shared/release-lease.js';
import { step as requestApprovalStep } from '../../handlers/shared/request-approval.js';
import { defineRunbook } from '../define-runbook.js';
import { trigger as eventTrigger } from './health-trigger.js';

const guardrails: RuntimeUpgradeGuardrails = {
  approval: { dev: 'auto', staging: 'human', prod: 'human' },
  stagingAlias: 'staging',
  productionAlias: 'live',
  canaryWeight: 0.1,
  bakeMinutes: 10,
  maxBakeChecks: 3,
  updatePollSeconds: 5,
  maxUpdateChecks: 36,
  horizonDays: 180,
  minInvocations: 100,
  maxErrorRateIncrease: 0.01,
  errorRateFactor: 2,
  maxDurationRatio: 1.5,
};

/** Its steps, in the order the definition first uses them. */
const steps = [
  planUpgradeStep,
  updateConfigurationStep,
  checkUpdateStep,
  publishVersionStep,
  smokeTestStep,
  setAliasRoutingStep,
  requestApprovalStep,
  changeGateStep,
  compareVersionsStep,
  escalateStep,
  reportUpgradeStep,
  releaseLeaseStep,
] as const;

/** The names of its steps: the functions its definition is built over. */
export type StepNames = (typeof steps)[number]['name'];

/** Moves a function to a supported runtime (or new environment variables) through staging and a production canary. */
export const runtimeUpgrade = defineRunbook({
  id: 'runtime-upgrade',
  title: 'Lambda runtime upgrade',
  description:
    'Changes a function’s runtime (by default to the newest supported one of its family) or ' +
    'environment variables the safe way: the configuration update is followed until Lambda reports ' +
    'it Successful, a version is published and smoke-tested with the function’s test event, the ' +
    'staging alias points at it, and after approval the production alias sends 10% of traffic to it ' +
    'while its errors and latency are compared with the old version’s over the same minutes; then ' +
    '100%. A regression puts the production and staging aliases back exactly as they were (by ' +
    'RevisionId) and ' +
    '`$LATEST`’s previous configuration back, and escalates; a function already failing is left alone.',
  trigger: {
    description:
      'A person (`function=<name>` with `runtime=<id>` or `environment=KEY=VALUE,…`), or an AWS Health scheduled-change event about a Lambda runtime for the functions it names',
    metrics: [],
    events: [eventTrigger],
  },
  targets: ['function'],
  locks: ['target'],
  parameters: {
    runtime: {
      description:
        'the runtime to move to (default: the newest supported runtime of the function’s family, when its own is due)',
      kind: 'runtime',
    },
    environment: {
      description: 'environment variables to set, KEY=VALUE separated by commas',
      kind: 'environment',
    },
  },
  inputSchema: runtimeUpgradeInputSchema,
  approval: guardrails.approval,
  approverTiers: [
    { group: 'on-call', timeoutSeconds: 15 * 60 },
    { group: 'incident-leads', timeoutSeconds: 15 * 60 },
  ],
  guardrails,
  timeoutSeconds: 3 * 3600,
  cooldownSeconds: 3600,
  steps,
  definition: () => import('./definition.js'),
  gameDays: async () =>
    (await import('../../gameday/scenarios/runtime-upgrade/game-days.js')).runtimeUpgradeScenarios,
});
