import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type AccessPolicy,
  mayApprove,
  mayResume,
  mayStart,
  parseAccessPolicy,
  policyFor,
} from '../../../slack/access-policy.js';

const example: unknown = JSON.parse(readFileSync('examples/slack-access.json', 'utf8'));

describe('Slack access policy', () => {
  // Parsed in each test, not on import: a test file that fails to import reports no failing test.
  let policy: AccessPolicy;
  beforeEach(() => {
    policy = parseAccessPolicy(example);
  });

  it('accepts the example policy as written', () => {
    expect(parseAccessPolicy(example)).toEqual(example);
  });

  it('lets starters start the runbooks listed for them in that environment only', () => {
    expect(mayStart(policyFor(policy, 'prod'), 'U01ONCALL', 'api-5xx-spike')).toEqual({ allowed: true });
    expect(mayStart(policyFor(policy, 'prod'), 'U03LEAD', 'api-5xx-spike')).toEqual({
      allowed: false,
      reason: 'you may not start api-5xx-spike here',
    });
    expect(mayStart(policyFor(policy, 'prod'), 'U01ONCALL', 'dlq-replay').allowed).toBe(false);
    expect(mayStart(policyFor(policy, 'dev'), 'U03LEAD', 'anything').allowed).toBe(true);
  });

  it('lets only the asked group approve, and never the requester in prod', () => {
    const asked = { group: 'on-call', requestedBy: 'slack:U01ONCALL' };
    expect(mayApprove(policyFor(policy, 'prod'), 'prod', asked, 'U02ONCALL').allowed).toBe(true);
    expect(mayApprove(policyFor(policy, 'prod'), 'prod', asked, 'U01ONCALL')).toEqual({
      allowed: false,
      reason: 'in prod you cannot approve a run you started yourself',
    });
    expect(mayApprove(policyFor(policy, 'staging'), 'staging', asked, 'U01ONCALL').allowed).toBe(true);
    expect(mayApprove(policyFor(policy, 'prod'), 'prod', asked, 'U03LEAD').allowed).toBe(false);
  });

  it('lets approvers of any group, and nobody else, resume automatic remediation', () => {
    expect(mayResume(policyFor(policy, 'prod'), 'U03LEAD')).toEqual({ allowed: true });
    expect(mayResume(policyFor(policy, 'prod'), 'U02ONCALL')).toEqual({ allowed: true });
    expect(mayResume(policyFor(policy, 'prod'), 'U09STARTER')).toEqual({
      allowed: false,
      reason: 'only approvers may resume automatic remediation',
    });
  });

  it('lets nobody do anything in an environment the policy does not mention', () => {
    const devOnly = parseAccessPolicy({ environments: { dev: policy.environments.dev } });
    expect(mayStart(policyFor(devOnly, 'prod'), 'U01ONCALL', 'api-5xx-spike').allowed).toBe(false);
    expect(mayResume(policyFor(devOnly, 'prod'), 'U03LEAD').allowed).toBe(false);
    expect(
      mayApprove(policyFor(devOnly, 'prod'), 'prod', { group: 'on-call', requestedBy: 'alarm' }, 'U01ONCALL')
        .allowed,
    ).toBe(false);
  });

  it('names the offending field of a malformed policy', () => {
    expect(() =>
      parseAccessPolicy({
        environments: { prod: { starters: [{ users: ['alice'], runbooks: ['*'] }], approverGroups: {} } },
      }),
    ).toThrow(/environments\.prod\.starters\.0\.users\.0: is not a Slack user id/);
    expect(() => parseAccessPolicy({ environments: { qa: {} } })).toThrow(/environments/);
    expect(() => parseAccessPolicy('everyone')).toThrow(/^Slack access policy: \(root\): /);
  });

  it('tells a non-approver which group they are not in', () => {
    expect(
      mayApprove(policyFor(policy, 'prod'), 'prod', { group: 'on-call', requestedBy: 'alarm' }, 'U03LEAD'),
    ).toEqual({ allowed: false, reason: 'you are not an approver of on-call' });
  });

  it('accepts only whole Slack ids, and rules and groups that name someone and something', () => {
    const withPolicy = (prod: unknown) => () => parseAccessPolicy({ environments: { prod } });
    const starters = (users: string[], runbooks: string[]) =>
      withPolicy({ starters: [{ users, runbooks }], approverGroups: {} });
    const group = (channel: string, approvers: string[]) =>
      withPolicy({ starters: [], approverGroups: { 'on-call': { channel, approvers } } });
    expect(starters(['U01ONCALL', 'W02GRID'], ['*'])).not.toThrow();
    for (const user of ['xU01ONCALL', 'U01ONCALL ', 'U01oncall', 'U0', 'B01BOT'])
      expect(starters([user], ['*']), user).toThrow(/users\.0: is not a Slack user id/);
    expect(starters([], ['*'])).toThrow(/starters\.0\.users/);
    expect(starters(['U01ONCALL'], [])).toThrow(/starters\.0\.runbooks/);
    expect(group('C01ONCALL', ['U01ONCALL'])).not.toThrow();
    for (const channel of ['#on-call', 'xC01ONCALL', 'C01ONCALL\n', 'C0'])
      expect(group(channel, ['U01ONCALL']), channel).toThrow(/channel: is not a Slack channel id/);
    expect(group('C01ONCALL', [])).toThrow(/approvers/);
  });
});
