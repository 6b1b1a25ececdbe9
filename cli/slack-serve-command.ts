import { responsePath, startSlackSandbox } from '../gameday/slack-sandbox.js';
import { InvalidInputError } from '../handlers/lib/errors.js';
import { type Environment, environments } from '../handlers/lib/step-deps.js';
import { readAccessPolicy } from '../slack/access-policy.js';
import { approvalActions } from '../slack/approval-message.js';

export interface SlackServeOptions {
  readonly port: string | undefined;
  readonly env: string;
  readonly policy: string;
  readonly inject: string | undefined;
}

/** The value of a message's Approve button: the approval id a click carries. */
function approveButtonValue(blocks: unknown): string | undefined {
  for (const block of Array.isArray(blocks) ? blocks : []) {
    const elements = (block as { elements?: unknown }).elements;
    for (const element of Array.isArray(elements) ? elements : []) {
      const { action_id: actionId, value } = element as { action_id?: unknown; value?: unknown };
      if (actionId === approvalActions.approve && typeof value === 'string') return value;
    }
  }
  return undefined;
}

/**
 * `runbook slack serve`: the Slack endpoints on 127.0.0.1 against a simulated account. Runs until
 * interrupted; what the platform posts to Slack is printed, with the approval ids to click with.
 */
export async function slackServe(options: SlackServeOptions): Promise<number> {
  const signingSecret = process.env.SLACK_SIGNING_SECRET;
  if (!signingSecret)
    throw new InvalidInputError('set SLACK_SIGNING_SECRET to the secret requests are signed with');
  const port = Number(options.port);
  if (!options.port || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidInputError('--port must be a TCP port number');
  }
  if (!(environments as readonly string[]).includes(options.env)) {
    throw new InvalidInputError(`--env must be one of ${environments.join(', ')}`);
  }
  const policy = readAccessPolicy(options.policy);
  const sandbox = await startSlackSandbox({
    port,
    signingSecret,
    environment: options.env as Environment,
    policy,
    ...(options.inject ? { inject: options.inject } : {}),
    onMessage: (what, message) => {
      const shown =
        'channel' in message ? `${message.channel} ${message.ts}: ${message.message.text}` : message.text;
      console.log(`[slack ${what}] ${shown}`);
      const approvalId = 'channel' in message ? approveButtonValue(message.message.blocks) : undefined;
      if (approvalId) console.log(`  approval id (button value): ${approvalId}`);
    },
  });
  console.log(
    `Slack endpoints on ${sandbox.server.url}/slack/commands and ${sandbox.server.url}/slack/interactions; response_url for requests by hand: ${sandbox.server.url}${responsePath}`,
  );
  console.log(
    `environment ${options.env}, access policy ${options.policy}${options.inject ? `, fault: ${options.inject}` : ''}`,
  );
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  // Stop at once: a run waiting for a person is left waiting (the simulated account goes with it).
  const waiting = await sandbox.waiting();
  await sandbox.close();
  console.log(
    `${signal}: stopped${waiting.length ? `; left waiting for an answer:` : '; nothing was waiting for an answer'}`,
  );
  for (const record of waiting) {
    console.log(
      `  ${record.runbook} execution ${record.executionId.split(':').pop()}: asked of ${record.group}, answer before ${record.answerBefore} (approval id ${record.approvalId})`,
    );
  }
  for (const error of sandbox.errors) console.error(`background error: ${error.message}`);
  return 0;
}
