import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { InvalidInputError } from '../handlers/lib/errors.js';
import { problemsOf } from '../handlers/lib/parse-input.js';
import { nonEmptyString } from '../handlers/lib/schemas.js';
import { type Environment, environments } from '../handlers/lib/step-deps.js';

const slackUserId = z.string().check(z.regex(/^[UW][A-Z0-9]{2,}$/, 'is not a Slack user id (U…/W…)'));
const slackChannelId = z.string().check(z.regex(/^[CGD][A-Z0-9]{2,}$/, 'is not a Slack channel id (C…/G…)'));

const environmentPolicySchema = z.object({
  /** Who may start which runbooks (`*` = all) from Slack. */
  starters: z.array(
    z.object({
      users: z.array(slackUserId).check(z.minLength(1)),
      runbooks: z.array(nonEmptyString()).check(z.minLength(1)),
    }),
  ),
  /** Approver groups named by the runbooks' escalation orders: where they are asked, who may answer. */
  approverGroups: z.record(
    nonEmptyString(),
    z.object({ channel: slackChannelId, approvers: z.array(slackUserId).check(z.minLength(1)) }),
  ),
});

/** Who may do what from Slack, per environment. Configuration, not code: see examples/slack-access.json. */
export const accessPolicySchema = z.object({
  environments: z.partialRecord(z.enum(environments), environmentPolicySchema),
});

export type AccessPolicy = z.infer<typeof accessPolicySchema>;
export type EnvironmentPolicy = z.infer<typeof environmentPolicySchema>;

/** A decision with the reason people are shown when it is no. */
export type Permission = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

const allowed: Permission = { allowed: true };

/** Parses a policy document; the error names every offending field. */
export function parseAccessPolicy(raw: unknown): AccessPolicy {
  const parsed = accessPolicySchema.safeParse(raw);
  if (!parsed.success)
    throw new InvalidInputError(`Slack access policy: ${problemsOf(parsed.error, raw, '(root)')}`);
  return parsed.data;
}

/** Reads a policy file: `slack serve --policy`, and the escalation diagrams' channels and approvers. */
export function readAccessPolicy(file: string): AccessPolicy {
  return parseAccessPolicy(JSON.parse(readFileSync(file, 'utf8')));
}

/** The policy of one environment; a deployment without one lets nobody do anything. */
export function policyFor(policy: AccessPolicy, environment: Environment): EnvironmentPolicy {
  return policy.environments[environment] ?? { starters: [], approverGroups: {} };
}

export function mayStart(policy: EnvironmentPolicy, user: string, runbook: string): Permission {
  const permitted = policy.starters.some(
    (rule) => rule.users.includes(user) && (rule.runbooks.includes('*') || rule.runbooks.includes(runbook)),
  );
  return permitted ? allowed : { allowed: false, reason: `you may not start ${runbook} here` };
}

/**
 * Whether `user` may resume automatic remediation the circuit breaker paused: an approver of any
 * group here, someone already trusted to decide changes in this environment.
 */
export function mayResume(policy: EnvironmentPolicy, user: string): Permission {
  return Object.values(policy.approverGroups).some((group) => group.approvers.includes(user))
    ? allowed
    : { allowed: false, reason: 'only approvers may resume automatic remediation' };
}

/**
 * Whether `user` may answer an approval asked of `group`. In prod nobody approves a run they
 * started themselves (four eyes); elsewhere the group membership is enough.
 */
export function mayApprove(
  policy: EnvironmentPolicy,
  environment: Environment,
  approval: { readonly group: string; readonly requestedBy: string },
  user: string,
): Permission {
  const group = policy.approverGroups[approval.group];
  if (!group?.approvers.includes(user)) {
    return { allowed: false, reason: `you are not an approver of ${approval.group}` };
  }
  if (environment === 'prod' && approval.requestedBy === `slack:${user}`) {
    return { allowed: false, reason: 'in prod you cannot approve a run you started yourself' };
  }
  return allowed;
}
