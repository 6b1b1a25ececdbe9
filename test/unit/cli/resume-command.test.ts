import { describe, expect, it, vi } from 'vitest';
import { resumeCommand } from '../../../cli/resume-command.js';
import { ChangeBudget } from '../../../handlers/lib/change-budget.js';
import { leaseTableForCommands } from '../../support/dynalite-server.js';

const t0 = new Date('2026-03-02T09:00:00Z');
const settings = { perHour: 5, breakerFailures: 1, breakerWindowMinutes: 60 };

/** `runbook resume` against a DynamoDB on loopback, reached through the SDK's own endpoint setting. */
describe('runbook resume', () => {
  const table = leaseTableForCommands();

  it('refuses without the table or without who resumes, changing nothing', async () => {
    await expect(resumeCommand({ table: undefined, by: 'U01LEAD', region: 'eu-west-1' })).rejects.toThrow(
      /resume needs --table <name> \(the stack output LeaseTableName\)/,
    );
    await expect(resumeCommand({ table: 'leases', by: ' ', region: 'eu-west-1' })).rejects.toThrow(
      /resume needs --by <who resumes it>/,
    );
  });

  it('resumes automatic remediation the breaker paused, keeping who and when', async () => {
    const budget = new ChangeBudget(table.client(), 'leases');
    await budget.recordFailure('run-1', 'canary regressed', settings, t0);
    expect((await budget.breaker()).paused).toBe(true);
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => printed.push(line));
    const code = await resumeCommand({
      table: 'leases',
      by: 'U01LEAD',
      region: 'eu-west-1',
      now: () => new Date('2026-03-02T10:00:00Z'),
    });
    expect(code).toBe(0);
    expect(printed[0]).toMatch(
      /^automatic remediation resumed by U01LEAD \(paused since 2026-03-02T09:00:00.000Z: 1 runs failed/,
    );
    expect(await budget.breaker()).toMatchObject({
      paused: false,
      resumedBy: 'U01LEAD',
      resumedAt: '2026-03-02T10:00:00.000Z',
    });
    expect((await budget.take('run-2', 'prod', settings, new Date('2026-03-02T10:01:00Z'))).granted).toBe(
      true,
    );
  });
});
