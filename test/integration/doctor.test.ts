import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DoctorCheck } from '../../cli/doctor/doctor-check.js';
import { doctorCommand } from '../../cli/doctor-command.js';
import { SimulatedAccount } from '../../gameday/account/simulated-account.js';

/** A project folder with a cdk.json of these settings (and the Slack policy it names, if any). */
function project(context: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
  writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'npx tsx infra/app.ts', context }));
  return dir;
}

const run = async (options: Omit<Parameters<typeof doctorCommand>[0], 'json'>) => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
  const code = await doctorCommand({ ...options, json: true });
  vi.restoreAllMocks();
  return { code, checks: JSON.parse(lines.join('\n')) as DoctorCheck[] };
};
const named = (checks: readonly DoctorCheck[], name: string) => checks.find((c) => c.name === name);

afterEach(() => vi.restoreAllMocks());

describe('runbook doctor before a deploy', () => {
  it('says what would keep runbooks from starting or reaching people, and what to do', async () => {
    const { code, checks } = await run({ aws: false, dir: project({ 'runbooks:environment': 'prod' }) });
    expect(code).toBe(1);
    expect(named(checks, 'routing')).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('tag-resource'),
    });
    expect(named(checks, 'iam scope')).toMatchObject({
      status: 'fail',
      found: expect.stringContaining('every function and queue'),
    });
    expect(named(checks, 'slack access')).toMatchObject({
      status: 'warn',
      found: expect.stringContaining('nobody can start or approve'),
    });
    expect(named(checks, 'concurrency')).toMatchObject({
      status: 'warn',
      found: expect.stringMatching(
        /^\d+ functions reserve \d+ concurrent executions; Lambda keeps 100 unreserved/,
      ),
      fix: expect.stringContaining('runbooks:reservedConcurrency=false'),
    });
  }, 120_000);

  it('names a setting that is wrong, and a Slack policy that leaves a runbook’s approvers out', async () => {
    const bad = await run({ aws: false, dir: project({ 'runbooks:environment': 'qa' }) });
    expect(bad.code).toBe(1);
    expect(named(bad.checks, 'settings')?.found).toContain('runbooks:environment');

    const dir = project({ 'runbooks:environment': 'dev', 'runbooks:reservedConcurrency': 'false' });
    const policy = {
      environments: {
        dev: {
          starters: [],
          approverGroups: { 'on-call': { channel: 'C01ONCALL', approvers: ['U01ONCALL'] } },
        },
      },
    };
    writeFileSync(join(dir, 'slack.json'), JSON.stringify(policy));
    const { checks } = await run({
      aws: false,
      dir: project({
        'runbooks:environment': 'dev',
        'runbooks:reservedConcurrency': 'false',
        'runbooks:slackAccess': join(dir, 'slack.json'),
      }),
    });
    expect(named(checks, 'slack access')).toMatchObject({
      status: 'fail',
      found: expect.stringContaining('api-5xx-spike: incident-leads'),
    });
    expect(named(checks, 'concurrency')).toMatchObject({ status: 'ok' });
  }, 120_000);
});

describe('runbook doctor --aws', () => {
  it('before a deploy: refuses an account not bootstrapped, or whose quota cannot hold the reservations', async () => {
    const account = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
    account.lambda.concurrency.accountLimit = 10;
    const { code, checks } = await run({
      aws: true,
      dir: project({ 'runbooks:environment': 'dev' }),
      clients: account.clients(),
    });
    expect(code).toBe(1);
    expect(named(checks, 'bootstrap')).toMatchObject({
      status: 'fail',
      fix: 'npx cdk bootstrap aws://<account>/<region>',
    });
    expect(named(checks, 'concurrency')).toMatchObject({
      status: 'fail',
      found: expect.stringContaining('the quota is 10'),
    });
    expect(named(checks, 'stack')).toMatchObject({ status: 'warn' });
  }, 120_000);

  it('after a deploy: topics nobody confirmed, a Slack secret still unset (never shown) and alarms that start nothing', async () => {
    const account = new SimulatedAccount({ start: new Date('2026-03-02T09:00:00Z') });
    const topic = (name: string) => account.sns.createTopic(`LambdaRunbooks-dev-${name}`);
    const escalations = topic('Escalations');
    const approvals = topic('Approvals');
    const alarms = topic('PlatformAlarms');
    account.sns.subscribePerson(escalations, 'email', 'oncall@example.com', true);
    account.sns.subscribePerson(approvals, 'email', 'leads@example.com', false);
    const { ARN: secret } = account.secretsManager.createSecret({
      Name: 'slack',
      SecretString: 'Xk3#generated-by-cdk',
    });
    account.cloudformation.deployStack('CDKToolkit');
    account.cloudformation.deployStack('LambdaRunbooks-dev', {
      EscalationsTopicArn: escalations,
      ApprovalsTopicArn: approvals,
      PlatformAlarmsTopicArn: alarms,
      SlackCredentialsSecretArn: secret ?? '',
    });
    account.lambda.createFunction('orders-api', 30);
    account.cloudwatch.putMetricAlarm({
      AlarmName: 'orders-api-errors',
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: 'orders-api' }],
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const { checks } = await run({
      aws: true,
      dir: project({ 'runbooks:environment': 'dev' }),
      clients: account.clients(),
    });
    expect(named(checks, 'bootstrap')?.status).toBe('ok');
    expect(named(checks, 'stack')?.status).toBe('ok');
    expect(named(checks, 'subscribers EscalationsTopicArn')).toMatchObject({
      status: 'ok',
      found: '1 confirmed (email)',
    });
    expect(named(checks, 'subscribers ApprovalsTopicArn')).toMatchObject({
      status: 'warn',
      found: 'no confirmed subscriber (1 waiting for confirmation): approval requests reach only Slack',
    });
    expect(named(checks, 'subscribers PlatformAlarmsTopicArn')?.status).toBe('warn');
    const slack = named(checks, 'slack secret');
    expect(slack).toMatchObject({ status: 'fail', found: expect.stringContaining('is not JSON') });
    expect(JSON.stringify(checks)).not.toContain('Xk3#generated-by-cdk');
    expect(named(checks, 'alarms')).toMatchObject({
      status: 'warn',
      found:
        '1 alarm(s) on metrics runbooks act on; 1 start nothing (no runbook tag, no route): orders-api-errors',
    });
  }, 120_000);
});
