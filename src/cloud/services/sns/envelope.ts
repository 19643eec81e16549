import { createSign, generateKeyPairSync } from 'node:crypto';
import type { MessageAttribute } from './validate.ts';

// SNS signs every notification over a canonical string: SHA1withRSA (SignatureVersion 1, the
// default) or SHA256withRSA (2, the topic's SignatureVersion attribute). The local cloud signs
// with its own key, published under the reserved path, so a subscriber that verifies signatures
// can do so against the local key.
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const SIGNING_KEY_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();

export interface Notification {
  Type: 'Notification';
  MessageId: string;
  SequenceNumber?: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: SignatureVersion;
  Signature: string;
  SigningCertURL: string;
  UnsubscribeURL: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

export type SignatureVersion = '1' | '2';

/** Signs the canonical string AWS documents: each present field as `Name\nvalue\n`, in the given order. */
function sign(fields: [string, string | undefined][], version: SignatureVersion): string {
  const canonical = fields
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}\n${v}\n`)
    .join('');
  return createSign(version === '2' ? 'RSA-SHA256' : 'RSA-SHA1')
    .update(canonical)
    .sign(privateKey, 'base64');
}

const signingCertUrl = (endpoint: string) => `${endpoint}/_workshop/sns/signing-key.pem`;

/** A published message on its way to one subscription. */
export interface OutgoingMessage {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  timestamp: Date;
  attributes: Record<string, MessageAttribute>;
  sequenceNumber?: string;
  /** The topic's SignatureVersion: how the envelope is signed. */
  signatureVersion?: SignatureVersion;
}

// A message fanned out to many subscriptions is signed once: the signed fields are the same for each.
const signatures = new WeakMap<OutgoingMessage, string>();

/** The JSON document SNS delivers to non-raw SQS, HTTP and email-json subscribers. */
export function notificationEnvelope(input: OutgoingMessage, subscriptionArn: string, endpoint: string): Notification {
  const version = input.signatureVersion ?? '1';
  const timestamp = input.timestamp.toISOString();
  let signature = signatures.get(input);
  if (signature === undefined) {
    // The canonical string AWS documents for verifying a Notification's signature.
    signature = sign(
      [
        ['Message', input.message],
        ['MessageId', input.messageId],
        ['Subject', input.subject],
        ['Timestamp', timestamp],
        ['TopicArn', input.topicArn],
        ['Type', 'Notification'],
      ],
      version,
    );
    signatures.set(input, signature);
  }
  const attributes = Object.entries(input.attributes);
  return {
    Type: 'Notification',
    MessageId: input.messageId,
    ...(input.sequenceNumber ? { SequenceNumber: input.sequenceNumber } : {}),
    TopicArn: input.topicArn,
    ...(input.subject !== undefined ? { Subject: input.subject } : {}),
    Message: input.message,
    Timestamp: timestamp,
    SignatureVersion: version,
    Signature: signature,
    SigningCertURL: signingCertUrl(endpoint),
    UnsubscribeURL: `${endpoint}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`,
    ...(attributes.length > 0
      ? {
          MessageAttributes: Object.fromEntries(
            attributes.map(([name, a]) => [
              name,
              { Type: a.DataType, Value: a.DataType.startsWith('Binary') ? a.BinaryValue! : a.StringValue! },
            ]),
          ),
        }
      : {}),
  };
}

export interface SubscriptionConfirmation {
  Type: 'SubscriptionConfirmation';
  MessageId: string;
  Token: string;
  TopicArn: string;
  Message: string;
  SubscribeURL: string;
  Timestamp: string;
  SignatureVersion: SignatureVersion;
  Signature: string;
  SigningCertURL: string;
}

/**
 * What SNS POSTs to a new HTTP/S subscriber. Visiting SubscribeURL (an unsigned GET, as on AWS)
 * confirms the subscription.
 */
export function confirmationMessage(input: {
  messageId: string;
  topicArn: string;
  token: string;
  endpoint: string;
  timestamp: Date;
  signatureVersion?: SignatureVersion;
}): SubscriptionConfirmation {
  const version = input.signatureVersion ?? '1';
  const timestamp = input.timestamp.toISOString();
  const message = `You have chosen to subscribe to the topic ${input.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`;
  const subscribeUrl = `${input.endpoint}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(input.topicArn)}&Token=${input.token}`;
  // The canonical string AWS documents for SubscriptionConfirmation messages.
  const signature = sign(
    [
      ['Message', message],
      ['MessageId', input.messageId],
      ['SubscribeURL', subscribeUrl],
      ['Timestamp', timestamp],
      ['Token', input.token],
      ['TopicArn', input.topicArn],
      ['Type', 'SubscriptionConfirmation'],
    ],
    version,
  );
  return {
    Type: 'SubscriptionConfirmation',
    MessageId: input.messageId,
    Token: input.token,
    TopicArn: input.topicArn,
    Message: message,
    SubscribeURL: subscribeUrl,
    Timestamp: timestamp,
    SignatureVersion: version,
    Signature: signature,
    SigningCertURL: signingCertUrl(input.endpoint),
  };
}
