import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mayApprove, mayStart, parseAccessPolicy, policyFor } from '../../../slack/access-policy.js';

const policy = parseAccessPolicy(JSON.parse(readFileSync('examples/slack-access.json', 'utf8')));

describe('Slack access policy', () => {
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

  it('lets nobody do anything in an environment the policy does not mention', () => {
    const devOnly = parseAccessPolicy({ environments: { dev: policy.environments.dev } });
    expect(mayStart(policyFor(devOnly, 'prod'), 'U01ONCALL', 'api-5xx-spike').allowed).toBe(false);
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
    ).toThrow(/environments\.prod\.starters\.0\.users\.0 is not a Slack user id/);
    expect(() => parseAccessPolicy({ environments: { qa: {} } })).toThrow(/environments/);
  });
});
