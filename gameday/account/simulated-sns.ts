import { NotFoundException, type PublishCommandInput } from '@aws-sdk/client-sns';
import type { AccountIdentity } from './account-identity.js';
import { stableUuid } from './simulated-cloudwatch.js';
import type { VirtualClock } from './virtual-clock.js';

/** A message as a subscriber receives it. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly messageId: string;
  readonly subject: string;
  readonly message: string;
  readonly at: Date;
}

/** SNS topics that keep what was published to them, so scenarios can read what people were told. */
export class SimulatedSns {
  private readonly topics = new Set<string>();
  readonly published: PublishedMessage[] = [];

  constructor(
    private readonly identity: AccountIdentity,
    private readonly clock: VirtualClock,
  ) {}

  createTopic(name: string): string {
    const arn = `arn:aws:sns:${this.identity.region}:${this.identity.accountId}:${name}`;
    this.topics.add(arn);
    return arn;
  }

  publish(input: PublishCommandInput): { MessageId: string } {
    if (!input.TopicArn || !this.topics.has(input.TopicArn)) {
      throw new NotFoundException({ message: 'Topic does not exist', $metadata: {} });
    }
    const messageId = stableUuid(`${input.TopicArn}|${this.published.length}`);
    this.published.push({
      topicArn: input.TopicArn,
      messageId,
      subject: input.Subject ?? '',
      message: input.Message ?? '',
      at: this.clock.now(),
    });
    return { MessageId: messageId };
  }
}
