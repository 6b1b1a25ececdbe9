import { catalogueSnapshot, snapshotOf } from './catalogue-snapshot.js';

/** `runbook list`: the catalogue. */
export async function list(json: boolean): Promise<number> {
  const { runbooks } = await catalogueSnapshot();
  if (json) {
    const shown = runbooks.map(({ id, title, description }) => ({ id, title, description }));
    console.log(JSON.stringify(shown, null, 2));
  } else {
    for (const r of runbooks) console.log(`${r.id.padEnd(18)} ${r.title}`);
  }
  return 0;
}

/** `runbook show <id>`: trigger, approval policy, guardrails and steps. */
export async function show(id: string, json: boolean): Promise<number> {
  const r = await snapshotOf(id);
  const shown = {
    id: r.id,
    title: r.title,
    description: r.description,
    trigger: r.trigger,
    approval: r.approval,
    approverTiers: r.approverTiers,
    guardrails: r.guardrails,
    timeoutSeconds: r.timeoutSeconds,
    cooldownSeconds: r.cooldownSeconds,
    steps: r.steps,
  };
  if (json) {
    console.log(JSON.stringify(shown, null, 2));
    return 0;
  }
  const pairs = (record: object) =>
    Object.entries(record)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(', ');
  console.log(`${r.title} (${r.id})\n\n${r.description}\n`);
  console.log(`Trigger:    ${r.trigger.description}`);
  console.log(`Approval:   ${pairs(r.approval)}`);
  console.log(
    `Approvers:  ${r.approverTiers.map((t) => `${t.group} (${t.timeoutSeconds} s)`).join(', then ')}`,
  );
  console.log(`Guardrails: ${pairs(r.guardrails)}`);
  console.log(`Timeout:    ${r.timeoutSeconds} s; cool-down ${r.cooldownSeconds} s`);
  console.log(`Steps:      ${shown.steps.join(', ')}`);
  return 0;
}

/** `runbook scenarios`: every game day, its runbook, and whether `gameday run` can run it closed-loop. */
export async function listScenarios(json: boolean): Promise<number> {
  const shown = (await catalogueSnapshot()).scenarios;
  if (json) {
    console.log(JSON.stringify(shown, null, 2));
    return 0;
  }
  for (const s of shown)
    console.log(
      `${s.id.padEnd(28)} ${s.runbook.padEnd(18)} ${s.closedLoop ? 'closed-loop ' : '            '}${s.description}`,
    );
  return 0;
}
