import { describe, expect, it } from 'vitest';
import { type BusEvent, transformInput } from '../../../gameday/account/event-bus.js';

const event: BusEvent = {
  version: '0',
  id: 'e-1',
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  account: '444455556666',
  time: '2026-03-02T09:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { alarmName: 'checkout "5xx"', state: { value: 'ALARM' } },
};

describe('an input transformer', () => {
  it('sends the whole event where the template puts `$`, as the hub’s OU rules wrap events', () => {
    expect(
      transformInput(event, {
        InputPathsMap: { f1: '$' },
        InputTemplate: '{"organizationalUnit":"ou-ab12-cdef3456","event":<f1>}',
      }),
    ).toEqual({ organizationalUnit: 'ou-ab12-cdef3456', event });
  });

  it('puts a string inside quotes as its text, escaped, and a value elsewhere as JSON', () => {
    expect(
      transformInput(event, {
        InputPathsMap: { name: '$.detail.alarmName', state: '$.detail.state' },
        InputTemplate: '{"text":"alarm <name>","name":"<name>","state":<state>}',
      }),
    ).toEqual({ text: 'alarm checkout "5xx"', name: 'checkout "5xx"', state: { value: 'ALARM' } });
  });
});
