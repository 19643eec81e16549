import type { ActivityStream } from '../../activity/stream.ts';
import { type Delivery, DeliveryRefused, type Principal } from '../../delivery/delivery.ts';
import type { Ledger } from '../../persistence/ledger.ts';
import { matchesSnsFilterPolicy, parseSnsFilterPolicy } from '../../shared/filter/index.ts';
import { retryDelays } from './delivery-policy.ts';
import { notificationEnvelope, type OutgoingMessage } from './envelope.ts';
import type { HttpSubscriptions } from './http-subscriptions.ts';
import { isHttpProtocol } from './http-subscriptions.ts';
import type { SnsStore, Subscription } from './store.ts';

/** A published message on its way to one subscription (FIFO topics carry the group and deduplication ids). */
export type Message = OutgoingMessage & { fifoIds?: { groupId: string; dedupId: string } };

/** One delivery SNS still owes: kept in a ledger from the Publish's answer until it is done, so no crash loses it. */
export interface OwedDelivery {
  /** Its ledger id: ids sort in the order messages were accepted (FIFO topics deliver in that order). */
  id?: string;
  subscriptionArn: string;
  message: Message;
  /** Attempts already made (0: not yet tried). */
  attempts: number;
}

/** The facts of one delivery, as the activity stream tells them. */
export interface DeliveryFacts {
  messageId: string;
  subscriptionArn: string;
  protocol: string;
  endpoint: string;
}

// AWS's delivery policy for SQS and Lambda subscriptions, which no one can change: after the first
// attempt, 3 retries at once, 2 one second apart, 10 backing off from 1 to 20 seconds, then
// 100,000 twenty seconds apart (about 23 days). It applies to failures on AWS's side only; a
// missing queue or a policy that refuses SNS fails at once.
const BACKOFF = retryDelays({
  numNoDelayRetries: 3,
  numMinDelayRetries: 2,
  numMaxDelayRetries: 0,
  numRetries: 15,
  minDelayTarget: 1,
  maxDelayTarget: 20,
  backoffFunction: 'exponential',
});
const MANAGED_RETRIES = 100_015;
/** Seconds before retry `n` (1-based) of the managed policy. */
const managedDelay = (n: number) => BACKOFF[n - 1] ?? 20;

const SNS: Pick<Principal, 'service'> = { service: 'sns.amazonaws.com' };
const filterPolicies = new Map<string, ReturnType<typeof parseSnsFilterPolicy>>();

export interface DispatcherOptions {
  /** Local milliseconds that stand for one second of a retry delay (AWS: 1,000). */
  delayMsPerSecond: number;
  /** The endpoint envelopes link to (SigningCertURL, UnsubscribeURL). */
  endpoint: () => string;
}

/**
 * SNS's side of a Publish after it answered: each accepted message goes to every subscription
 * whose filter policy it passes, in the order published, through the cloud's delivery path. A
 * delivery that fails on the cloud's side is retried with AWS's policy; one the target refuses
 * goes to the subscription's dead-letter queue, or is reported as failed: never dropped in silence.
 * Every delivery owed is in the ledger from the moment the message is accepted (the Publish is
 * answered after the ledger is written) until it is done, so a crash in between loses none.
 */
export class SnsDispatcher {
  private queue: OwedDelivery[] = [];
  private draining?: Promise<void>;
  private readonly waiting = new Map<NodeJS.Timeout, OwedDelivery>();
  private sequence = 0;

  constructor(
    private readonly store: SnsStore,
    private readonly delivery: Delivery,
    private readonly http: HttpSubscriptions,
    private readonly activity: ActivityStream,
    private readonly options: DispatcherOptions,
    private readonly ledger: Ledger<OwedDelivery>,
  ) {}

  /** Owes `message` to each of these subscriptions; delivery starts once the caller has had its answer. */
  accept(message: Message, subscriptions: Subscription[]): void {
    for (const subscription of subscriptions) this.owe({ subscriptionArn: subscription.arn, message, attempts: 0 });
    this.draining ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
  }

