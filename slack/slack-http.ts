import * as z from 'zod/mini';
import { logger } from '../handlers/lib/observability.js';
import { nonEmptyString } from '../handlers/lib/schemas.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import type { CatalogueEntry } from '../runbooks/deployment.js';
import { type EnvironmentPolicy, mayStart } from './access-policy.js';
import type { ApprovalAnswer } from './approval-answers.js';
import { approvalActions } from './approval-message.js';
import type { ChatMessage } from './chat.js';
import { md } from './mrkdwn.js';
import { SlackSignatureError, verifySlackRequest } from './signature.js';
import {
  answerNow,
  type DeferredCommand,
  parseSlashCommand,
  SlashCommandUsageError,
  startProblem,
  usageMessage,
} from './slash-command.js';

/** An HTTP request as the endpoints see it (header names in lower case). */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Work that calls AWS, handed off so Slack gets its answer within three seconds. */
export type SlackWork =
  | {
      readonly kind: 'command';
      readonly command: DeferredCommand;
      readonly user: string;
      readonly responseUrl: string;
      /** When Slack's request came (ISO 8601): a retried hand-off names the same run. */
      readonly requestedAt: string;
    }
  | { readonly kind: 'approval'; readonly answer: ApprovalAnswer; readonly responseUrl: string };

export interface SlackEndpointDeps {
  readonly environment: Environment;
  /** Who may start what here: checked before the answer, so a refusal is the first thing said. */
  readonly policy: EnvironmentPolicy;
  readonly catalogue: readonly CatalogueEntry[];
  readonly now: () => Date;
  /** The app's signing secret (from Secrets Manager in AWS). */
  readonly signingSecret: () => Promise<string>;
  /** Hands work off to run after the response (an asynchronous invocation in AWS). */
  readonly defer: (work: SlackWork) => Promise<void>;
}

export const slackPaths = { commands: '/slack/commands', interactions: '/slack/interactions' } as const;

/**
 * The largest body the endpoints read. Slack's requests are form posts of a few kilobytes (an
 * interaction carries one message of at most 50 blocks); anything this large is not from Slack.
 */
export const maxSlackBodyBytes = 256 * 1024;

const json = (status: number, body: unknown): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const ephemeral = (message: ChatMessage) => json(200, { response_type: 'ephemeral', ...message });

const commandSchema = z.object({
  user_id: nonEmptyString(),
  text: z._default(z.string(), ''),
  response_url: z.url(),
});

const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: nonEmptyString() }),
  response_url: z.optional(z.url()),
  actions: z.array(z.object({ action_id: z.string(), value: z.optional(z.string()) })).check(z.minLength(1)),
});

const bad = (message: string) => json(400, { error: message });

async function slashCommand(body: URLSearchParams, deps: SlackEndpointDeps): Promise<HttpResponse> {
  const parsed = commandSchema.safeParse(Object.fromEntries(body));
  if (!parsed.success) return bad('not a slash command request');
  let command: ReturnType<typeof parseSlashCommand>;
  try {
    command = parseSlashCommand(parsed.data.text);
  } catch (error) {
    if (error instanceof SlashCommandUsageError) return ephemeral(usageMessage(error.message));
    throw error;
  }
  if (command.kind === 'help' || command.kind === 'list') return ephemeral(answerNow(command, deps));
  if (command.kind === 'start') {
    const problem = startProblem(command, deps.catalogue, deps.now());
    if (problem) return ephemeral({ text: md`Not started: ${problem}.` });
    const permission = mayStart(deps.policy, parsed.data.user_id, command.runbook);
    if (!permission.allowed) return ephemeral({ text: md`Not started: ${permission.reason}.` });
  }
  await deps.defer({
    kind: 'command',
    command,
    user: parsed.data.user_id,
    responseUrl: parsed.data.response_url,
    requestedAt: deps.now().toISOString(),
  });
  return ephemeral({
    text:
      command.kind === 'start'
        ? md`Starting \`${command.runbook}\`…`
        : command.kind === 'resume'
          ? 'Resuming automatic remediation…'
          : 'Looking it up…',
  });
}

async function interaction(body: URLSearchParams, deps: SlackEndpointDeps): Promise<HttpResponse> {
  let payload: unknown;
  try {
    payload = JSON.parse(body.get('payload') ?? '');
  } catch {
    return bad('payload is not JSON');
  }
  const parsed = blockActionsSchema.safeParse(payload);
  if (!parsed.success) return json(200, {});
  const [action] = parsed.data.actions;
  const decision =
    action?.action_id === approvalActions.approve
      ? 'approve'
      : action?.action_id === approvalActions.reject
        ? 'reject'
        : undefined;
  if (!decision || !action?.value || !parsed.data.response_url) return json(200, {});
  await deps.defer({
    kind: 'approval',
    answer: { approvalId: action.value, decision, user: parsed.data.user.id },
    responseUrl: parsed.data.response_url,
  });
  return json(200, {});
}

/**
 * The Slack endpoints: `POST /slack/commands` (the `/runbook` slash command) and
 * `POST /slack/interactions` (Approve / Reject). A request without a valid signature is answered
 * 401 before anything else is read from it.
 */
export async function handleSlackRequest(
  request: HttpRequest,
  deps: SlackEndpointDeps,
): Promise<HttpResponse> {
  const route = Object.values(slackPaths).find((p) => p === request.path);
  if (!route) return json(404, { error: `no endpoint ${request.path}` });
  if (request.method !== 'POST')
    return {
      ...json(405, { error: 'POST only' }),
      headers: { 'content-type': 'application/json', allow: 'POST' },
    };
  if (Buffer.byteLength(request.body, 'utf8') > maxSlackBodyBytes)
    return json(413, { error: `request bodies are at most ${maxSlackBodyBytes} bytes` });
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded')
    return json(415, { error: 'Slack posts application/x-www-form-urlencoded' });
  try {
    verifySlackRequest(
      {
        timestamp: request.headers['x-slack-request-timestamp'],
        signature: request.headers['x-slack-signature'],
        rawBody: request.body,
      },
      await deps.signingSecret(),
      deps.now(),
    );
  } catch (error) {
    if (error instanceof SlackSignatureError) return json(401, { error: error.message });
    return internalError(error);
  }
  const body = new URLSearchParams(request.body);
  try {
    return await (route === slackPaths.commands ? slashCommand(body, deps) : interaction(body, deps));
  } catch (error) {
    return internalError(error);
  }
}

/**
 * Anything else that fails (reading the credentials, handing work off) is answered with a generic
 * 500: the caller may be anyone, and errors of libraries can quote what they read. Only the
 * error's name is logged.
 */
function internalError(error: unknown): HttpResponse {
  logger.error('the Slack endpoint failed', { error: (error as Error).name ?? 'Error' });
  return json(500, { error: 'internal error' });
}
