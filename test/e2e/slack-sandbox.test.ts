import { readFileSync } from 'node:fs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { type SlackSandbox, startSlackSandbox } from '../../gameday/slack-sandbox.js';
import { ApprovalRecords } from '../../handlers/lib/approval-records.js';
import { ChangeBudget } from '../../handlers/lib/change-budget.js';
import type { Environment } from '../../handlers/lib/step-deps.js';
import { parseAccessPolicy } from '../../slack/access-policy.js';
import { approvalActions } from '../../slack/approval-message.js';
import { responseUrlReceiver, sendSigned } from '../support/slack-client.js';

const secret = 'test-signing-secret';
const policy = parseAccessPolicy(JSON.parse(readFileSync('examples/slack-access.json', 'utf8')));
const onCall = 'U01ONCALL';
const lead = 'U03LEAD';

let sandbox: SlackSandbox | undefined;
let receiver: Awaited<ReturnType<typeof responseUrlReceiver>> | undefined;

afterEach(async () => {
  expect(sandbox?.errors ?? []).toEqual([]);
  await sandbox?.close();
  await receiver?.close();
  sandbox = undefined;
  receiver = undefined;
});

async function start(environment: Environment, inject?: string, msPerSecond?: number) {
  sandbox = await startSlackSandbox({
    port: 0,
    signingSecret: secret,
    environment,
    policy,
    ...(inject ? { inject } : {}),
    ...(msPerSecond ? { msPerSecond } : {}),
  });
  receiver = await responseUrlReceiver();
  return { sandbox, receiver };
}

const command = (s: SlackSandbox, responseUrl: string, user: string, text: string) =>
  sendSigned(
    `${s.server.url}/slack/commands`,
    { command: '/runbook', user_id: user, text, response_url: responseUrl },
    { secret },
  );

const click = (s: SlackSandbox, responseUrl: string, user: string, action: string, approvalId: string) =>
  sendSigned(
    `${s.server.url}/slack/interactions`,
    {
      payload: JSON.stringify({
        type: 'block_actions',
        user: { id: user },
        response_url: responseUrl,
        actions: [{ action_id: action, value: approvalId }],
      }),
    },
    { secret },
  );

/** The approval id on the buttons of the last approval request posted. */
function approvalIdOf(s: SlackSandbox): string {
  const blocks = s.chat.messages.at(-1)?.message.blocks ?? [];
  const actions = blocks.find((b) => b.type === 'actions') as { elements: { value: string }[] } | undefined;
  const value = actions?.elements[0]?.value;
  if (!value) throw new Error('no approval request posted');
  return value;
}

async function untilApprovalPosted(s: SlackSandbox, count = 1) {
  for (let i = 0; i < 400 && s.chat.messages.length < count; i += 1)
    await new Promise((r) => setTimeout(r, 25));
}

