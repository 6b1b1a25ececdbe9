import { logger } from '../handlers/lib/observability.js';
import { answerApproval } from './approval-answers.js';
import type { SlackDeps } from './slack-deps.js';
import type { SlackWork } from './slack-http.js';
import { answerLater } from './slash-command.js';

/** Does the work the endpoints handed off and tells the requester through `response_url`. */
export async function runSlackWork(work: SlackWork, deps: SlackDeps): Promise<void> {
  try {
    const message =
      work.kind === 'command'
        ? await answerLater(work.command, work.user, deps)
        : await answerApproval(work.answer, deps);
    await deps.chat.respond(work.responseUrl, { ...message, responseType: 'ephemeral' });
  } catch (error) {
    logger.error('Slack request failed', { kind: work.kind, error: (error as Error).message });
    await deps.chat.respond(work.responseUrl, {
      text: `Something went wrong (${(error as Error).name}). Check with \`/runbook status\` before trying again.`,
    });
    throw error;
  }
}
