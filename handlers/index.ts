import { buildReport } from './build-report.js';
import { decideRemediation } from './decide-remediation.js';
import { escalate } from './escalate.js';
import { gatherEvidence } from './gather-evidence.js';
import type { StepCore } from './lib/step-deps.js';
import { releaseLease } from './release-lease.js';
import { requestApproval } from './request-approval.js';
import { rollbackAlias } from './rollback-alias.js';
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
} as const satisfies Record<string, StepCore<never, unknown>>;

export type StepName = keyof typeof stepHandlers;

export const stepNames = Object.keys(stepHandlers) as StepName[];
