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
  token?: string;
}

export class SnsStore {
  readonly topics = new Map<string, Topic>();
  readonly subscriptions = new Map<string, Subscription>();

  subscriptionsOf(topicArn: string): Subscription[] {
    return [...this.subscriptions.values()].filter((s) => s.topicArn === topicArn);
  }
}
