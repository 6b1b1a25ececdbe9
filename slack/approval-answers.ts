import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import {
  ApprovalAlreadyDecidedError,
  type ApprovalRecord,
  ApprovalRecords,
} from '../handlers/lib/approval-records.js';
import { ErrorNames } from '../handlers/lib/errors.js';
import type { ApprovalNotice } from '../handlers/shared/request-approval.js';
import { mayApprove } from './access-policy.js';
import { approvalClosedMessage, approvalRequestMessage } from './approval-message.js';
import type { ChatMessage } from './chat.js';
import { md, requester } from './mrkdwn.js';
import type { NotifierDeps, SlackDeps } from './slack-deps.js';

/** What answering an approval needs: its records, Step Functions, and Slack to update the request. */
export type ApprovalAnswerDeps = Pick<
  SlackDeps<'dynamodb' | 'sfn'>,
  'clients' | 'now' | 'environment' | 'policyOf' | 'chat' | 'audit' | 'approvalTable'
>;

/** A click on Approve or Reject, as the interactivity endpoint passes it on. */
export interface ApprovalAnswer {
  readonly approvalId: string;
  readonly decision: 'approve' | 'reject';
  /** Slack user id of who clicked. */
  readonly user: string;
}

const closedLine = (record: ApprovalRecord) =>
  `${md`This approval is already closed (${record.status}`}${record.decidedBy ? md` by ${requester(record.decidedBy)}` : ''}); nothing changed.`;

/** Shows the request in its current state where it was posted; the buttons go once it is closed. */
async function refreshMessage(
  record: ApprovalRecord,
  deps: Pick<SlackDeps, 'chat'>,
  note?: string,
): Promise<void> {
  if (record.message)
    await deps.chat.update(record.message.channel, record.message.ts, approvalClosedMessage(record, note));
}

/**
 * Answers an approval: checks the approver against the policy, records the decision (a conditional
 * write, so one answer wins), then resumes the execution with SendTaskSuccess / SendTaskFailure and
 * updates the request message with who decided and when. Returns what the clicker is told.
 */
export async function answerApproval(answer: ApprovalAnswer, deps: ApprovalAnswerDeps): Promise<ChatMessage> {
  const records = new ApprovalRecords(deps.clients.dynamodb, deps.approvalTable);
  const record = await records.get(answer.approvalId);
  if (!record) return { text: 'Unknown approval; nothing changed.' };
  const environment = record.environment ?? deps.environment;
  const permission = mayApprove(deps.policyOf(environment), environment, record, answer.user);
  if (!permission.allowed) return { text: md`Not allowed: ${permission.reason}; nothing changed.` };
  if (record.status !== 'pending') return { text: closedLine(record) };

  const by = `slack:${answer.user}`;
  const at = deps.now().toISOString();
  let decided: ApprovalRecord;
  try {
    decided = await records.decide(record.approvalId, {
      status: answer.decision === 'approve' ? 'approved' : 'rejected',
      by,
      at,
    });
  } catch (error) {
    if (error instanceof ApprovalAlreadyDecidedError) return { text: closedLine(error.record) };
    throw error;
  }
  try {
    if (answer.decision === 'approve') {
      const output = JSON.stringify({ approvedBy: by, approvedAt: at, approvalId: record.approvalId });
      await deps.clients.sfn.send(new SendTaskSuccessCommand({ taskToken: record.taskToken, output }));
    } else {
      await deps.clients.sfn.send(
        new SendTaskFailureCommand({
          taskToken: record.taskToken,
          error: ErrorNames.approvalRejected,
          cause: `rejected by ${by} at ${at}`,
        }),
      );
    }
  } catch (error) {
    if (error instanceof TaskTimedOut || error instanceof TaskDoesNotExist) {
      const expired = await records.reopenAs(record.approvalId, 'expired', at);
      await refreshMessage(expired, deps, 'The answer came after the approval had timed out.');
      return { text: 'Too late: this approval had already timed out; nothing changed.' };
    }
    // The execution never heard the answer: let the approver try again.
    await records.reopenAs(record.approvalId, 'pending', at);
    throw error;
  }
  await deps.audit.record({
    at,
    executionId: record.executionId,
    runbook: record.runbook,
    step: 'approval',
    kind: 'approval',
    action: decided.status === 'approved' ? 'approve' : 'reject',
    target: record.approvalId,
    before: { status: 'pending' },
    after: { status: decided.status, by },
  });
  await refreshMessage(decided, deps);
  return { text: md`${decided.status === 'approved' ? 'Approved' : 'Rejected'}: ${record.summary}` };
}

/**
 * Posts an approval request to its approver group's channel (delivered from the approvals topic)
 * and, when it escalates an unanswered request, marks that one as timed out. SNS delivers at least
 * once: a request already posted is not posted again.
 */
export async function postApprovalRequest(notice: ApprovalNotice, deps: NotifierDeps): Promise<void> {
  const environment = notice.environment ?? deps.environment;
  const group = deps.policyOf(environment).approverGroups[notice.group];
  if (!group) throw new Error(`approver group ${notice.group} is not configured for ${environment}`);
  const records = new ApprovalRecords(deps.clients.dynamodb, deps.approvalTable);
  const record = await records.get(notice.approvalId);
  if (!record || record.message) return;
  const posted = await deps.chat.post(group.channel, approvalRequestMessage(notice));
  await records.attachMessage(notice.approvalId, posted);
  const previous = notice.escalatedFrom ? await records.get(notice.escalatedFrom) : undefined;
  if (previous) await refreshMessage(previous, deps, `Escalated to *${notice.group}*.`);
}
