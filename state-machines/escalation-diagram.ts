import type { Environment } from '../handlers/lib/step-deps.js';
import type { Runbook } from '../runbooks/runbook.js';
import type { EnvironmentPolicy } from '../slack/access-policy.js';

const quoted = (...lines: string[]) =>
  `"${lines.map((l) => l.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')).join('<br/>')}"`;

const minutes = (seconds: number) => (seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`);

/**
 * Who is asked when a runbook wants to change something in an environment, and what happens
 * then: the environment's approval mode (automatic changes within the budget of automated
 * change), each approver tier in order with its Slack channel, its approvers and how long it
 * waits, what a rejection and a timeout lead to, and who is paged at the end (the Escalations
 * topic). Generated from the runbook's tiers and the Slack access policy, never drawn by hand.
 */
export function renderEscalation(
  runbook: Pick<Runbook, 'id' | 'approval' | 'approverTiers'>,
  environment: Environment,
  policy: EnvironmentPolicy,
): string {
  const mode = runbook.approval[environment];
  const lines = [
    'flowchart TD',
    `  wants(["${runbook.id} in ${environment} decides on a change"]):::terminal`,
    `  change["The change is made, then verified"]:::change`,
    `  escalate["Escalate: published to the Escalations topic<br/>its subscribers are paged; nothing is changed"]:::escalate`,
    `  escalated(["Run ends escalated"]):::terminal`,
    `  done(["Run ends"]):::terminal`,
    '  change --> done',
    '  escalate --> escalated',
  ];
  const tiers = runbook.approverTiers;
  const first = tiers.length ? 't0' : 'escalate';
  if (mode === 'auto') {
    lines.push(
      `  gate{"Within the budget of automated change?"}:::choice`,
      '  wants -->|"approval: automatic"| gate',
      '  gate -->|"yes"| change',
      `  gate -->|"no: the budget is spent or automation is paused"| ${first}`,
    );
  } else lines.push(`  wants -->|"approval: a person"| ${first}`);
  tiers.forEach((tier, i) => {
    const group = policy.approverGroups[tier.group];
    const who = group
      ? [`in Slack ${group.channel}`, `approvers: ${group.approvers.join(', ')}`]
      : ['no such group in the Slack access policy: nobody can answer'];
    const fourEyes = environment === 'prod' ? ['not the person who started the run'] : [];
    const next = i + 1 < tiers.length ? `t${i + 1}` : 'escalate';
    lines.push(
      `  t${i}{{${quoted(`Ask ${tier.group}`, ...who, ...fourEyes, `waits up to ${minutes(tier.timeoutSeconds)}`)}}}:::approval`,
      `  t${i} -->|"approved"| change`,
      `  t${i} -->|"rejected"| escalate`,
      `  t${i} -->|"no answer in ${minutes(tier.timeoutSeconds)}"| ${next}`,
    );
  });
  lines.push(
    '  classDef terminal fill:#222,color:#fff,stroke:#222',
    '  classDef change fill:#fde7c8,stroke:#b45309',
    '  classDef approval fill:#fff4d6,stroke:#e69500,stroke-width:2px',
    '  classDef choice fill:#fff,stroke:#555',
    '  classDef escalate fill:#fce8e6,stroke:#d62728',
  );
  return `${lines.join('\n')}\n`;
}
