import {
  type ListSubscriptionsByTopicCommandInput,
  type ListSubscriptionsByTopicCommandOutput,
  NotFoundException,
  type PublishCommandInput,
} from '@aws-sdk/client-sns';
import type { AccountIdentity } from './account-identity.js';
import { stableUuid } from './alarm-state-change.js';
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
  private readonly subscribers = new Map<string, ((message: PublishedMessage) => Promise<void>)[]>();
  private deliveries: Promise<void>[] = [];
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
    const message: PublishedMessage = {
      topicArn: input.TopicArn,
      messageId,
      subject: input.Subject ?? '',
      message: input.Message ?? '',
      at: this.clock.now(),
    };
    this.published.push(message);
    // SNS invokes subscribed functions asynchronously, after Publish has answered.
    for (const deliver of this.subscribers.get(input.TopicArn) ?? []) {
      this.deliveries.push(
        new Promise<void>((resolve) => setImmediate(resolve)).then(() => deliver(message)),
      );
    }
    return { MessageId: messageId };
  }

  /** Delivers every later message of a topic to `deliver`, as a Lambda subscription does. */
  subscribe(topicArn: string, deliver: (message: PublishedMessage) => Promise<void>): void {
    this.subscribers.set(topicArn, [...(this.subscribers.get(topicArn) ?? []), deliver]);
  }

  /** People's subscriptions (email, SMS, a pager's HTTPS endpoint), confirmed or not, by topic. */
  private readonly people = new Map<string, { protocol: string; endpoint: string; confirmed: boolean }[]>();

  /** A person subscribes to a topic; until they confirm, SNS sends them nothing. */
  subscribePerson(topicArn: string, protocol: string, endpoint: string, confirmed = true): void {
    this.people.set(topicArn, [...(this.people.get(topicArn) ?? []), { protocol, endpoint, confirmed }]);
  }

  /** A subscription not yet confirmed has the ARN `PendingConfirmation` (ListSubscriptionsByTopic). */
  listSubscriptionsByTopic(
    input: ListSubscriptionsByTopicCommandInput,
  ): Omit<ListSubscriptionsByTopicCommandOutput, '$metadata'> {
    const topic = input.TopicArn ?? '';
    if (!this.topics.has(topic))
      throw new NotFoundException({ message: 'Topic does not exist', $metadata: {} });
    return {
      Subscriptions: (this.people.get(topic) ?? []).map((s, i) => ({
        TopicArn: topic,
        Protocol: s.protocol,
        Endpoint: s.endpoint,
        Owner: this.identity.accountId,
        SubscriptionArn: s.confirmed ? `${topic}:${stableUuid(`${topic}|${i}`)}` : 'PendingConfirmation',
      })),
    };
  }

  /** Waits for the deliveries under way; rejects with the first subscriber error. */
  async delivered(): Promise<void> {
    while (this.deliveries.length > 0) await Promise.all(this.deliveries.splice(0));
  }
}
