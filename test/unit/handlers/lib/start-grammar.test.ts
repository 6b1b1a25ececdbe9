import { describe, expect, it } from 'vitest';
import { parseStartWords, StartUsageError } from '../../../../handlers/lib/start-grammar.js';

const words = (text: string) => text.split(' ');

describe('parseStartWords', () => {
  it('reads the runbook, what to run on, its parameters and force', () => {
    expect(
      parseStartWords(words('runtime-upgrade function=orders-api:live runtime=nodejs24.x force=true')),
    ).toEqual({
      runbook: 'runtime-upgrade',
      on: { target: 'lambda:orders-api:live' },
      parameters: { runtime: 'nodejs24.x' },
      force: true,
    });
    expect(parseStartWords(words('dlq-replay alarm=orders-dlq-depth'))).toEqual({
      runbook: 'dlq-replay',
      on: { alarm: 'orders-dlq-depth' },
      parameters: {},
      force: false,
    });
    expect(parseStartWords(words('dlq-replay queue=orders-dlq force=false')).on).toEqual({
      target: 'sqs:orders-dlq',
    });
    expect(parseStartWords(words('secret-rotation secret=prod/orders-db')).on).toEqual({
      target: 'secret:prod/orders-db',
    });
    // A value may hold `=`.
    expect(parseStartWords(words('runtime-upgrade function=f environment=A_B=x=y')).parameters).toEqual({
      environment: 'A_B=x=y',
    });
  });

  it.each([
    ['', 'start needs a runbook id'],
    [
      'rb',
      'start needs one of alarm=<alarm name> | function=<function>[:<alias>] | queue=<queue> | secret=<name>',
    ],
    [
      'rb function=a queue=b',
      'start needs one of alarm=<alarm name> | function=<function>[:<alias>] | queue=<queue> | secret=<name>',
    ],
    [
      'rb runtime=x',
      'start needs one of alarm=<alarm name> | function=<function>[:<alias>] | queue=<queue> | secret=<name>',
    ],
    ['rb function=a function=b', 'function is given twice'],
    ['rb function=a force=yes', 'force is true or false'],
    ['rb function=a nokey', '"nokey" is not key=value'],
    ['rb function=a 9x=1', '"9x=1" is not key=value'],
    ['rb function=a x=', '"x=" is not key=value'],
    ['rb function=bad!name', 'function=bad!name: not a target: "bad!name" is not a Lambda function name'],
    ['rb queue=a:b', 'queue=a:b: not a target: "a:b" is not an SQS queue name'],
  ])('refuses %j: %s', (text, message) => {
    const parse = () => parseStartWords(text ? words(text) : []);
    expect(parse).toThrow(StartUsageError);
    expect(parse).toThrow(expect.objectContaining({ name: 'StartUsageError' }));
    expect(parse).toThrow(message);
  });

  it('refuses values that are not short printable text', () => {
    expect(() => parseStartWords(['rb', 'function=a', `note=${'x'.repeat(257)}`])).toThrow(
      'note must be printable text of at most 256 characters',
    );
    expect(() => parseStartWords(['rb', 'function=a', 'note=\u0007bell'])).toThrow(/printable/);
    expect(parseStartWords(['rb', 'function=a', `note=${'x'.repeat(256)}`]).parameters.note).toHaveLength(
      256,
    );
  });

  it('quotes a long wrong word cut short', () => {
    expect(() => parseStartWords(['rb', 'y'.repeat(100)])).toThrow(`"${'y'.repeat(60)}" is not key=value`);
  });

  it('names a target in a workload account with account= and region=, or by a function ARN', () => {
    expect(parseStartWords(words('rb function=orders-api:live account=444455556666'))).toMatchObject({
      on: { target: 'lambda:orders-api:live' },
      where: { account: '444455556666' },
      parameters: {},
    });
    expect(
      parseStartWords(words('rb queue=orders-dlq account=444455556666 region=eu-central-1')).where,
    ).toEqual({ account: '444455556666', region: 'eu-central-1' });
    expect(
      parseStartWords(words('rb function=arn:aws:lambda:eu-west-1:444455556666:function:orders-api:live')),
    ).toMatchObject({
      on: { target: 'lambda:orders-api:live' },
      where: { account: '444455556666', region: 'eu-west-1' },
    });
    expect(parseStartWords(words('rb function=orders-api')).where).toBeUndefined();
  });

  it.each([
    ['rb function=a account=4444', 'account=4444: is not a 12-digit account id'],
    ['rb function=a account=444455556666 region=mars', 'region=mars: is not a region'],
    ['rb function=a region=eu-west-1', 'region= goes with account=<id>'],
    ['rb alarm=x account=444455556666', 'account= and region= go with a named target, not alarm='],
    ['rb function=arn:aws:sqs:eu-west-1:444455556666:q', 'is not a Lambda function ARN'],
    [
      'rb function=arn:aws:lambda:eu-west-1:444455556666:function:a account=111122223333',
      'is in 444455556666 eu-west-1, not where account=/region= say',
    ],
    ['rb function=arn:aws:lambda:eu-west-1:444455556666:function:a:7', 'is not a Lambda alias name'],
  ])('refuses %j: %s', (text, message) => {
    expect(() => parseStartWords(words(text))).toThrow(message);
  });
});
