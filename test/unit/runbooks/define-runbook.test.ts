import { describe, expect, it } from 'vitest';
import { newRunbook, ScaffoldError } from '../../../cli/new-runbook-command.js';
import { defineRunbook, InvalidRunbookError } from '../../../runbooks/define-runbook.js';
import { queueVisibility } from '../../../runbooks/queue-visibility/runbook.js';
import { trigger as healthTrigger } from '../../../runbooks/runtime-upgrade/health-trigger.js';

/** A valid declaration to break one field of at a time. */
const valid = { ...queueVisibility };

describe('defineRunbook', () => {
  it('accepts a valid declaration as it is', () => {
    const runbook = defineRunbook(valid);
    expect(runbook.id).toBe('queue-visibility');
    expect(Object.isFrozen(runbook)).toBe(true);
  });

  it.each([
    ['an id that is not kebab-case', { id: 'Queue_Visibility' }, /id "Queue_Visibility" is not kebab-case/],
    ['an id too long for Step Functions names', { id: 'a'.repeat(49) }, /of at most 48 characters/],
    ['a step listed twice', { steps: [...valid.steps, valid.steps[0]] }, /steps listed twice: inspect-queue/],
    ['a negative cool-down', { cooldownSeconds: -1 }, /cooldownSeconds is not a whole number of seconds/],
    [
      'another runbook’s event trigger',
      { trigger: { ...valid.trigger, events: [healthTrigger] } },
      /event triggers of another runbook: runtime-upgrade/,
    ],
    [
      'an approver tier timing out after a fraction of a second',
      { approverTiers: [{ group: 'on-call', timeoutSeconds: 0.5 }] },
      /approver tier on-call is not a whole number of seconds/,
    ],
  ])('refuses %s, naming the runbook', (_what, change, message) => {
    expect(() => defineRunbook({ ...valid, ...change } as typeof valid)).toThrow(InvalidRunbookError);
    expect(() => defineRunbook({ ...valid, ...change } as typeof valid)).toThrow(message);
  });

  it('refuses a step whose function name would pass Lambda’s 64 characters', () => {
    const long = { ...valid.steps[0], name: 'x'.repeat(41) };
    expect(() => defineRunbook({ ...valid, steps: [long] } as unknown as typeof valid)).toThrow(
      /step names longer than 40 characters/,
    );
  });
});

describe('runbook new, refusing before it writes anything', () => {
  it.each([
    ['Visibility_Floor', 'queue', /is not a kebab-case id of at most 32 characters/],
    ['a'.repeat(33), 'queue', /is not a kebab-case id of at most 32 characters/],
    ['visibility-floor', 'secret', /--target secret: the scaffold writes runbooks for queue or function/],
    [
      'visibility-floor',
      '__proto__',
      /--target __proto__: the scaffold writes runbooks for queue or function/,
    ],
  ])('refuses new %s --target %s', (id, target, message) => {
    expect(() => newRunbook(id, target)).toThrow(ScaffoldError);
    expect(() => newRunbook(id, target)).toThrow(message);
  });
});