  /** Records one delivery as owed and queues it. */
  private owe(entry: OwedDelivery): void {
    entry.id ??= `${String(Date.now()).padStart(15, '0')}.${String(++this.sequence).padStart(10, '0')}`;
    this.ledger.put(entry.id, entry);
    this.queue.push(entry);
  }

  /** A delivery is done (made, filtered out, dead-lettered or failed for good): no longer owed. */
  private done(entry: OwedDelivery): void {
    if (entry.id) this.ledger.delete(entry.id);
  }

  /** Settles once everything accepted so far has had its first attempt (retries may still wait). */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** What is still owed: queued, or waiting for a retry. The snapshot keeps it. */
  owed(): OwedDelivery[] {
    return [...this.queue, ...this.waiting.values()];
  }

  /** Takes back what a snapshot of an earlier version owed; `resume` delivers it. */
  restore(owed: OwedDelivery[]): void {
    for (const entry of owed) this.owe({ ...entry, id: undefined });
  }

  /** Starts delivering what the ledger still owed when the cloud stopped or was killed. */
  resume(): void {
    for (const [id, entry] of this.ledger.saved()) this.queue.push({ ...entry, id });
    this.queue.sort((a, b) => (a.id! < b.id! ? -1 : 1));
    if (this.queue.length > 0) this.draining ??= Promise.resolve().then(() => this.drain());
  }

  /** Stops waiting retries; what they owe stays in `owed` for the snapshot. */
  shutdown(): void {
    for (const [timer, entry] of this.waiting) {
      clearTimeout(timer);
      this.queue.push(entry);
    }
    this.waiting.clear();
  }

  /** Forgets everything owed (reset). */
  clear(): void {
    for (const timer of this.waiting.keys()) clearTimeout(timer);
    this.waiting.clear();
    this.queue = [];
    this.ledger.clear();
  }

