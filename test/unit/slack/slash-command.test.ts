import { describe, expect, it } from 'vitest';
import { parseSlashCommand } from '../../../slack/slash-command.js';

describe('/runbook command text', () => {
  it('parses start with its parameters, status, list and help', () => {
    expect(parseSlashCommand('start api-5xx-spike alarm=checkout-5xx-rate force=true')).toEqual({
      kind: 'start',
      runbook: 'api-5xx-spike',
      alarm: 'checkout-5xx-rate',
      force: true,
    });
    expect(parseSlashCommand('  status   run-1 ')).toEqual({ kind: 'status', execution: 'run-1' });
    expect(parseSlashCommand('LIST')).toEqual({ kind: 'list' });
    expect(parseSlashCommand('')).toEqual({ kind: 'help' });
  });

  it.each([
    ['start', 'start needs a runbook id'],
    ['start api-5xx-spike', 'start needs alarm=<alarm name>'],
    ['start api-5xx-spike alarm=a force=yes', 'force is true or false'],
    ['start api-5xx-spike alarm=a region=us-east-1', 'unknown parameter region'],
    ['status', 'status takes one execution name or ARN'],
    ['delete everything', 'unknown command "delete"'],
  ])('explains what is wrong with "%s"', (text, message) => {
    expect(() => parseSlashCommand(text)).toThrow(message);
  });
});