describe('Slack endpoints served locally against the simulated account', { timeout: 30_000 }, () => {
  it('rejects forged, stale and unsigned requests with 401 and starts nothing', async () => {
    const { sandbox: s, receiver: r } = await start('staging');
    const form = {
      command: '/runbook',
      user_id: onCall,
      text: 'start api-5xx-spike alarm=checkout-5xx-rate',
      response_url: r.url,
    };
    const forged = await sendSigned(`${s.server.url}/slack/commands`, form, { secret: 'not-the-secret' });
    const stale = await sendSigned(`${s.server.url}/slack/commands`, form, {
      secret,
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    const unsigned = await fetch(`${s.server.url}/slack/commands`, {
      method: 'POST',
      body: new URLSearchParams(form),
    });
    expect([forged.status, stale.status, unsigned.status]).toEqual([401, 401, 401]);
    expect(forged.body.error).toBe('signature does not match');
    expect(stale.body.error).toMatch(/timestamp is 30\d s away/);
    await s.idle();
    expect(s.account.stepFunctions.all()).toHaveLength(0);
    expect(r.received).toHaveLength(0);
  });

  it('answers help and list at once, and explains a mistyped command', async () => {
    const { sandbox: s, receiver: r } = await start('staging');
    const list = await command(s, r.url, onCall, 'list');
    expect(list.body.text).toMatch(/`api-5xx-spike`: 5XX error spike; approval in staging: human/);
    const wrong = await command(s, r.url, onCall, 'start api-5xx-spike alarm');
    expect(wrong.body.text).toMatch(/"alarm" is not key=value[\s\S]*\/runbook start/);
  });

  it('starts a runbook for an allowed user, refuses others, and reports status', async () => {
    const { sandbox: s, receiver: r } = await start('prod');
    // The refusal is the first and only answer: never "Starting…" first.
    const refused = await command(s, r.url, lead, 'start api-5xx-spike alarm=checkout-5xx-rate');
    expect(refused).toMatchObject({
      status: 200,
      body: { text: 'Not started: you may not start api-5xx-spike here.' },
    });
    await s.idle();
    expect(r.received).toHaveLength(0);
    expect(s.account.stepFunctions.all()).toHaveLength(0);

    await command(s, r.url, onCall, 'start api-5xx-spike alarm=checkout-5xx-rate');
    await s.idle();
    const started = String(r.received.at(-1)?.text);
    expect(started).toMatch(/^Started `api-5xx-spike` on `lambda:checkout-api:live` as `(\S+)`/);
    const name = /as `(\S+)`/.exec(started)?.[1] ?? '';
    const [execution] = s.account.stepFunctions.all();
    expect(execution?.name).toBe(name);
    expect(JSON.parse(execution?.input ?? '{}').dispatch.requestedBy).toBe(`slack:${onCall}`);

    await command(s, r.url, onCall, `status ${name}`);
    await s.idle();
    expect(r.received.at(-1)?.text).toMatch(
      new RegExp(`^\`${name}\`: \\*SUCCEEDED\\*[\\s\\S]*started by <@${onCall}>`),
    );
  });

  it('lets an approver, and nobody else, resume automatic remediation the circuit breaker paused', async () => {
    const { sandbox: s, receiver: r } = await start('prod');
    const budget = new ChangeBudget(s.platform.stepDeps.clients.dynamodb, s.platform.leaseTable);
    const settings = { perHour: 5, breakerFailures: 1, breakerWindowMinutes: 60 };
    await budget.recordFailure('a-run', 'canary regressed', settings, s.account.clock.now());
    expect((await budget.breaker()).paused).toBe(true);

    await command(s, r.url, 'U09STARTER', 'resume');
    await s.idle();
    expect(r.received.at(-1)?.text).toBe('Not resumed: only approvers may resume automatic remediation.');
    expect((await budget.breaker()).paused).toBe(true);

    const answer = await command(s, r.url, lead, 'resume');
    expect(answer.body.text).toBe('Resuming automatic remediation…');
    await s.idle();
    expect(r.received.at(-1)?.text).toMatch(
      new RegExp(`^Automatic remediation resumed by <@${lead}>; it was paused since .*: 1 runs failed`),
    );
    // As the command worker's own role: its policy grants the breaker's item.
    expect(await budget.breaker()).toMatchObject({ paused: false, resumedBy: `slack:${lead}` });
  });

  it('posts the approval with buttons; an approver click resumes the run and updates the message', async () => {
    const { sandbox: s, receiver: r } = await start('staging', 'bad-deploy');
    await untilApprovalPosted(s);
    const approvalId = approvalIdOf(s);
    expect(s.chat.messages[0]?.channel).toBe('C01ONCALL');
    expect(s.chat.messages[0]?.message.text).toMatch(
      /^Approval needed: api-5xx-spike: Roll checkout-api:live back from version 6 to 5/,
    );

    // Someone outside the on-call group: refused, nothing changes.
    await click(s, r.url, 'U99STRANGER', approvalActions.approve, approvalId);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.received.at(-1)?.text).toBe('Not allowed: you are not an approver of on-call; nothing changed.');
    expect(s.account.lambda.aliasConfig('checkout-api', 'live').functionVersion).toBe('6');

    await click(s, r.url, onCall, approvalActions.approve, approvalId);
    await s.idle();
    expect(s.account.lambda.aliasConfig('checkout-api', 'live').functionVersion).toBe('5');
    expect([...s.platform.results.values()][0]?.status).toBe('SUCCEEDED');
    const updated = s.chat.messages[0]?.message;
    expect(JSON.stringify(updated?.blocks)).toMatch(new RegExp(`Approved\\* by <@${onCall}> at \\d{4}-`));
    expect(updated?.blocks?.some((b) => b.type === 'actions')).toBe(false);
    expect(
      s.audit.some((a) => a.action === 'approve' && (a.after as { by: string }).by === `slack:${onCall}`),
    ).toBe(true);

    // A second click after the decision changes nothing.
    await click(s, r.url, onCall, approvalActions.reject, approvalId);
    await s.idle();
    expect(r.received.at(-1)?.text).toMatch(/already closed \(approved by <@U01ONCALL>\)/);
    const record = await new ApprovalRecords(
      s.platform.stepDeps.clients.dynamodb,
      s.platform.approvalTable,
    ).get(approvalId);
    expect(record?.status).toBe('approved');
  });

  it('in prod the requester cannot approve their own run; a reject escalates with nothing changed', async () => {
    const { sandbox: s, receiver: r } = await start('prod', 'bad-deploy');
    await untilApprovalPosted(s);
    // The alarm started this run; now the on-call engineer also starts one by hand: locked.
    await command(s, r.url, onCall, 'start api-5xx-spike alarm=checkout-5xx-rate force=true');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.received.at(-1)?.text).toMatch(
      /^Nothing started: target lambda:checkout-api:live is locked by api-5xx-spike/,
    );

    const approvalId = approvalIdOf(s);
    const records = new ApprovalRecords(s.platform.stepDeps.clients.dynamodb, s.platform.approvalTable);
    const record = await records.get(approvalId);
    // Pretend the on-call engineer had started it: the four-eyes rule then refuses their approval.
    await records.put({ ...(record as NonNullable<typeof record>), requestedBy: `slack:${onCall}` });
    await click(s, r.url, onCall, approvalActions.approve, approvalId);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.received.at(-1)?.text).toBe(
      'Not allowed: in prod you cannot approve a run you started yourself; nothing changed.',
    );

    await click(s, r.url, 'U02ONCALL', approvalActions.reject, approvalId);
    await s.idle();
    const report = [...s.platform.results.values()][0] as { output: { outcome: string } };
    expect(report.output.outcome).toBe('escalated');
    expect(s.account.lambda.aliasConfig('checkout-api', 'live').functionVersion).toBe('6');
  });

  it('asks the next approver group when nobody answers, and escalates with nothing changed after the last', async () => {
    // Approval timeouts pass a thousand times faster than real time.
    const { sandbox: s, receiver: r } = await start('staging', 'bad-deploy', 1);
    await untilApprovalPosted(s, 2);
    const [first, second] = s.chat.messages;
    expect(second?.channel).toBe('C02LEADS');
    expect(JSON.stringify(second?.message.blocks)).toMatch(/Escalated to \*incident-leads\* \(2 of 2\)/);
    expect(first?.message.text).toMatch(/^No answer in time: api-5xx-spike/);
    expect(JSON.stringify(first?.message.blocks)).toMatch(/Escalated to \*incident-leads\*/);
    // The on-call engineer's late click on the first request changes nothing.
    const firstId = s.account.dynamodb
      .scan(s.platform.approvalTable)
      .map((item) => unmarshall(item))
      .find((record) => record.group === 'on-call')?.approvalId;
    await click(s, r.url, onCall, approvalActions.approve, String(firstId));
    await s.idle();
    expect(r.received.at(-1)?.text).toMatch(/already closed \(expired by timeout\)/);
    const report = [...s.platform.results.values()][0] as {
      output: { outcome: string; escalation: { reason: string } };
    };
    expect(report.output.outcome).toBe('escalated');
    expect(report.output.escalation.reason).toMatch(/^States.Timeout/);
    expect(s.account.lambda.aliasConfig('checkout-api', 'live').functionVersion).toBe('6');
  });
});

