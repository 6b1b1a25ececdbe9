import { logger } from '../handlers/lib/observability.js';
import { type ApprovalAnswerDeps, answerApproval } from './approval-answers.js';
import type { ChatApi, ChatMessage } from './chat.js';
import { md } from './mrkdwn.js';
import type { SlackWork } from './slack-http.js';
import { answerLater, type CommandDeps } from './slash-command.js';

type Respond = Pick<ChatApi, 'respond'>;

/** Tells the requester through `response_url` what came of their request, or that it failed. */
async function answering(work: SlackWork, chat: Respond, answer: () => Promise<ChatMessage>): Promise<void> {
  try {
    await chat.respond(work.responseUrl, { ...(await answer()), responseType: 'ephemeral' });
  } catch (error) {
    logger.error('Slack request failed', { kind: work.kind, error: (error as Error).message });
    await chat.respond(work.responseUrl, {
      text: md`Something went wrong (${(error as Error).name}). Check with \`/runbook status\` before trying again.`,
    });
    throw error;
  }
}

/** A slash command the endpoint handed off (`start`, `status`). */
export function runCommand(
  work: Extract<SlackWork, { kind: 'command' }>,
  deps: CommandDeps & { readonly chat: Respond },
): Promise<void> {
  return answering(work, deps.chat, () =>
    answerLater(work.command, work.user, deps, new Date(work.requestedAt)),
  );
}

/** An Approve or Reject click the endpoint handed off. */
export function runApproval(
  work: Extract<SlackWork, { kind: 'approval' }>,
  deps: ApprovalAnswerDeps,
): Promise<void> {
  return answering(work, deps.chat, () => answerApproval(work.answer, deps));
}