  private async drain(): Promise<void> {
    // In order: for FIFO topics the order of deliveries is the order of publishes.
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      for (const entry of batch) {
        if (await this.attempt(entry)) this.done(entry);
      }
    }
    this.draining = undefined;
  }

  /** Makes one attempt; true when the delivery is done, false while it is still owed (a retry, an HTTP/S delivery under way). */
  private async attempt(entry: OwedDelivery): Promise<boolean> {
    const subscription = this.store.subscriptions.get(entry.subscriptionArn);
    // Unsubscribed, or an HTTP/S subscription not confirmed: there is no one to deliver to.
    if (!subscription || subscription.pendingConfirmation) return true;
    const m = entry.message;
    const facts: DeliveryFacts = {
      messageId: m.messageId,
      subscriptionArn: subscription.arn,
      protocol: subscription.protocol,
      endpoint: subscription.endpoint,
    };
    if (entry.attempts === 0 && !passesFilter(subscription, m)) {
      this.activity.emit('sns.filtered-out', m.topicArn, facts);
      return true;
    }
    if (isHttpProtocol(subscription.protocol)) {
      // HTTP/S deliveries follow their own delivery policy, for up to an hour: they run on their own,
      // and stay owed until they end.
      void this.http
        .deliver(subscription, m, facts)
        .catch((error: Error) => this.activity.emit('sns.delivery-failed', m.topicArn, { ...facts, reason: error.message }))
        .finally(() => this.done(entry));
      return false;
    }
    entry.attempts += 1;
    try {
      await this.send(subscription, m);
      this.activity.emit('sns.delivered', m.topicArn, { ...facts, attempts: entry.attempts });
      return true;
    } catch (error) {
      const reason = (error as Error).message;
      if (error instanceof DeliveryRefused || entry.attempts >= MANAGED_RETRIES) {
        await this.failed(subscription, m, reason, { ...facts, attempts: entry.attempts });
        return true;
      }
      const retryInMs = managedDelay(entry.attempts) * this.options.delayMsPerSecond;
      this.activity.emit('sns.delivery-retry', m.topicArn, { ...facts, attempt: entry.attempts, reason, retryInMs });
      const timer = setTimeout(() => {
        this.waiting.delete(timer);
        this.queue.push(entry);
        this.draining ??= Promise.resolve().then(() => this.drain());
      }, retryInMs);
      timer.unref();
      this.waiting.set(timer, entry);
      // The attempts made so far are kept with it.
      if (entry.id) this.ledger.put(entry.id, entry);
      return false;
    }
  }

  private async send(subscription: Subscription, m: Message): Promise<void> {
    const principal = { ...SNS, sourceArn: m.topicArn };
    if (subscription.protocol === 'sqs') {
      const raw = subscription.attributes.RawMessageDelivery === 'true';
      const body = raw ? m.message : JSON.stringify(notificationEnvelope(m, subscription.arn, this.options.endpoint()));
      await this.delivery.sendToQueue(
        subscription.endpoint,
        { body, attributes: raw ? m.attributes : undefined, fifo: m.fifoIds },
        principal,
      );
    } else if (subscription.protocol === 'lambda') {
      const event = {
        Records: [
          {
            EventSource: 'aws:sns',
            EventVersion: '1.0',
            EventSubscriptionArn: subscription.arn,
            Sns: notificationEnvelope(m, subscription.arn, this.options.endpoint()),
          },
        ],
      };
      await this.delivery.invokeFunction(subscription.endpoint, event, principal);
    } else {
      throw new DeliveryRefused(`delivery over ${subscription.protocol} is not available in the local cloud`);
    }
  }

  /**
   * AWS: a delivery that fails for a client-side reason (endpoint gone, no permission) or that
   * used up its retries goes to the subscription's dead-letter queue if it has one, else it is
   * lost; it never fails the Publish call. The activity stream says why.
   */
  async failed(subscription: Subscription, m: Message, reason: string, facts: DeliveryFacts & { attempts?: number }): Promise<void> {
    const dlq = subscription.attributes.RedrivePolicy
      ? (JSON.parse(subscription.attributes.RedrivePolicy).deadLetterTargetArn as string)
      : undefined;
    if (!dlq) {
      this.activity.emit('sns.delivery-failed', m.topicArn, { ...facts, reason });
      return;
    }
    try {
      const body = JSON.stringify(notificationEnvelope(m, subscription.arn, this.options.endpoint()));
      await this.delivery.sendToQueue(dlq, { body, attributes: m.attributes, fifo: m.fifoIds }, { ...SNS, sourceArn: m.topicArn });
      this.activity.emit('sns.dead-lettered', m.topicArn, { ...facts, reason, deadLetterQueue: dlq });
    } catch (dlqError) {
      this.activity.emit('sns.delivery-failed', m.topicArn, {
        ...facts,
        reason: `${reason}; the dead-letter queue refused it too: ${(dlqError as Error).message}`,
        deadLetterQueue: dlq,
      });
    }
  }
}

/** Whether a message passes a subscription's filter policy (parsed once per policy text). */
function passesFilter(subscription: Subscription, m: Message): boolean {
  const policy = subscription.attributes.FilterPolicy;
  if (!policy) return true;
  const scope = (subscription.attributes.FilterPolicyScope ?? 'MessageAttributes') as 'MessageAttributes' | 'MessageBody';
  const key = `${scope}\n${policy}`;
  let parsed = filterPolicies.get(key);
  if (!parsed) {
    if (filterPolicies.size >= 512) filterPolicies.clear();
    parsed = parseSnsFilterPolicy(policy, scope);
    filterPolicies.set(key, parsed);
  }
  return matchesSnsFilterPolicy(parsed, { body: m.message, attributes: m.attributes });
}
