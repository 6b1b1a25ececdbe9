import { describe, expect, it } from 'vitest';
import { stepNames } from '../../handlers/index.js';
import { runbooks } from '../../runbooks/index.js';
import { renderAsl } from '../../state-machines/render-asl.js';
import { stepOfTask } from '../../state-machines/task-binding.js';
import { validateAsl } from '../../state-machines/validate-asl.js';

describe.each(runbooks.map((r) => [r.id, r] as const))('runbook %s definition', (_id, runbook) => {
  const asl = renderAsl(runbook);

  it('passes asl-validator', () => {
    expect(validateAsl(asl)).toEqual({ valid: true, errors: '' });
  });

  it('binds every Task state to a step handler it declares', () => {
    const tasks = Object.entries(asl.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, state] of tasks) {
      const step = state.Type === 'Task' ? stepOfTask(state) : undefined;
      expect(step, `state ${name}`).toBeDefined();
      expect(runbook.steps).toContain(step);
    }
  });

  it('uses readable placeholders for function ARNs and no CloudFormation intrinsics', () => {
    const text = JSON.stringify(asl);
    expect(text).not.toMatch(/Fn::|"Ref"|123456789012/);
    expect(
      stepNames.some((step) => text.includes(`FunctionArn}`) && text.includes(step.split('-')[0] ?? '')),
    ).toBe(true);
  });
});

describe('validateAsl', () => {
  it('reports a dangling Next', () => {
    const result = validateAsl({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } });
    expect(result.valid).toBe(false);
    expect(result.errors).toMatch(/Missing/);
  });
});
