import { z } from 'zod';
import { idempotentStep } from './lib/idempotent-step.js';
import { lambdaEntry } from './lib/lambda-entry.js';
import { notify } from './lib/notify.js';
import { parseInput } from './lib/parse-input.js';
import type { StepCore } from './lib/step-deps.js';

const inputSchema = z.object({
  taskToken: z.string().min(1),
  executionId: z.string().min(1),
  runbook: z.string().min(1),
  summary: z.string().min(1),
  timeoutSeconds: z.number().int().positive(),
  evidence: z.unknown(),
});

export type RequestApprovalInput = z.input<typeof inputSchema>;

export interface ApprovalRequested {
  readonly requestedAt: string;
  readonly messageId: string;
}

/**
 * Asks a human to approve a remediation. Runs as a `waitForTaskToken` task: the execution waits
 * until someone answers with SendTaskSuccess / SendTaskFailure using the token, or the task times out.
 */
const requestApprovalOnce: StepCore<RequestApprovalInput, ApprovalRequested> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, 'request-approval');
  const requestedAt = deps.now().toISOString();
  const messageId = await notify(deps, deps.topics.approvals, `Approval needed: ${input.runbook}`, {
    runbook: input.runbook,
    executionId: input.executionId,
    proposal: input.summary,
    answerBefore: new Date(Date.parse(requestedAt) + input.timeoutSeconds * 1000).toISOString(),
    evidence: input.evidence,
    taskToken: input.taskToken,
  });
  return { requestedAt, messageId };
};

/** The step, idempotent on `[executionId, taskToken]`: a retry returns the first result instead of acting twice. */
export const requestApproval = idempotentStep(
  'request-approval',
  requestApprovalOnce,
  '[executionId, taskToken]',
);

export const handler = lambdaEntry(requestApproval);
