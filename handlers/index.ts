import { buildReport } from './build-report.js';
import { checkMoveTask } from './check-move-task.js';
import { decideRemediation } from './decide-remediation.js';
import { escalate } from './escalate.js';
import { gatherEvidence } from './gather-evidence.js';
import { inspectDlq } from './inspect-dlq.js';
import type { StepCore } from './lib/step-deps.js';
import { planReplay } from './plan-replay.js';
import { releaseLease } from './release-lease.js';
import { replayBatch } from './replay-batch.js';
import { reportReplay } from './report-replay.js';
import { requestApproval } from './request-approval.js';
import { rollbackAlias } from './rollback-alias.js';
import { startMoveTask } from './start-move-task.js';
import { verifyRecovery } from './verify-recovery.js';

/**
 * Every step handler by name. The name is also the handler's file (`handlers/<name>.ts`, exporting
 * `handler`) and how runbook definitions refer to it.
 */
export const stepHandlers = {
  'gather-evidence': gatherEvidence,
  'decide-remediation': decideRemediation,
  'request-approval': requestApproval,
  'rollback-alias': rollbackAlias,
  'verify-recovery': verifyRecovery,
  escalate,
  'build-report': buildReport,
  'release-lease': releaseLease,
  'inspect-dlq': inspectDlq,
  'plan-replay': planReplay,
  'start-move-task': startMoveTask,
  'check-move-task': checkMoveTask,
  'replay-batch': replayBatch,
  'report-replay': reportReplay,
} as const satisfies Record<string, StepCore<never, unknown>>;

export type StepName = keyof typeof stepHandlers;

export const stepNames = Object.keys(stepHandlers) as StepName[];
