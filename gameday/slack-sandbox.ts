import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DispatchOutcome } from '../handlers/dispatcher/launch.js';
import { type ApprovalRecord, ApprovalRecords } from '../handlers/lib/approval-records.js';
import type { AuditRecord } from '../handlers/lib/audit-trail.js';
import type { Environment } from '../handlers/lib/step-deps.js';
import type { ApprovalNotice } from '../handlers/shared/request-approval.js';
import { catalogueEntries } from '../runbooks/deployment.js';
import { runbooks } from '../runbooks/index.js';
import { type AccessPolicy, policyFor } from '../slack/access-policy.js';
import { postApprovalRequest } from '../slack/approval-answers.js';
import type { ChatApi, ChatMessage, ResponseUrlMessage } from '../slack/chat.js';
import { type LocalServer, serveLocally } from '../slack/local-server.js';
import { postToResponseUrl } from '../slack/response-url.js';
import type { SlackDeps } from '../slack/slack-deps.js';
import { handleSlackRequest } from '../slack/slack-http.js';
import { runApproval, runCommand } from '../slack/slack-work.js';
import { denialMessage } from './account/iam/access-denied.js';
import { SimulatedAccount } from './account/simulated-account.js';
import { callbackApprover } from './callback-approver.js';
import { injectFault } from './inject-fault.js';
import { scenarioStart } from './scenario.js';
import { checkoutService } from './scenarios/api-5xx-spike/checkout-service.js';
import { findScenario } from './scenarios/catalogue.js';
import { SimulatedPlatform } from './simulated-platform.js';

/** A message as the sandbox's workspace holds it, updates applied. */
export interface SandboxMessage {
  readonly channel: string;
  readonly ts: string;
  message: ChatMessage;
}

/** A Slack workspace that keeps what the platform posts, and tells `onMessage` about it. */
class SandboxChat implements ChatApi {
  readonly messages: SandboxMessage[] = [];
  readonly responses: ResponseUrlMessage[] = [];

  constructor(
    private readonly onMessage: (what: string, message: SandboxMessage | ResponseUrlMessage) => void,
  ) {}

  async post(channel: string, message: ChatMessage) {
    const posted = { channel, ts: `${1_700_000_000 + this.messages.length}.000100`, message };
    this.messages.push(posted);
    this.onMessage('posted', posted);
    return { channel, ts: posted.ts };
  }

  async update(channel: string, ts: string, message: ChatMessage) {
    const found = this.messages.find((m) => m.channel === channel && m.ts === ts);
    if (!found) throw new Error(`message_not_found: ${channel} ${ts}`);
    found.message = message;
    this.onMessage('updated', found);
  }

  async respond(responseUrl: string, message: ResponseUrlMessage) {
    this.responses.push(message);
    this.onMessage('responded', message);
    await postToResponseUrl(responseUrl, message);
  }
}

/** Where the sandbox plays Slack's `response_url`, for requests sent by hand (README's walkthrough). */
export const responsePath = '/slack/responses';

export interface SlackSandboxOptions {
  readonly port: number;
  readonly signingSecret: string;
  readonly environment: Environment;
  readonly policy: AccessPolicy;
  /**
   * A game day whose account is set up and whose fault is injected once the account has warmed up,
   * so its alarm fires. Default: the checkout service, healthy.
   */
  readonly inject?: string;
  /** Real milliseconds per second of approval timeout. Default 1000 (real time). */
  readonly msPerSecond?: number;
  readonly onMessage?: (what: string, message: SandboxMessage | ResponseUrlMessage) => void;
}

export interface SlackSandbox {
  readonly server: LocalServer;
  readonly account: SimulatedAccount;
  readonly platform: SimulatedPlatform;
  readonly chat: SandboxChat;
  readonly audit: AuditRecord[];
  /** What the dispatcher did with each alarm event. */
  readonly dispatches: DispatchOutcome[];
  /** Failures of work done in the background (requests handed off, executions). */
  readonly errors: Error[];
  /** Resolves once no request, delivery or execution is in progress. */
  idle(): Promise<void>;
  /** The approvals still waiting for an answer. */
  waiting(): Promise<ApprovalRecord[]>;
  close(): Promise<void>;
}

/**
 * The Slack endpoints served on loopback against a simulated account with the platform deployed:
 * the checkout service, warmed up, optionally with a scenario's fault injected. Approvals wait for
 * real SendTaskSuccess / SendTaskFailure calls, which the interactivity endpoint makes.
 */
