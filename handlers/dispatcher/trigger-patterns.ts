/**
 * The EventBridge pattern of alarm state changes that reach the dispatcher, shared by the CDK rule
 * and the simulated platform: transitions into ALARM from another state (ALARM → ALARM, which
 * CloudWatch emits when only the reason changes, is no new incident). The dispatcher checks it too.
 */
export const alarmTriggerPattern = {
  source: ['aws.cloudwatch'],
  'detail-type': ['CloudWatch Alarm State Change'],
  detail: {
    state: { value: ['ALARM'] },
    previousState: { value: [{ 'anything-but': ['ALARM'] }] },
  },
};
