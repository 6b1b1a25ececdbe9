import { step as buildReportStep } from './api-5xx-spike/build-report.js';
import { step as decideRemediationStep } from './api-5xx-spike/decide-remediation.js';
import { step as gatherEvidenceStep } from './api-5xx-spike/gather-evidence.js';
import { step as rollbackAliasStep } from './api-5xx-spike/rollback-alias.js';
import { step as verifyRecoveryStep } from './api-5xx-spike/verify-recovery.js';
import { step as checkMoveTaskStep } from './dlq-replay/check-move-task.js';
import { step as inspectDlqStep } from './dlq-replay/inspect-dlq.js';
import { step as planReplayStep } from './dlq-replay/plan-replay.js';
import { step as replayBatchStep } from './dlq-replay/replay-batch.js';
import { step as reportReplayStep } from './dlq-replay/report-replay.js';
import { step as startMoveTaskStep } from './dlq-replay/start-move-task.js';
import { step as applyConcurrencyChangeStep } from './lambda-throttling/apply-concurrency-change.js';
import { step as checkProvisionedConcurrencyStep } from './lambda-throttling/check-provisioned-concurrency.js';
import { step as decideThrottlingFixStep } from './lambda-throttling/decide-throttling-fix.js';
import { step as gatherConcurrencyEvidenceStep } from './lambda-throttling/gather-concurrency-evidence.js';
import { step as reportThrottlingStep } from './lambda-throttling/report-throttling.js';
import { step as revertConcurrencyChangeStep } from './lambda-throttling/revert-concurrency-change.js';
import { step as verifyThrottlesStep } from './lambda-throttling/verify-throttles.js';
import { step as checkUpdateStep } from './runtime-upgrade/check-update.js';
import { step as compareVersionsStep } from './runtime-upgrade/compare-versions.js';
import { step as planUpgradeStep } from './runtime-upgrade/plan-upgrade.js';
import { step as publishVersionStep } from './runtime-upgrade/publish-version.js';
import { step as reportUpgradeStep } from './runtime-upgrade/report-upgrade.js';
import { step as setAliasRoutingStep } from './runtime-upgrade/set-alias-routing.js';
import { step as smokeTestStep } from './runtime-upgrade/smoke-test.js';
import { step as updateConfigurationStep } from './runtime-upgrade/update-configuration.js';
import { step as checkConsumersStep } from './secret-rotation/check-consumers.js';
import { step as checkRotationStep } from './secret-rotation/check-rotation.js';
import { step as clearStalePendingStep } from './secret-rotation/clear-stale-pending.js';
import { step as inspectSecretStep } from './secret-rotation/inspect-secret.js';
import { step as reportRotationStep } from './secret-rotation/report-rotation.js';
import { step as rollBackRotationStep } from './secret-rotation/roll-back-rotation.js';
import { step as startRotationStep } from './secret-rotation/start-rotation.js';
import { step as escalateStep } from './shared/escalate.js';
import { step as releaseLeaseStep } from './shared/release-lease.js';
import { step as requestApprovalStep } from './shared/request-approval.js';

/**
 * Every runbook step, each declared once in its own module (`defineStep`): its name, clients, core
 * and permissions. The CDK app deploys one function per entry with the grants derived from it; the
 * local executor binds Task states to the cores. Loading this loads every step's code.
 */
export const steps = [
  gatherEvidenceStep,
  decideRemediationStep,
  rollbackAliasStep,
  verifyRecoveryStep,
  buildReportStep,
  inspectDlqStep,
  planReplayStep,
  startMoveTaskStep,
  checkMoveTaskStep,
  replayBatchStep,
  reportReplayStep,
  gatherConcurrencyEvidenceStep,
  decideThrottlingFixStep,
  applyConcurrencyChangeStep,
  checkProvisionedConcurrencyStep,
  verifyThrottlesStep,
  revertConcurrencyChangeStep,
  reportThrottlingStep,
  inspectSecretStep,
  clearStalePendingStep,
  startRotationStep,
  checkRotationStep,
  checkConsumersStep,
  rollBackRotationStep,
  reportRotationStep,
  planUpgradeStep,
  updateConfigurationStep,
  checkUpdateStep,
  publishVersionStep,
  smokeTestStep,
  setAliasRoutingStep,
  compareVersionsStep,
  reportUpgradeStep,
  requestApprovalStep,
  escalateStep,
  releaseLeaseStep,
] as const;

export type StepDefinition = (typeof steps)[number];

const byName: ReadonlyMap<string, StepDefinition> = new Map(steps.map((step) => [step.name, step]));

/** A step by name; names come from definitions and Task states, so they are looked up as own keys. */
export function stepNamed(name: string): StepDefinition | undefined {
  return byName.get(name);
}
