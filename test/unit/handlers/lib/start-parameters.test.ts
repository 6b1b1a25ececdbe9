import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../handlers/lib/errors.js';
import {
  checkParameters,
  parameterKindsOf,
  parameterProblems,
} from '../../../../handlers/lib/start-parameters.js';

const upgrade = { runtime: 'runtime', environment: 'environment' } as const;
const rotation = { consumers: 'function-aliases' } as const;
const on = new Date('2026-12-02T10:00:00Z');
const problems = (
  specs: Record<string, never> | typeof upgrade | typeof rotation,
  given: Record<string, string>,
) => parameterProblems('rb', specs, given, on);

describe('parameterProblems', () => {
  it('accepts what the runbook takes, of the right kind', () => {
    expect(problems(upgrade, { runtime: 'nodejs24.x', environment: 'A1=x,FLAG_B=on' })).toEqual([]);
    expect(problems(rotation, { consumers: 'orders-api:live,billing:blue' })).toEqual([]);
    expect(problems({}, {})).toEqual([]);
  });

  it('takes a fixed replay rate of 1 to 500 messages a second, SQS’s move task range, and nothing else', () => {
    const replay = { rate: 'replay-rate' } as const;
    for (const rate of ['1', '200', '500'])
      expect(parameterProblems('dlq-replay', replay, { rate }, on)).toEqual([]);
    for (const rate of ['0', '501', '2.5', 'fast', '0200', '-3'])
      expect(parameterProblems('dlq-replay', replay, { rate }, on)).toEqual([
        `rate: "${rate}" is not a whole number of messages a second from 1 to 500`,
      ]);
  });

  it('names a parameter the runbook does not take, with those it does', () => {
    expect(problems(upgrade, { dryRun: 'true' })).toEqual([
      'rb takes the parameters runtime, environment, not "dryRun"',
    ]);
    expect(problems({}, { x: '1' })).toEqual(['rb takes no parameters, not "x"']);
    expect(problems(upgrade, { __proto__x: '1', constructor: 'y' })).toHaveLength(2);
  });

  it('refuses runtimes Lambda does not support today, naming those it does', () => {
    const [unknown] = problems(upgrade, { runtime: 'nodejs99.x' });
    expect(unknown).toMatch(
      /^runtime: "nodejs99.x" is not a supported Lambda runtime; supported: nodejs24.x, nodejs22.x, /,
    );
    // nodejs20.x was deprecated on 2026-04-30: not offered on 2026-12-02.
    expect(unknown).not.toMatch(/nodejs20\.x/);
    expect(problems(upgrade, { runtime: 'nodejs20.x' })).toEqual([
      expect.stringMatching(/^runtime: nodejs20.x is deprecated since 2026-04-30; supported: nodejs24.x/),
    ]);
    // The day before its deprecation it is still supported.
    expect(
      parameterProblems('rb', upgrade, { runtime: 'nodejs20.x' }, new Date('2026-04-29T12:00:00Z')),
    ).toEqual([]);
  });

  it('cuts a long value short in the message', () => {
    const [long] = problems(upgrade, { runtime: 'x'.repeat(300) });
    expect(long).toContain(`"${'x'.repeat(60)}…"`);
    expect(long).not.toContain('x'.repeat(61));
    // Sixty characters are shown whole.
    expect(problems(upgrade, { runtime: 'y'.repeat(60) })[0]).toContain(`"${'y'.repeat(60)}" is not`);
  });

  it('refuses environment pairs Lambda would refuse, each named', () => {
    expect(problems(upgrade, { environment: 'AWS_REGION=us-east-1' })).toEqual([
      'environment: AWS_REGION is reserved by the Lambda runtime',
    ]);
    expect(problems(upgrade, { environment: 'A=1' })).toEqual([
      'environment: "A" is not an environment variable name (a letter, then letters, digits or _)',
    ]);
    expect(problems(upgrade, { environment: 'FLAG' })).toEqual(['environment: "FLAG" is not KEY=VALUE']);
    expect(problems(upgrade, { environment: '=x' })).toEqual(['environment: "=x" is not KEY=VALUE']);
    expect(problems(upgrade, { environment: 'AB=1,AB=2' })).toEqual(['environment: AB is given twice']);
    expect(problems(upgrade, { environment: 'AB=1,CD=' })).toEqual([]);
    expect(problems(upgrade, { environment: 'A=1,FLAG' })).toEqual([
      'environment: "A" is not an environment variable name (a letter, then letters, digits or _); "FLAG" is not KEY=VALUE',
    ]);
  });

  it('refuses consumers that are not function:alias', () => {
    expect(problems(rotation, { consumers: 'orders-api' })).toEqual([
      'consumers: "orders-api" is not function:alias',
    ]);
    expect(problems(rotation, { consumers: 'orders-api:live,bad name:x' })).toEqual([
      'consumers: not a target: "bad name" is not a Lambda function name',
    ]);
    expect(problems(rotation, { consumers: 'a,b' })).toEqual([
      'consumers: "a" is not function:alias; "b" is not function:alias',
    ]);
    expect(problems(rotation, { consumers: 'a:live,b:1' })).toEqual([
      'consumers: not a target: "1" is not a Lambda alias name',
    ]);
  });

  it('reports every problem at once', () => {
    expect(problems(upgrade, { runtime: 'nope', environment: 'FLAG', extra: '1' })).toHaveLength(3);
  });
});

describe('checkParameters', () => {
  it('throws the problems as one invalid input, or nothing', () => {
    expect(() => checkParameters('rb', upgrade, { dryRun: 'true', runtime: 'no' }, on)).toThrow(
      InvalidInputError,
    );
    expect(() => checkParameters('rb', upgrade, { dryRun: 'true', runtime: 'no' }, on)).toThrow(
      /not "dryRun"; runtime: "no" is not a supported/,
    );
    expect(() => checkParameters('rb', upgrade, { runtime: 'nodejs24.x' }, on)).not.toThrow();
  });
});

describe('parameterKindsOf', () => {
  it('keeps each parameter’s kind', () => {
    expect(
      parameterKindsOf({
        runtime: { description: 'r', kind: 'runtime' },
        env: { description: 'e', kind: 'environment' },
      }),
    ).toEqual({ runtime: 'runtime', env: 'environment' });
    expect(parameterKindsOf(undefined)).toEqual({});
  });
});
