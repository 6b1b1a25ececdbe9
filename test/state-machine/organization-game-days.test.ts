import { describe, expect, it } from 'vitest';
import type { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import { type RunAccounts, runScenario } from '../../gameday/run-scenario.js';
import { findScenario } from '../../gameday/scenarios/catalogue.js';
import type { ApprovalNotice } from '../../handlers/shared/request-approval.js';
import { approvalRequestMessage } from '../../slack/approval-message.js';

async function run(id: string) {
  let accounts: RunAccounts | undefined;
  const result = await runScenario(findScenario(id), { onAccount: (_, all) => (accounts = all) });
  if (!accounts) throw new Error('no accounts');
  return { result, hub: accounts.hub, all: accounts.all };
}

const published = (hub: SimulatedAccount, subject: string) =>
  hub.sns.published.filter((m) => m.subject.startsWith(subject)).map((m) => JSON.parse(m.message));

describe('game days across an organization', () => {
  it('names the workload account in the approval request, its Slack message, the change and the locks', async () => {
    const { result, hub } = await run('spoke-bad-deploy');
    expect(result.outcome).toBe('passed');
    const [notice] = published(hub, 'Approval needed') as ApprovalNotice[];
    expect(notice).toMatchObject({ account: '444455556666', region: 'eu-west-1' });
    expect(JSON.stringify(approvalRequestMessage(notice as ApprovalNotice).blocks)).toContain(
      'In account 444455556666 (eu-west-1).',
    );
    expect(result.timeline.map((e) => e.text)).toContain(
      'lambda:UpdateAlias 444455556666/checkout-api:live: functionVersion 6 → 5',
    );
    // The lease is gone; the cool-down stays on the workload account's API, not the hub's (the
    // dispatcher does not look into workload accounts for the function behind an API).
    expect(result.finalState.leases.map((l) => l.pk)).toEqual([
      'target#444455556666/eu-west-1/apigateway:checkout',
    ]);
  });

  it('runs one execution per account on functions of the same name, and escalates naming the account left', async () => {
    const { result, hub } = await run('alarm-storm-budget');
    expect(result.outcome).toBe('passed');
    expect(new Set(result.finalState.executions.map((e) => e.name)).size).toBe(3);
    const [escalation] = published(hub, 'Escalation');
    expect(escalation).toMatchObject({ account: '666677778888', target: 'apigateway:checkout' });
  });
});
