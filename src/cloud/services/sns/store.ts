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

export class SnsStore {
  readonly topics = new Map<string, Topic>();
  readonly subscriptions = new Map<string, Subscription>();

  subscriptionsOf(topicArn: string): Subscription[] {
    return [...this.subscriptions.values()].filter((s) => s.topicArn === topicArn);
  }
}