export async function startSlackSandbox(options: SlackSandboxOptions): Promise<SlackSandbox> {
  const account = new SimulatedAccount({ start: scenarioStart });
  const scenario = options.inject === undefined ? undefined : findScenario(options.inject);
  const audit: AuditRecord[] = [];
  const dispatches: DispatchOutcome[] = [];
  const platform = await SimulatedPlatform.deploy(account, {
    environment: options.environment,
    approver: callbackApprover(account.stepFunctions, options.msPerSecond),
    settings: scenario?.settings?.(account.identity) ?? {},
    observer: {
      onAudit: (entry) => audit.push(entry),
      onDispatch: (_event, outcome) => dispatches.push(outcome),
    },
  });
  const world = scenario ? scenario.setup(account) : checkoutService(account);
  const chat = new SandboxChat(options.onMessage ?? (() => undefined));
  const deps: SlackDeps = {
    clients: account.clients(),
    now: () => account.clock.now(),
    environment: options.environment,
    policy: policyFor(options.policy, options.environment),
    policyOf: (environment) => policyFor(options.policy, environment),
    chat,
    audit: {
      record: (entry) => {
        audit.push(entry);
      },
    },
    metrics: { count: () => undefined },
    approvalTable: platform.approvalTable,
    dispatcher: platform.dispatcherConfig,
  };
  // Each Slack function acts as its own role; SNS may invoke the notifier only as the topic's
  // subscription lets it (the function's policy names the topic).
  const as = (fn: string): SlackDeps => ({ ...deps, clients: platform.installed.clientsOf(fn) });
  const notifier = platform.installed.functionOf('slack-notifier');
  account.sns.subscribe(platform.topics.approvals, async (published) => {
    const denial = await account.iam.authorizeService(
      {
        service: 'sns.amazonaws.com',
        sourceArn: platform.topics.approvals,
        sourceAccount: account.identity.accountId,
      },
      { action: 'lambda:InvokeFunction', resource: notifier.arn },
    );
    if (denial) throw new Error(`SNS could not deliver to the notifier: ${denialMessage(denial)}`);
    await postApprovalRequest(JSON.parse(published.message) as ApprovalNotice, as('slack-notifier'));
  });

  const inFlight = new Set<Promise<unknown>>();
  const errors: Error[] = [];
  const track = (work: Promise<unknown>) => {
    const tracked = work.catch((error: Error) => errors.push(error)).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  // Executions run in the background: an approval keeps its run waiting for a person's click.
  const runExecutions = () => track(platform.settle());

  await platform.advance(30 * 60);
  await platform.settle();
  if (scenario) {
    await injectFault(scenario, account, world, (ms) => platform.advance(ms / 1000));
    track(
      (async () => {
        for (let minute = 0; minute < 30 && account.stepFunctions.all().length === 0; minute += 1) {
          await platform.advance(60);
        }
        runExecutions();
      })(),
    );
  }

  const server = await serveLocally(options.port, async (request) =>
    // Slack's `response_url`, played here: what is posted to it was printed as it was sent.
    request.method === 'POST' && request.path === responsePath
      ? { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' }
      : handleSlackRequest(request, {
          environment: options.environment,
          policy: deps.policy,
          catalogue: catalogueEntries(runbooks),
          now: () => new Date(),
          signingSecret: async () => options.signingSecret,
          defer: async (work) =>
            track(
              (work.kind === 'command'
                ? // Slack's signatures are checked on the real clock, the simulated AWS runs on its
                  // own: the request is stamped with the account's time, as AWS's clock would.
                  runCommand(
                    { ...work, requestedAt: account.clock.now().toISOString() },
                    as('slack-command-worker'),
                  )
                : runApproval(work, as('slack-approval-worker'))
              ).then(runExecutions),
            ),
        }),
  );
  return {
    server,
    account,
    platform,
    chat,
    audit,
    dispatches,
    errors,
    async idle() {
      while (inFlight.size > 0) {
        await Promise.all([...inFlight]);
        await account.sns.delivered();
      }
      await account.sns.delivered();
    },
    async waiting() {
      const records = new ApprovalRecords(account.clients().dynamodb, platform.approvalTable);
      const ids = account.dynamodb
        .scan(platform.approvalTable)
        .map((item) => unmarshall(item).approvalId as string);
      const all = await Promise.all(ids.map((id) => records.get(id)));
      return all.filter((record): record is ApprovalRecord => record?.status === 'pending');
    },
    close: () => {
      platform.stop();
      return server.close();
    },
  };
}
