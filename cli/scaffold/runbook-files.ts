import { applyStep, checkStep } from './step-files.js';
import type { ScaffoldNames } from './target-templates.js';

/** `visibility-floor` → `visibilityFloor`. */
export function camelOf(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

const contract = ({ id, t }: ScaffoldNames) => `import * as z from 'zod/mini';
import { nonEmptyString } from '../../handlers/lib/schemas.js';

/** What starts the runbook: a person (\`runbook start ${id} ${t.startKey}=<name>\`), through the dispatcher. */
export const inputSchema = z.looseObject({
  manualStart: z.looseObject({ target: nonEmptyString(), requestedBy: nonEmptyString() }),
  dispatch: z.optional(z.looseObject({ target: nonEmptyString() })),
});

/** What the check found and decided: the ${t.setting} the target holds, and what it should hold. */
export interface Check {
  readonly name: string;
  readonly value: number;
  readonly minimum: number;
  readonly action: 'change' | 'none';
  readonly approval: 'auto' | 'human';
  readonly summary: string;
}
`;

const runbook = ({
  id,
  camel,
  title,
  kind,
  t,
}: ScaffoldNames) => `import { step as changeGateStep } from '../../handlers/shared/change-gate.js';
import { step as escalateStep } from '../../handlers/shared/escalate.js';
import { step as releaseLeaseStep } from '../../handlers/shared/release-lease.js';
import { step as requestApprovalStep } from '../../handlers/shared/request-approval.js';
import { defineRunbook } from '../define-runbook.js';
import { inputSchema } from './contract.js';
import { step as applyStep } from './steps/apply.js';
import { step as checkStep } from './steps/check.js';

/** What bounds the runbook: who approves, and the ${t.setting} a ${kind} must have at least. */
const guardrails = {
  approval: { dev: 'auto', staging: 'human', prod: 'human' },
  ${t.guardrail}: ${t.minimum},
  /** Seconds before the change is checked. */
  verifyAfterSeconds: 60,
} as const;

/** Its steps: its own two, and the platform's approval, change gate, escalation and lease release. */
const steps = [checkStep, requestApprovalStep, changeGateStep, applyStep, escalateStep, releaseLeaseStep] as const;

/** The names of its steps: the functions its definition is built over. */
export type StepNames = (typeof steps)[number]['name'];

export const ${camel} = defineRunbook({
  id: '${id}',
  title: '${title}',
  description:
    'Checks that a ${kind} has a ${t.setting} of at least ${t.minimum}; raises it, with approval where policy says so, ' +
    'checks again, and puts the previous value back if the check still fails.',
  trigger: { description: 'A manual start with ${t.startKey}=<name>', metrics: [] },
  targets: ['${kind}'],
  locks: ['target'],
  inputSchema,
  approval: guardrails.approval,
  approverTiers: [{ group: 'on-call', timeoutSeconds: 30 * 60 }],
  guardrails,
  timeoutSeconds: 3600,
  cooldownSeconds: 15 * 60,
  steps,
  definition: () => import('./definition.js'),
  gameDays: async () => (await import('./game-days.js')).gameDays,
});
`;

const definition = ({ id, camel, t }: ScaffoldNames) => `import { Duration } from 'aws-cdk-lib';
import {
  Choice,
  Condition,
  type IChainable,
  JsonPath,
  Pass,
  TaskInput,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ApprovalStep } from '../fragments/approval-step.js';
import { endWithReport } from '../fragments/runbook-end.js';
import { taskStep } from '../fragments/task-step.js';
import type { RunbookFunctions } from '../runbook.js';
import { ${camel}, type StepNames } from './runbook.js';

const { id, guardrails } = ${camel};

/** gather → decide → approval → act → verify → report; a failed check puts the previous value back. */
export function build(scope: Construct, fn: RunbookFunctions<StepNames>): IChainable {
  const report = new Pass(scope, 'Report', {
    parameters: { runbook: id, 'executionId.$': '$$.Execution.Id', 'state.$': '$' },
  });
  const escalate = endWithReport(scope, fn, id, report);
  const checking = (name: string, resultPath: string) =>
    taskStep(scope, name, {
      lambdaFunction: fn['${id}-check'],
      payload: TaskInput.fromObject({
        executionInput: JsonPath.objectAt('$$.Execution.Input'),
        minimum: guardrails.${t.guardrail},
        approval: guardrails.approval,
      }),
      resultPath,
      onFailure: escalate,
    });
  const setting = (name: string, from: string, to: string, resultPath: string) =>
    taskStep(scope, name, {
      lambdaFunction: fn['${id}-apply'],
      payload: TaskInput.fromObject({
        executionId: JsonPath.executionId,
        runbook: id,
        name: JsonPath.stringAt('$.decision.name'),
        from: JsonPath.numberAt(from),
        to: JsonPath.numberAt(to),
      }),
      resultPath,
      onFailure: escalate,
    });
  const restore = setting('Put the previous value back', '$.decision.minimum', '$.decision.value', '$.restored').next(
    escalate,
  );
  const apply = setting('Apply', '$.decision.value', '$.decision.minimum', '$.applied');
  apply
    .next(new Wait(scope, 'Let it take effect', { time: WaitTime.duration(Duration.seconds(guardrails.verifyAfterSeconds)) }))
    .next(checking('Verify', '$.verification'))
    .next(
      new Choice(scope, 'Fixed?')
        .when(Condition.stringEquals('$.verification.action', 'none'), report)
        .otherwise(restore),
    );
  const approval = new ApprovalStep(scope, 'Approve', {
    runbook: id,
    approvalFunction: fn['request-approval'],
    changeGateFunction: fn['change-gate'],
    modePath: '$.decision.approval',
    summaryPath: '$.decision.summary',
    evidencePath: '$.decision',
    tiers: ${camel}.approverTiers,
    onDeclined: escalate,
  });
  approval.next(apply);
  return checking('Gather and decide', '$.decision').next(
    new Choice(scope, 'Anything to change?').when(Condition.stringEquals('$.decision.action', 'change'), approval).otherwise(report),
  );
}
`;

const gameDays = ({
  id,
  t,
}: ScaffoldNames) => `import type { SimulatedAccount } from '../../gameday/account/simulated-account.js';
import { runbookOutcomeOf, type Scenario } from '../../gameday/scenario.js';
import { readValue } from './steps/check.js';

/** What the game day ends with: how the run ended, and the ${t.setting} the ${t.startKey} holds. */
interface Outcome {
  readonly runbookOutcome: string;
  readonly value: number;
}

const valueIn = (account: SimulatedAccount) => readValue(account.clients(), '${t.exampleName}');

/** Reads how a run ended from its report (the Pass state's copy of the execution's state). */
function outcomeOfReport(report: unknown): string {
  const state = (report as { state?: { escalation?: unknown; applied?: { changed?: boolean } } }).state;
  if (state?.escalation) return 'escalated';
  return state?.applied?.changed ? 'changed' : 'unchanged';
}

/** The runbook's game days on the simulated account. */
export const gameDays = [
  {
    id: '${id}-raised',
    runbook: '${id}',
    description: '${t.exampleName} has a ${t.setting} of ${t.startValue}, below ${t.minimum}: raised',
    environment: 'dev',
    warmUpMinutes: 5,
    expected: { runbookOutcome: 'changed', value: ${t.minimum} },
    setup(account) {
      ${t.setup}
      return {};
    },
    inject: () => '${t.exampleName}: ${t.setting} ${t.startValue}, below ${t.minimum}',
    startRequest: () => ({
      startRequest: { runbook: '${id}', target: '${t.keyPrefix}:${t.exampleName}', requestedBy: 'U01ONCALL' },
    }),
    async outcome(account, _world, facts) {
      return { runbookOutcome: runbookOutcomeOf(facts, outcomeOfReport), value: await valueIn(account) };
    },
    async finalState(account) {
      return { value: await valueIn(account) };
    },
    summary: (actual) => \`\${actual.runbookOutcome}: ${t.setting} \${actual.value}\`,
  },
] satisfies Scenario<object, Outcome>[];
`;

const test = ({ id }: ScaffoldNames) => `import { describe, expect, it } from 'vitest';
import { runScenario } from '../../gameday/run-scenario.js';
import { findScenario } from '../../gameday/scenarios/catalogue.js';

describe('${id}', () => {
  it('passes its game day on the simulated account, under the IAM the CDK app deploys', async () => {
    const result = await runScenario(findScenario('${id}-raised'));
    expect(result.actual).toEqual(result.expected);
    expect(result.accessMismatches).toEqual([]);
    expect(result.outcome).toBe('passed');
  });
});
`;

/** Every file of a new runbook, by path from the project root. */
export function runbookFiles(names: ScaffoldNames): Readonly<Record<string, string>> {
  const dir = `runbooks/${names.id}`;
  return {
    [`${dir}/contract.ts`]: contract(names),
    [`${dir}/runbook.ts`]: runbook(names),
    [`${dir}/steps/check.ts`]: checkStep(names),
    [`${dir}/steps/apply.ts`]: applyStep(names),
    [`${dir}/definition.ts`]: definition(names),
    [`${dir}/game-days.ts`]: gameDays(names),
    [`test/runbooks/${names.id}.test.ts`]: test(names),
  };
}
