import type { KnownBlock } from '@slack/types';
import type { ApprovalRecord } from '../handlers/lib/approval-records.js';
import type { ApprovalNotice } from '../handlers/shared/request-approval.js';
import type { ChatMessage } from './chat.js';
import { md, requester } from './mrkdwn.js';

/** `action_id`s of the approval buttons; their `value` is the approval id. */
export const approvalActions = { approve: 'runbook-approve', reject: 'runbook-reject' } as const;

/** Slack limits a section's text to 3,000 characters. */
const sectionLimit = 3000;

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: text.length > sectionLimit ? `${text.slice(0, sectionLimit - 1)}…` : text },
});

const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

/** Evidence as a code block: people check the numbers the runbook decided on. */
const evidenceBlock = (evidence: unknown) => section(md`\`\`\`${JSON.stringify(evidence, null, 2)}\`\`\``);

/** The account and region the change would be made in, when the request names them. */
const where = (notice: ApprovalNotice) =>
  notice.account ? `In account ${notice.account}${notice.region ? ` (${notice.region})` : ''}. ` : '';

/** The request posted to an approver group: proposal, evidence, deadline, Approve / Reject. */
export function approvalRequestMessage(notice: ApprovalNotice): ChatMessage {
  const header = md`*Approval needed*: \`${notice.runbook}\` proposes: ${notice.proposal}`;
  const tier =
    notice.tier > 0
      ? md`Escalated to *${notice.group}* (${notice.tier + 1} of ${notice.tiers}): nobody answered in time.`
      : md`Asked of *${notice.group}*${notice.tiers > 1 ? ` (1 of ${notice.tiers})` : ''}.`;
  return {
    text: md`Approval needed: ${notice.runbook}: ${notice.proposal}`,
    blocks: [
      section(header),
      evidenceBlock(notice.evidence),
      context(
        `${tier} ${md`${where(notice)}Started by ${requester(notice.requestedBy)}. Answer before ${notice.answerBefore}. Execution \`${notice.executionId}\``}`,
      ),
      {
        type: 'actions',
        block_id: 'approval',
        elements: [
          {
            type: 'button',
            action_id: approvalActions.approve,
            text: { type: 'plain_text', text: 'Approve' },
            style: 'primary',
            value: notice.approvalId,
            confirm: {
              title: { type: 'plain_text', text: 'Approve the remediation?' },
              text: { type: 'mrkdwn', text: md`${notice.proposal.slice(0, 300)}` },
              confirm: { type: 'plain_text', text: 'Approve' },
              deny: { type: 'plain_text', text: 'Cancel' },
            },
          },
          {
            type: 'button',
            action_id: approvalActions.reject,
            text: { type: 'plain_text', text: 'Reject' },
            style: 'danger',
            value: notice.approvalId,
          },
        ],
      },
    ],
  };
}

const outcomeText: Record<Exclude<ApprovalRecord['status'], 'pending'>, string> = {
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'No answer in time',
};

/** The request once it is closed: who decided and when, and no buttons left to click. */
export function approvalClosedMessage(record: ApprovalRecord, note?: string): ChatMessage {
  const status = record.status === 'pending' ? 'expired' : record.status;
  const by = record.decidedBy?.startsWith('slack:') ? md` by ${requester(record.decidedBy)}` : '';
  const line = `*${outcomeText[status]}*${by}${md` at ${record.decidedAt ?? ''}`}${record.reason ? md`: ${record.reason}` : ''}`;
  return {
    text: md`${outcomeText[status]}: ${record.runbook}: ${record.summary}`,
    blocks: [
      section(md`\`${record.runbook}\` proposed: ${record.summary}`),
      section(note ? `${line}\n${md`${note}`}` : line),
      context(md`Asked of *${record.group}*. Execution \`${record.executionId}\``),
    ],
  };
}
