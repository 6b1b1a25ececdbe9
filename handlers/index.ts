import { buildReport } from './api-5xx-spike/build-report.js';
import { decideRemediation } from './api-5xx-spike/decide-remediation.js';
import { gatherEvidence } from './api-5xx-spike/gather-evidence.js';
import { rollbackAlias } from './api-5xx-spike/rollback-alias.js';
import { verifyRecovery } from './api-5xx-spike/verify-recovery.js';
import { checkMoveTask } from './dlq-replay/check-move-task.js';
import { inspectDlq } from './dlq-replay/inspect-dlq.js';
import { planReplay } from './dlq-replay/plan-replay.js';
import { replayBatch } from './dlq-replay/replay-batch.js';
import { reportReplay } from './dlq-replay/report-replay.js';
import { startMoveTask } from './dlq-replay/start-move-task.js';
import { applyConcurrencyChange } from './lambda-throttling/apply-concurrency-change.js';
import { checkProvisionedConcurrency } from './lambda-throttling/check-provisioned-concurrency.js';
import { decideThrottlingFix } from './lambda-throttling/decide-throttling-fix.js';
import { gatherConcurrencyEvidence } from './lambda-throttling/gather-concurrency-evidence.js';
import { reportThrottling } from './lambda-throttling/report-throttling.js';
import { revertConcurrencyChange } from './lambda-throttling/revert-concurrency-change.js';
import { verifyThrottles } from './lambda-throttling/verify-throttles.js';
import type { ClientName } from './lib/aws-clients.js';
import type { StepCore } from './lib/step-deps.js';
import { checkUpdate } from './runtime-upgrade/check-update.js';
import { compareVersions } from './runtime-upgrade/compare-versions.js';
import { planUpgrade } from './runtime-upgrade/plan-upgrade.js';
import { publishVersion } from './runtime-upgrade/publish-version.js';
import { reportUpgrade } from './runtime-upgrade/report-upgrade.js';
import { setAliasRouting } from './runtime-upgrade/set-alias-routing.js';
import { smokeTest } from './runtime-upgrade/smoke-test.js';
import { updateConfiguration } from './runtime-upgrade/update-configuration.js';
import { checkConsumers } from './secret-rotation/check-consumers.js';
import { checkRotation } from './secret-rotation/check-rotation.js';
import { clearStalePending } from './secret-rotation/clear-stale-pending.js';
import { inspectSecret } from './secret-rotation/inspect-secret.js';
import { reportRotation } from './secret-rotation/report-rotation.js';
import { rollBackRotation } from './secret-rotation/roll-back-rotation.js';
import { startRotation } from './secret-rotation/start-rotation.js';
import { escalate } from './shared/escalate.js';
import { releaseLease } from './shared/release-lease.js';
import { requestApproval } from './shared/request-approval.js';
import type { StepName } from './steps.js';

/** The core of every step, by name: what local executions bind each Task state to. */
export const stepHandlers = {
  'gather-evidence': gatherEvidence,
  'decide-remediation': decideRemediation,
  'rollback-alias': rollbackAlias,
  'verify-recovery': verifyRecovery,
  'build-report': buildReport,
  'inspect-dlq': inspectDlq,
  'plan-replay': planReplay,
  'start-move-task': startMoveTask,
  'check-move-task': checkMoveTask,
  'replay-batch': replayBatch,
  'report-replay': reportReplay,
  'gather-concurrency-evidence': gatherConcurrencyEvidence,
  'decide-throttling-fix': decideThrottlingFix,
  'apply-concurrency-change': applyConcurrencyChange,
  'check-provisioned-concurrency': checkProvisionedConcurrency,
  'verify-throttles': verifyThrottles,
  'revert-concurrency-change': revertConcurrencyChange,
  'report-throttling': reportThrottling,
  'inspect-secret': inspectSecret,
  'clear-stale-pending': clearStalePending,
  'start-rotation': startRotation,
  'check-rotation': checkRotation,
  'check-consumers': checkConsumers,
  'roll-back-rotation': rollBackRotation,
  'report-rotation': reportRotation,
  'plan-upgrade': planUpgrade,
  'update-configuration': updateConfiguration,
  'check-update': checkUpdate,
  'publish-version': publishVersion,
  'smoke-test': smokeTest,
  'set-alias-routing': setAliasRouting,
  'compare-versions': compareVersions,
  'report-upgrade': reportUpgrade,
  'request-approval': requestApproval,
  escalate,
  'release-lease': releaseLease,
} as const satisfies Record<StepName, StepCore<never, unknown, ClientName>>;
