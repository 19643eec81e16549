import { createSign, generateKeyPairSync } from 'node:crypto';
import type { MessageAttribute } from './validate.ts';

// SNS signs every notification (SignatureVersion 1: SHA1withRSA over a canonical string). The
// local cloud signs with its own key, published under the reserved path, so a subscriber that
// verifies signatures can do so against the local key.
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
  SignatureVersion: '1';
  Signature: string;
  SigningCertURL: string;
  UnsubscribeURL: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/** The JSON document SNS delivers to non-raw SQS, HTTP and email-json subscribers. */
export function notificationEnvelope(input: {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  timestamp: Date;
  attributes: Record<string, MessageAttribute>;
  subscriptionArn: string;
  endpoint: string;
  sequenceNumber?: string;
}): Notification {
  const timestamp = input.timestamp.toISOString();
  // The canonical string AWS documents for verifying a Notification's signature.
  const fields: [string, string | undefined][] = [
    ['Message', input.message],
    ['MessageId', input.messageId],
    ['Subject', input.subject],
    ['Timestamp', timestamp],
    ['TopicArn', input.topicArn],
    ['Type', 'Notification'],
  ];
  const canonical = fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}\n${v}\n`).join('');
  const signature = createSign('RSA-SHA1').update(canonical).sign(privateKey, 'base64');
  const attributes = Object.entries(input.attributes);
  return {
    Type: 'Notification',
    MessageId: input.messageId,
    ...(input.sequenceNumber ? { SequenceNumber: input.sequenceNumber } : {}),
    TopicArn: input.topicArn,
    ...(input.subject !== undefined ? { Subject: input.subject } : {}),
    Message: input.message,
    Timestamp: timestamp,
    SignatureVersion: '1',
    Signature: signature,
    SigningCertURL: `${input.endpoint}/_workshop/sns/signing-key.pem`,
    UnsubscribeURL: `${input.endpoint}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(input.subscriptionArn)}`,
    ...(attributes.length > 0
      ? {
          MessageAttributes: Object.fromEntries(
            attributes.map(([name, a]) => [name, { Type: a.DataType, Value: a.DataType.startsWith('Binary') ? a.BinaryValue! : a.StringValue! }]),
          ),
        }
      : {}),
  };
}
