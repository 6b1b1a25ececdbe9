import { describe, expect, it } from 'vitest';
import { steps } from '../../handlers/step-catalogue.js';
import type { StepName } from '../../handlers/steps.js';
import { definitions } from '../../runbooks/definitions.js';
import { runbooks } from '../../runbooks/index.js';
import type { AslState, AslTaskState } from '../../state-machines/asl-types.js';
import {
  functionArnPlaceholder,
  renderAsl,
  renderGraph,
  sentinelArn,
} from '../../state-machines/render-asl.js';
import { stepOfTask } from '../../state-machines/task-binding.js';
import { validateAsl } from '../../state-machines/validate-asl.js';

/** The function a Task invokes: its Resource, or `Parameters.FunctionName` for `lambda:invoke` integrations. */
const invoked = (state: AslTaskState) =>
  state.Resource.startsWith('arn:aws:states:::lambda:invoke')
    ? state.Parameters?.FunctionName
    : state.Resource;

const tasksOf = (states: Record<string, AslState>) =>
  Object.entries(states).filter((entry): entry is [string, AslTaskState] => entry[1].Type === 'Task');

describe('the catalogue', () => {
  it('has a definition for every runbook, in catalogue order', () => {
    expect(definitions.map((d) => d.id)).toEqual(runbooks.map((r) => r.id));
  });
});

describe.each(definitions.map((r) => [r.id, r] as const))('runbook %s definition', (_id, runbook) => {
  const asl = renderAsl(runbook);

  it('passes asl-validator', () => {
    expect(validateAsl(asl)).toEqual({ valid: true, errors: '' });
  });

  it("gives every Task the placeholder of the very step it was built with, one of the runbook's steps", () => {
    const built = renderGraph(runbook).States as Record<string, AslState>;
    const used = new Set<StepName>();
    const listed = runbook.steps.map((s) => s.name);
    for (const [name, state] of tasksOf(asl.States)) {
      const original = built[name] as AslTaskState;
      const step = steps.map((s) => s.name).find((s) => invoked(original) === sentinelArn(s));
      expect(step, `state ${name} invokes no step function`).toBeDefined();
      expect(invoked(state), `state ${name}`).toBe(functionArnPlaceholder(step as StepName));
      expect(stepOfTask(state)).toBe(step);
      expect(listed, `state ${name}`).toContain(step);
      used.add(step as StepName);
    }
    expect([...used].sort()).toEqual([...listed].sort());
  });

  it('uses readable placeholders for function ARNs and no CloudFormation intrinsics', () => {
    expect(JSON.stringify(asl)).not.toMatch(/Fn::|"Ref"|123456789012/);
  });

  it('times out as the runbook says', () => {
    expect(asl.TimeoutSeconds).toBe(runbook.timeoutSeconds);
  });
});

describe('validateAsl', () => {
  it('reports a dangling Next', () => {
    const result = validateAsl({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } });
    expect(result.valid).toBe(false);
    expect(result.errors).toMatch(/Missing/);
  });
});
