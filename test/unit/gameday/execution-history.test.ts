import { ExecutionDoesNotExist, InvalidToken } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { ExecutionHistories } from '../../../gameday/account/execution-history.js';
import { VirtualClock } from '../../../gameday/account/virtual-clock.js';
import { pathOf } from '../../../gameday/driver/execution-path.js';

const arn = 'arn:aws:states:eu-west-1:111122223333:execution:runbook-x:run-1';

function recorded(states: number) {
  const history = new ExecutionHistories(new VirtualClock(new Date('2026-01-01T00:00:00Z')));
  history.add(arn, { type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } });
  for (let i = 0; i < states; i += 1)
    history.addLocal(arn, { type: 'StateEntered', state: { name: `Step ${i}`, type: 'Task', input: {} } });
  return history;
}

describe('simulated execution history (GetExecutionHistory)', () => {
  it('pages 100 events by default, at most 1,000, numbered with each one pointing to the one before', () => {
    const history = recorded(1_200);
    const first = history.page({ executionArn: arn });
    expect(first.events).toHaveLength(100);
    expect(first.events[1]).toMatchObject({ id: 2, previousEventId: 1, type: 'TaskStateEntered' });
    const big = history.page({ executionArn: arn, maxResults: 5_000 });
    expect(big.events).toHaveLength(1_000);
    const rest = history.page({ executionArn: arn, maxResults: 1_000, nextToken: big.nextToken });
    expect(rest.events).toHaveLength(201);
    expect(rest.nextToken).toBeUndefined();
    expect(history.page({ executionArn: arn, reverseOrder: true, maxResults: 1 }).events[0]?.id).toBe(1_201);
  });

  it('refuses a token it did not hand out and an execution it never started', () => {
    const history = recorded(3);
    expect(() => history.page({ executionArn: arn, nextToken: 'forged' })).toThrow(InvalidToken);
    expect(() => history.page({ executionArn: `${arn}-other` })).toThrow(ExecutionDoesNotExist);
  });

  it('records a failed task as TaskFailed, which the path gives to the state entered last', () => {
    const history = recorded(1);
    history.addLocal(arn, {
      type: 'StateFailed',
      state: { name: 'Step 0', type: 'Task' },
      Error: 'Lambda.Unknown',
      Cause: 'boom',
    });
    history.addLocal(arn, { type: 'StateEntered', state: { name: 'Escalate', type: 'Task', input: {} } });
    history.addLocal(arn, { type: 'StateEntered', state: { name: 'Done?', type: 'Choice', input: {} } });
    const { events } = history.page({ executionArn: arn });
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskFailed',
      'TaskStateEntered',
      'ChoiceStateEntered',
    ]);
    expect(pathOf(events)).toEqual({
      visited: ['Step 0', 'Escalate', 'Done?'],
      failed: ['Step 0'],
      endedAt: 'Done?',
    });
  });
});
