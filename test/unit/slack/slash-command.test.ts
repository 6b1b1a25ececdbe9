import { describe, expect, it } from 'vitest';
import { catalogueEntries } from '../../../runbooks/deployment.js';
import { runbooks } from '../../../runbooks/index.js';
import { parseSlashCommand, type SlashCommand, startProblem } from '../../../slack/slash-command.js';

describe('/runbook command text', () => {
  it('parses start with its parameters, status, list and help', () => {
    expect(parseSlashCommand('start api-5xx-spike alarm=checkout-5xx-rate force=true')).toEqual({
      kind: 'start',
      runbook: 'api-5xx-spike',
      on: { alarm: 'checkout-5xx-rate' },
      parameters: {},
      force: true,
    });
    expect(parseSlashCommand('start lambda-throttling function=payments-api:live')).toEqual({
      kind: 'start',
      runbook: 'lambda-throttling',
      on: { target: 'lambda:payments-api:live' },
      parameters: {},
      force: false,
    });
    expect(parseSlashCommand('start runtime-upgrade function=orders runtime=nodejs24.x')).toMatchObject({
      on: { target: 'lambda:orders' },
      parameters: { runtime: 'nodejs24.x' },
    });
    expect(parseSlashCommand('  status   run-1 ')).toEqual({ kind: 'status', execution: 'run-1' });
    expect(parseSlashCommand('LIST')).toEqual({ kind: 'list' });
    expect(parseSlashCommand('')).toEqual({ kind: 'help' });
  });

  it.each([
    ['start', 'start needs a runbook id'],
    [
      'start api-5xx-spike',
      'start needs one of alarm=<alarm name> | function=<function>[:<alias>] | queue=<queue> | secret=<name>',
    ],
    [
      'start api-5xx-spike alarm=a function=b',
      'start needs one of alarm=<alarm name> | function=<function>[:<alias>] | queue=<queue> | secret=<name>',
    ],
    ['start api-5xx-spike alarm=a force=yes', 'force is true or false'],
    ['start api-5xx-spike alarm=a alarm=b', 'alarm is given twice'],
    ['start lambda-throttling function=../../etc/passwd', 'function=../../etc/passwd: not a target'],
    ['status', 'status takes one execution name or ARN'],
    ['delete everything', 'unknown command "delete"'],
    ['start api-5xx-spike alarm=a region=us-east-1', 'account= and region= go with a named target'],
  ])('explains what is wrong with "%s"', (text, message) => {
    expect(() => parseSlashCommand(text)).toThrow(message);
  });
});

describe('startProblem', () => {
  const catalogue = catalogueEntries(runbooks);
  const start = (text: string) => parseSlashCommand(text) as Extract<SlashCommand, { kind: 'start' }>;

  it.each([
    ['start __proto__ alarm=a', /^unknown runbook __proto__; known: api-5xx-spike/],
    ['start api-5xx-spike alarm=a colour=red', 'api-5xx-spike takes no parameters, not "colour"'],
    ['start dlq-replay function=checkout-api', 'dlq-replay acts on queue targets, not on a function'],
  ])('refuses "%s" before anything is handed off', (text, reason) => {
    expect(startProblem(start(text), catalogue, new Date('2026-03-02T09:00:00Z'))).toMatch(reason);
  });

  it('lets a start the runbook takes through', () => {
    expect(
      startProblem(
        start('start lambda-throttling function=payments-api'),
        catalogue,
        new Date('2026-03-02T09:00:00Z'),
      ),
    ).toBeUndefined();
  });
});
