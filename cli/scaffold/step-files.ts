import type { ScaffoldNames } from './target-templates.js';

/** The gather-and-decide step, run again to verify. */
export const checkStep = ({ id, kind, t }: ScaffoldNames) => `${t.checkImport}
import * as z from 'zod/mini';
import { approvalModes } from '../../../handlers/lib/approval-mode.js';
import { defineStep } from '../../../handlers/lib/define-step.js';
import { TargetNotResolvedError } from '../../../handlers/lib/errors.js';
import { parseInput } from '../../../handlers/lib/parse-input.js';
import { environments, type StepCore, type StepDeps } from '../../../handlers/lib/step-deps.js';
import { parseTarget, targetKey } from '../../../handlers/lib/targets.js';
import { type Check, inputSchema as executionInputSchema } from '../contract.js';

const inputSchema = z.object({
  executionInput: executionInputSchema,
  minimum: z.int(),
  /** Who approves a change, per environment (the runbook's policy). */
  approval: z.record(z.enum(environments), z.enum(approvalModes)),
});

/** The ${t.setting} the ${t.startKey} holds now. */
export async function readValue(clients: StepDeps<'${t.clientName}'>['clients'], name: string): Promise<number> {
  ${t.read}
}

/** The target's name: as the dispatcher locked it, else as the person named it. */
function nameOf(input: z.infer<typeof executionInputSchema>): string {
  const key = input.dispatch?.target ?? input.manualStart.target;
  const target = parseTarget(key);
  if (target.kind !== '${kind}') throw new TargetNotResolvedError(\`\${targetKey(target)} is not a ${t.startKey}\`);
  return target.${t.nameField};
}

/** Reads the ${t.setting} and decides: raise it to the minimum, or nothing to do. Changes nothing. */
export const check: StepCore<z.input<typeof inputSchema>, Check, '${t.clientName}'> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, '${id}-check');
  const name = nameOf(input.executionInput);
  const value = await readValue(deps.clients, name);
  const action = value < input.minimum ? 'change' : 'none';
  return {
    name,
    value,
    minimum: input.minimum,
    action,
    approval: input.approval[deps.environment],
    summary:
      action === 'change'
        ? \`raise \${name}'s ${t.setting} from \${value} to \${input.minimum}\`
        : \`\${name}'s ${t.setting} is \${value}, at least \${input.minimum}\`,
  };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: '${id}-check',
  module: import.meta.url,
  clients: { ${t.clientName}: ${t.clientClass} },
  core: check,
  permissions: [${t.readPermissions}],
});

export const handler = step.handler;
`;

/** The step that makes the change, run the other way round to roll it back. */
export const applyStep = ({
  id,
  t,
}: ScaffoldNames) => `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
${t.applyImport}
import * as z from 'zod/mini';
import { defineStep } from '../../../handlers/lib/define-step.js';
import { ConfigurationChangedError } from '../../../handlers/lib/errors.js';
import { parseInput } from '../../../handlers/lib/parse-input.js';
import { requestIdsOf } from '../../../handlers/lib/request-ids.js';
import { nonEmptyString } from '../../../handlers/lib/schemas.js';
import type { StepCore } from '../../../handlers/lib/step-deps.js';
import { readValue } from './check.js';

const inputSchema = z.object({
  executionId: nonEmptyString(),
  runbook: nonEmptyString(),
  name: nonEmptyString(),
  /** What the target must hold now; anything else means someone else changed it. */
  from: z.int(),
  to: z.int(),
});

export interface Applied {
  readonly changed: boolean;
  readonly before: number;
  readonly after: number;
}

/**
 * Sets the ${t.setting} from \`from\` to \`to\`; the rollback is the same step the other way round.
 * Idempotent: a retry that finds \`to\` changes nothing. Refuses (ConfigurationChangedError) when the
 * target holds neither, so a person's change is never overwritten.
 */
export const apply: StepCore<z.input<typeof inputSchema>, Applied, '${t.clientName}'> = async (rawInput, deps) => {
  const input = parseInput(inputSchema, rawInput, '${id}-apply');
  const name = input.name;
  const current = await readValue(deps.clients, name);
  if (current === input.to) return { changed: false, before: current, after: current };
  if (current !== input.from)
    throw new ConfigurationChangedError(\`\${name}'s ${t.setting} is \${current}, not \${input.from}: changed by someone else\`);
  const value = input.to;
  ${t.write}
  await deps.audit.record({
    at: deps.now().toISOString(),
    executionId: input.executionId,
    runbook: input.runbook,
    step: '${id}-apply',
    action: 'set ${t.setting}',
    target: name,
    before: current,
    after: value,
    requestIds: requestIdsOf(made),
  });
  return { changed: true, before: current, after: value };
};

/** The step as deployed: its clients and the permissions their calls need. */
export const step = defineStep({
  name: '${id}-apply',
  module: import.meta.url,
  clients: { ${t.clientName}: ${t.clientClass} },
  core: apply,
  // It records its change: the audit table keeps it for the run's evidence record.
  audits: DynamoDBClient,
  permissions: [${t.writePermissions}],
});

export const handler = step.handler;
`;
