import type { AlarmHistoryItem } from '@aws-sdk/client-cloudwatch';
import type { AccountIdentity } from './account-identity.js';
import type { SimulatedAlarm } from './alarm-state-change.js';
import { denialMessage } from './iam/access-denied.js';
import type { AccountIam } from './iam/account-iam.js';
import type { SimulatedSns } from './simulated-sns.js';
import type { VirtualClock } from './virtual-clock.js';

/** An action an alarm's transition asked for, not yet carried out. */
interface DueAction {
  readonly alarm: SimulatedAlarm;
  readonly topicArn: string;
  readonly state: string;
  readonly reason: string;
}

/**
 * The SNS actions of alarms, carried out by CloudWatch as the service principal
 * `cloudwatch.amazonaws.com` for the alarm: the topic's policy must let it publish, and an
 * encrypted topic's key policy must let it use the key
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html,
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 * What happened is recorded in the alarm's history as CloudWatch records it: an `Action` item,
 * successful or failed.
 */
export class AlarmActions {
  private readonly due: DueAction[] = [];

  constructor(
    private readonly identity: AccountIdentity,
    private readonly clock: VirtualClock,
    private readonly iam: AccountIam,
    private readonly sns: SimulatedSns,
    private readonly history: AlarmHistoryItem[],
  ) {}

  /** Queues the actions a transition into `state` triggers. */
  transitioned(alarm: SimulatedAlarm, state: string, reason: string): void {
    const actions = state === 'ALARM' ? alarm.actions.alarm : state === 'OK' ? alarm.actions.ok : [];
    for (const topicArn of actions) this.due.push({ alarm, topicArn, state, reason });
  }

  /** Carries out every queued action. */
  async run(): Promise<void> {
    for (let action = this.due.shift(); action; action = this.due.shift()) {
      const { alarm, topicArn } = action;
      const denial = await this.iam.authorizeService(
        { service: 'cloudwatch.amazonaws.com', sourceArn: alarm.arn, sourceAccount: this.identity.accountId },
        { action: 'sns:Publish', resource: topicArn, kms: 'write' },
      );
      const summary = denial
        ? `Failed to execute action ${topicArn}. Received error: "${denialMessage(denial)}"`
        : `Successfully executed action ${topicArn}`;
      if (!denial) {
        this.sns.publish({
          TopicArn: topicArn,
          Subject: `${action.state}: "${alarm.name}" in ${this.identity.region}`,
          Message: JSON.stringify({
            AlarmName: alarm.name,
            AlarmDescription: alarm.description,
            NewStateValue: action.state,
            NewStateReason: action.reason,
            AlarmArn: alarm.arn,
          }),
        });
      }
      this.history.push({
        AlarmName: alarm.name,
        AlarmType: 'MetricAlarm',
        Timestamp: this.clock.now(),
        HistoryItemType: 'Action',
        HistorySummary: summary,
      });
    }
  }
}