/** Every string a message carries, blocks and dialogs included. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

describe('Slack text people and events supplied', { timeout: 30_000 }, () => {
  it('posts parameter values as text: no channel mention, no link, in the request or its Approve dialog', async () => {
    const { sandbox: s, receiver: r } = await start('staging');
    const hostile = 'NOTE=<!channel>,LINK=<https://evil.example/approve|Approve-is-safe>';
    await command(
      s,
      r.url,
      onCall,
      `start runtime-upgrade function=checkout-api runtime=nodejs24.x environment=${hostile}`,
    );
    await untilApprovalPosted(s);
    const posted = s.chat.messages.at(-1)?.message;
    const texts = stringsOf(posted);
    expect(texts.join('\n')).toContain('NOTE=&lt;!channel&gt;');
    expect(texts.join('\n')).toContain('LINK=&lt;https://evil.example/approve|Approve-is-safe&gt;');
    for (const text of texts) expect(text).not.toMatch(/<!channel>|<https:/);
    const dialog = stringsOf((posted?.blocks ?? []).find((b) => b.type === 'actions'));
    expect(dialog.join('\n')).toContain('&lt;!channel&gt;');
  });

  it('answers a refused start with the hostile words as text', async () => {
    const { sandbox: s, receiver: r } = await start('staging');
    const answer = await command(s, r.url, onCall, 'start runtime-upgrade function=checkout-api <!here>=x');
    const text = JSON.stringify(answer.body);
    expect(text).toContain('&lt;!here&gt;');
    expect(text).not.toContain('<!here>');
  });
});
