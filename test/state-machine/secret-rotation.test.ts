import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import { runScenario } from '../../gameday/run-scenario.js';
import type { Scenario } from '../../gameday/scenario.js';
import { secretRotationScenarios } from '../../gameday/scenarios/secret-rotation/game-days.js';
import type {
  RotationFinalState,
  RotationOutcome,
} from '../../gameday/scenarios/secret-rotation/rotation-game-day.js';
import type { SecretsWorld } from '../../gameday/scenarios/secret-rotation/secrets-world.js';
import type { RotationReport } from '../../handlers/secret-rotation/report-rotation.js';
import type { ApprovalNotice } from '../../handlers/shared/request-approval.js';
import { approvalRequestMessage } from '../../slack/approval-message.js';

const byId = (id: string) => {
  const scenario = secretRotationScenarios.find((s) => s.id === id);
  if (!scenario) throw new Error(`no scenario ${id}`);
  return scenario;
};

/** Every secret value and password the account ever held, as a leak search looks for them. */
function secretsOf(account: SimulatedAccount): string[] {
  const values = [...account.secretsManager.store.valuesEverHeld];
  const passwords = values.flatMap((v) => {
    try {
      const parsed = JSON.parse(v) as { password?: unknown };
      return typeof parsed.password === 'string' ? [parsed.password] : [];
    } catch {
      return [v];
    }
  });
  return [...new Set([...values, ...passwords])];
}

/** Runs a game day with everything a value could leak into captured as text. */
async function runCapturingEverything(scenario: Scenario<SecretsWorld, RotationOutcome, RotationFinalState>) {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  let account: SimulatedAccount | undefined;
  const history: unknown[] = [];
  const result = await runScenario(scenario, {
    logLevel: 'DEBUG',
    onAccount: (a) => {
      account = a;
    },
    onHistory: (event) => history.push(event),
  });
  vi.restoreAllMocks();
  if (!account) throw new Error('no account');
  const published = account.sns.published;
  const slackMessages = published
    .filter((m) => m.subject.startsWith('Approval needed'))
    .map((m) => approvalRequestMessage(JSON.parse(m.message) as ApprovalNotice));
  const executions = account.stepFunctions.all().map((e) => ({ input: e.input, output: e.output }));
  const text = JSON.stringify({ written, result, history, published, slackMessages, executions });
  return { result, account, text, written, history };
}

describe('secret-rotation state machine, run locally on the simulated account', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each(secretRotationScenarios.map((s) => [s.id, s] as const))(
    'meets the expectation of %s',
    async (_id, scenario) => {
      const result = await runScenario(scenario);
      expect(result.actual).toEqual(scenario.expected);
    },
  );

  it.each(secretRotationScenarios.map((s) => [s.id, s] as const))(
    'lets no secret value reach logs, errors, execution history, audit, notifications, Slack or the report in %s',
    async (_id, scenario) => {
      const { account, text, written, history } = await runCapturingEverything(scenario);
      const secrets = secretsOf(account);
      // The search is only meaningful if there was something to find and somewhere to look.
      expect(secrets.length).toBeGreaterThanOrEqual(2);
      expect(written.join('')).toContain('"message":"rotation step"');
      expect(history.length).toBeGreaterThan(10);
      for (const secret of secrets) expect(text.includes(secret), 'a secret value leaked').toBe(false);
    },
  );

  it('reports versions by id and stage before and after, and the consumers it checked', async () => {
    const result = await runScenario(byId('rotation-succeeds'));
    const report = result.report as RotationReport;
    expect(report.versionsBefore).toEqual([{ versionId: expect.any(String), stages: ['AWSCURRENT'] }]);
    const before = report.versionsBefore[0]?.versionId;
    expect(report.versionsAfter).toEqual(
      expect.arrayContaining([
        { versionId: report.newVersion, stages: expect.arrayContaining(['AWSCURRENT']) },
        { versionId: before, stages: ['AWSPREVIOUS'] },
      ]),
    );
    expect(report.consumers?.consumers.map((c) => [c.consumer, c.healthy, c.versionId])).toEqual([
      ['orders-api:live', true, report.newVersion],
      ['billing-worker:live', true, report.newVersion],
    ]);
    expect(result.finalState.consumers).toEqual([
      { name: 'orders-api', works: true },
      { name: 'billing-worker', works: true },
    ]);
  });

  it('rolls a single-user rotation back by setting the old password again before moving AWSCURRENT back', async () => {
    const result = await runScenario(byId('consumer-rejects-new'));
    const changes = result.timeline.filter((e) => e.kind === 'change').map((e) => e.text);
    expect(changes).toEqual([
      expect.stringMatching(/^rotate the secret /),
      expect.stringMatching(/^set the previous credentials in the target system again /),
      expect.stringMatching(/^move AWSCURRENT back to the previous version /),
      expect.stringMatching(/^remove the leftover AWSPENDING label /),
    ]);
    const report = result.report as RotationReport;
    expect(report.consumers?.consumers.find((c) => !c.healthy)).toMatchObject({
      consumer: 'legacy-batch:live',
      reason: 'login refused',
    });
    expect(report.consumersAfterRollback?.allHealthy).toBe(true);
  });

  it('asks a human before removing a stale AWSPENDING label in staging, and removes nothing else', async () => {
    const result = await runScenario(byId('previous-rotation-stuck'));
    expect(result.timeline.some((e) => e.kind === 'approval' && /approved by/.test(e.text))).toBe(true);
    const report = result.report as RotationReport;
    expect(report.stalePendingCleared).toBe('a6c1a7e2-0b8e-4f3a-9d55-3c2f1e0d9b11');
    const stale = result.finalState.secrets[0]?.versions.find(
      (v) => v.versionId === report.stalePendingCleared,
    );
    expect(stale?.stages).toEqual([]);
  });

  it('escalates without a rotation when the approver refuses to clear the stale label', async () => {
    const base = byId('previous-rotation-stuck');
    const result = await runScenario({ ...base, approval: 'reject' });
    expect(result.actual).toMatchObject({
      runbookOutcome: 'escalated',
      awsCurrent: 'version before',
      awsPending: 'left behind',
    });
    expect(result.timeline.filter((e) => e.kind === 'change')).toEqual([]);
  });

  it('leaves the database password and AWSCURRENT as they were when setSecret cannot reach the database', async () => {
    const result = await runScenario(byId('database-unreachable'));
    const report = result.report as RotationReport;
    expect(report.rotation?.status).toBe('failed');
    expect(report.rollback?.restored).toBe(false);
    expect(report.versionsAfter.find((v) => v.stages.includes('AWSCURRENT'))?.versionId).toBe(
      report.versionsBefore.find((v) => v.stages.includes('AWSCURRENT'))?.versionId,
    );
    // Secrets Manager's own failure event found the secret locked by the running rotation.
    expect(
      result.timeline.some((e) => e.kind === 'dispatch' && /locked by secret-rotation/.test(e.text)),
    ).toBe(true);
  });

  it('moves to the other user with alternating users, so the previous credentials keep working', async () => {
    let account: SimulatedAccount | undefined;
    await runScenario(byId('alternating-users'), { onAccount: (a) => (account = a) });
    const { store } = (account as SimulatedAccount).secretsManager;
    const secret = store.get('orders-db');
    const read = (stage: string) =>
      JSON.parse(store.labelled(secret, stage)?.value ?? '{}') as { username: string };
    expect(read('AWSCURRENT').username).toBe('orders_app_clone');
    expect(read('AWSPREVIOUS').username).toBe('orders_app');
  });
});
