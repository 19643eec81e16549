import { randomBytes, randomUUID } from 'node:crypto';
import type { ActivityStream } from '../../activity/stream.ts';
import { effectiveHttpPolicy, type HttpDeliveryPolicy } from './delivery-policy.ts';
import type { DeliveryFacts } from './dispatcher.ts';
import { confirmationMessage, notificationEnvelope, type OutgoingMessage, type SignatureVersion } from './envelope.ts';
import { type EndpointRequest, HttpDeliveries, type HttpDeliveryOptions, snsHeaders } from './http-endpoint.ts';
import type { SnsStore, Subscription } from './store.ts';
import { invalid } from './validate.ts';

// AWS: a confirmation token is accepted for three days.
const TOKEN_LIFETIME_MS = 3 * 24 * 60 * 60 * 1_000;

export const isHttpProtocol = (protocol: string) => protocol === 'http' || protocol === 'https';

type Detail = DeliveryFacts;

/**
 * HTTP/S subscriptions: the confirmation handshake (SubscriptionConfirmation, then a visit of
 * SubscribeURL or ConfirmSubscription) and the delivery of notifications with the delivery policy.
 */
export class HttpSubscriptions {
  private readonly deliveries: HttpDeliveries;

  constructor(
    private readonly activity: ActivityStream,
    private readonly store: SnsStore,
    private readonly endpoint: () => string,
    options: HttpDeliveryOptions,
    /** What happens when a notification could not be delivered: the subscription's DLQ, or the event stream. */
    private readonly failed: (
      subscription: Subscription,
      m: OutgoingMessage,
      reason: string,
      detail: Detail & { attempts?: number },
    ) => Promise<void>,
  ) {
    this.deliveries = new HttpDeliveries(options);
  }

  /** The policy a subscription's deliveries follow: its own, else its topic's, else AWS's defaults. */
  policy(subscription: Subscription): HttpDeliveryPolicy {
    return effectiveHttpPolicy(
      this.store.topics.get(subscription.topicArn)?.attributes.DeliveryPolicy,
      subscription.attributes.DeliveryPolicy,
    );
  }

  /** POSTs a SubscriptionConfirmation; AWS sends one on every Subscribe while the subscription is pending. */
  requestConfirmation(subscription: Subscription): void {
    if (!subscription.token || (subscription.tokenExpiresAt ?? 0) < Date.now()) {
      // AWS tokens are long opaque hex strings; this one is as hard to guess.
      subscription.token = randomBytes(64).toString('hex');
      subscription.tokenExpiresAt = Date.now() + TOKEN_LIFETIME_MS;
    }
    const messageId = randomUUID();
    const signatureVersion = this.store.topics.get(subscription.topicArn)?.attributes.SignatureVersion as SignatureVersion | undefined;
    const body = confirmationMessage({
      messageId,
      topicArn: subscription.topicArn,
      token: subscription.token,
      endpoint: this.endpoint(),
      timestamp: new Date(),
      signatureVersion,
    });
    const request: EndpointRequest = {
      url: subscription.endpoint,
      headers: snsHeaders('SubscriptionConfirmation', messageId, subscription.topicArn, 'text/plain; charset=UTF-8'),
      body: JSON.stringify(body),
    };
    const detail = { messageId, subscriptionArn: subscription.arn, protocol: subscription.protocol, endpoint: subscription.endpoint };
    const stillWanted = () => this.store.subscriptions.has(subscription.arn) && subscription.pendingConfirmation;
    void this.deliveries
      .deliver(
        subscription.arn,
        request,
        this.policy(subscription),
        this.hooks(subscription.topicArn, { ...detail, messageType: 'SubscriptionConfirmation' }, stillWanted),
      )
      .then((outcome) => {
        if (outcome.ok)
          this.activity.emit('sns.confirmation-sent', subscription.topicArn, {
            ...detail,
            status: outcome.status,
            attempts: outcome.attempts,
          });
        else if (!outcome.cancelled)
          this.activity.emit('sns.confirmation-failed', subscription.topicArn, {
            ...detail,
            reason: outcome.reason,
            attempts: outcome.attempts,
          });
      });
  }

  /** ConfirmSubscription, signed (an SDK call) or not (a visit of SubscribeURL). */
  confirm(input: any, authenticated: boolean): { SubscriptionArn: string } {
    const token = input.Token;
    if (typeof token !== 'string' || token === '') throw invalid('Invalid parameter: Token');
    const subscription = this.store.subscriptionsOf(String(input.TopicArn)).find((s) => s.token === token);
    if (!subscription) throw invalid('Invalid token');
    if ((subscription.tokenExpiresAt ?? 0) < Date.now())
      throw invalid(
        'Invalid parameter: Token: the confirmation token has expired (AWS accepts tokens for three days); subscribe again to get a new one.',
      );
    if (subscription.pendingConfirmation) {
      subscription.pendingConfirmation = false;
      subscription.confirmationWasAuthenticated = authenticated;
      // AWS: AuthenticateOnUnsubscribe counts only on a signed request.
      subscription.authenticateOnUnsubscribe = authenticated && String(input.AuthenticateOnUnsubscribe).toLowerCase() === 'true';
      this.activity.emit('sns.subscription-confirmed', subscription.topicArn, {
        subscriptionArn: subscription.arn,
        protocol: subscription.protocol,
        endpoint: subscription.endpoint,
        authenticated,
      });
    }
    return { SubscriptionArn: subscription.arn };
  }

  /** Delivers one notification (the envelope, or the message itself when raw) with the delivery policy's retries. */
  async deliver(subscription: Subscription, m: OutgoingMessage, detail: Detail): Promise<void> {
    const raw = subscription.attributes.RawMessageDelivery === 'true';
    const policy = this.policy(subscription);
    const headers = {
      ...snsHeaders('Notification', m.messageId, m.topicArn, policy.contentType),
      'x-amz-sns-subscription-arn': subscription.arn,
      ...(raw ? { 'x-amz-sns-rawdelivery': 'true' } : {}),
    };
    const body = raw ? m.message : JSON.stringify(notificationEnvelope(m, subscription.arn, this.endpoint()));
    const stillWanted = () => this.store.subscriptions.has(subscription.arn) && !subscription.pendingConfirmation;
    const outcome = await this.deliveries.deliver(
      subscription.arn,
      { url: subscription.endpoint, headers, body },
      policy,
      this.hooks(m.topicArn, detail, stillWanted),
    );
    if (outcome.ok) this.activity.emit('sns.delivered', m.topicArn, { ...detail, status: outcome.status, attempts: outcome.attempts });
    else if (!outcome.cancelled) await this.failed(subscription, m, outcome.reason, { ...detail, attempts: outcome.attempts });
  }

  /** Stops every retry and POST under way (the cloud is stopping). */
  shutdown(): void {
    this.deliveries.shutdown();
  }

  private hooks(topicArn: string, detail: Detail & { messageType?: string }, stillWanted: () => boolean) {
    return {
      stillWanted,
      onRetry: (attempt: number, reason: string, delayMs: number) =>
        this.activity.emit('sns.delivery-retry', topicArn, { ...detail, attempt, reason, retryInMs: delayMs }),
    };
  }
}
