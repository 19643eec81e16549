/** What SNS keeps about a topic. */
export interface Topic {
  arn: string;
  name: string;
  region: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  /** FIFO topics remember deduplication ids for five minutes, as AWS does. */
  dedup: Map<string, number>;
  sequence: bigint;
}

/** What SNS keeps about a subscription. */
export interface Subscription {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  attributes: Record<string, string>;
  /** HTTP/HTTPS subscriptions stay pending until the endpoint confirms. */
  pendingConfirmation: boolean;
  /** The confirmation token sent to an HTTP/S endpoint, and when it stops being accepted (epoch ms). */
  token?: string;
  tokenExpiresAt?: number;
  /** Whether a signed ConfirmSubscription confirmed it (a visit of SubscribeURL is not signed). */
  confirmationWasAuthenticated?: boolean;
  /** Confirmed with AuthenticateOnUnsubscribe: only a signed Unsubscribe removes it. */
  authenticateOnUnsubscribe?: boolean;
}

/** Topics and subscriptions, with each topic's subscriptions at hand (every Publish asks for them). */
export class SnsStore {
  readonly topics = new Map<string, Topic>();
  /** Read it freely; change it with `subscribe` and `unsubscribe`, which keep the index. */
  readonly subscriptions: ReadonlyMap<string, Subscription> = new Map<string, Subscription>();
  private readonly byTopic = new Map<string, Subscription[]>();

  subscriptionsOf(topicArn: string): Subscription[] {
    return this.byTopic.get(topicArn) ?? [];
  }

  subscribe(subscription: Subscription): void {
    (this.subscriptions as Map<string, Subscription>).set(subscription.arn, subscription);
    this.byTopic.set(subscription.topicArn, [...this.subscriptionsOf(subscription.topicArn), subscription]);
  }

  unsubscribe(subscriptionArn: string): void {
    const subscription = this.subscriptions.get(subscriptionArn);
    if (!subscription) return;
    (this.subscriptions as Map<string, Subscription>).delete(subscriptionArn);
    const rest = this.subscriptionsOf(subscription.topicArn).filter((s) => s.arn !== subscriptionArn);
    if (rest.length > 0) this.byTopic.set(subscription.topicArn, rest);
    else this.byTopic.delete(subscription.topicArn);
  }

  /** Replaces everything (a restart's saved state, or nothing on reset). */
  restore(topics: ReadonlyMap<string, Topic>, subscriptions: ReadonlyMap<string, Subscription>): void {
    this.topics.clear();
    for (const [arn, topic] of topics) this.topics.set(arn, topic);
    (this.subscriptions as Map<string, Subscription>).clear();
    this.byTopic.clear();
    for (const subscription of subscriptions.values()) this.subscribe(subscription);
  }
}
