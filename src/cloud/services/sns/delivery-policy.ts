import { invalid } from './validate.ts';

// AWS lets only HTTP/S subscriptions change how SNS retries: a DeliveryPolicy on the subscription
// (healthyRetryPolicy, throttlePolicy, requestPolicy) or on the topic (the same under "http", with
// "default" names and disableSubscriptionOverrides). Delays are whole seconds.

export type BackoffFunction = 'linear' | 'arithmetic' | 'geometric' | 'exponential';

/** The four phases of HTTP/S retries: immediate, pre-backoff (min delay), backoff, post-backoff (max delay). */
export interface RetryPolicy {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numMaxDelayRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  backoffFunction: BackoffFunction;
}

/** What decides one HTTP/S subscription's deliveries. */
export interface HttpDeliveryPolicy {
  retry: RetryPolicy;
  /** At most this many deliveries a second to the subscription; undefined: no throttling. */
  maxReceivesPerSecond?: number;
  /** Content-Type of notifications (AWS default: text/plain; charset=UTF-8). */
  contentType: string;
}

/** AWS: up to three retries, 20 seconds apart, when nothing else is set. */
export const DEFAULT_HTTP_RETRY_POLICY: RetryPolicy = {
  minDelayTarget: 20,
  maxDelayTarget: 20,
  numRetries: 3,
  numMaxDelayRetries: 0,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  backoffFunction: 'linear',
};

const BACKOFF_FUNCTIONS: BackoffFunction[] = ['linear', 'arithmetic', 'geometric', 'exponential'];
// The content types AWS accepts in requestPolicy.headerContentType.
const CONTENT_TYPES = [
  'application/atom+xml',
  'application/json',
  'application/octet-stream',
  'application/soap+xml',
  'application/x-www-form-urlencoded',
  'application/xhtml+xml',
  'application/xml',
  'text/css',
  'text/csv',
  'text/html',
  'text/plain',
  'text/xml',
];
// AWS: the whole retry schedule of an HTTP/S policy fits in an hour.
const MAX_TOTAL_RETRY_SECONDS = 3_600;

const bad = (reason: string) => invalid(`Invalid parameter: DeliveryPolicy: ${reason}`);

function object(value: unknown, path: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw bad(`${path} must be a JSON object`);
  return value as Record<string, unknown>;
}

function onlyKeys(value: Record<string, unknown>, allowed: string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      throw bad(`${path ? `${path}.` : ''}${key} is not a delivery policy field the local cloud knows (it knows ${allowed.join(', ')})`);
  }
}

function whole(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw bad(`${path} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`);
  return value;
}

function parseRetry(raw: unknown, path: string): RetryPolicy {
  const value = object(raw, path);
  onlyKeys(value, Object.keys(DEFAULT_HTTP_RETRY_POLICY), path);
  const policy = { ...DEFAULT_HTTP_RETRY_POLICY };
  if (value.numRetries !== undefined) policy.numRetries = whole(value.numRetries, `${path}.numRetries`, 0, 100);
  for (const key of ['numNoDelayRetries', 'numMinDelayRetries', 'numMaxDelayRetries'] as const)
    if (value[key] !== undefined) policy[key] = whole(value[key], `${path}.${key}`, 0);
  if (value.maxDelayTarget !== undefined)
    policy.maxDelayTarget = whole(value.maxDelayTarget, `${path}.maxDelayTarget`, 1, MAX_TOTAL_RETRY_SECONDS);
  if (value.minDelayTarget !== undefined)
    policy.minDelayTarget = whole(value.minDelayTarget, `${path}.minDelayTarget`, 1, policy.maxDelayTarget);
  if (policy.minDelayTarget > policy.maxDelayTarget) throw bad(`${path}.minDelayTarget must not exceed maxDelayTarget`);
  if (value.backoffFunction !== undefined) {
    if (!BACKOFF_FUNCTIONS.includes(value.backoffFunction as BackoffFunction))
      throw bad(`${path}.backoffFunction must be one of ${BACKOFF_FUNCTIONS.join(', ')}`);
    policy.backoffFunction = value.backoffFunction as BackoffFunction;
  }
  if (policy.numNoDelayRetries + policy.numMinDelayRetries + policy.numMaxDelayRetries > policy.numRetries) {
    throw bad(`${path}: numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries must not exceed numRetries`);
  }
  const total = retryDelays(policy).reduce((sum, delay) => sum + delay, 0);
  if (total > MAX_TOTAL_RETRY_SECONDS)
    throw bad(`${path}: the retries take ${Math.round(total)} seconds; AWS allows at most ${MAX_TOTAL_RETRY_SECONDS}`);
  return policy;
}

function parseThrottle(raw: unknown, path: string): number {
  const value = object(raw, path);
  onlyKeys(value, ['maxReceivesPerSecond'], path);
  return whole(value.maxReceivesPerSecond, `${path}.maxReceivesPerSecond`, 1);
}

function parseContentType(raw: unknown, path: string): string {
  const value = object(raw, path);
  onlyKeys(value, ['headerContentType'], path);
  const type = value.headerContentType;
  if (typeof type !== 'string' || !CONTENT_TYPES.includes(type.split(';')[0].trim().toLowerCase()))
    throw bad(`${path}.headerContentType must be one of ${CONTENT_TYPES.join(', ')}`);
  return type;
}

function parseJson(text: string): Record<string, unknown> {
  try {
    return object(JSON.parse(text), 'the policy');
  } catch (error) {
    if (error instanceof SyntaxError) throw bad('Invalid value. Value must be valid JSON');
    throw error;
  }
}

interface PolicyParts {
  retry?: RetryPolicy;
  maxReceivesPerSecond?: number;
  contentType?: string;
}

/** Reads a subscription's DeliveryPolicy; throws InvalidParameter naming what is wrong. */
export function parseSubscriptionDeliveryPolicy(text: string): PolicyParts {
  const value = parseJson(text);
  // AWS echoes "sicklyRetryPolicy": null and "guaranteed": false in effective policies; any other value is not emulated.
  onlyKeys(value, ['healthyRetryPolicy', 'throttlePolicy', 'requestPolicy', 'sicklyRetryPolicy', 'guaranteed'], '');
  if (value.sicklyRetryPolicy != null) throw bad('sicklyRetryPolicy is not supported by the local cloud');
  if (value.guaranteed !== undefined && value.guaranteed !== false) throw bad('guaranteed delivery is not supported by the local cloud');
  return {
    retry: value.healthyRetryPolicy != null ? parseRetry(value.healthyRetryPolicy, 'healthyRetryPolicy') : undefined,
    maxReceivesPerSecond: value.throttlePolicy != null ? parseThrottle(value.throttlePolicy, 'throttlePolicy') : undefined,
    contentType: value.requestPolicy != null ? parseContentType(value.requestPolicy, 'requestPolicy') : undefined,
  };
}

/** Reads a topic's DeliveryPolicy (`{"http": {...}}`); throws InvalidParameter naming what is wrong. */
export function parseTopicDeliveryPolicy(text: string): PolicyParts & { disableSubscriptionOverrides: boolean } {
  const value = parseJson(text);
  onlyKeys(value, ['http'], '');
  const http = value.http === undefined ? {} : object(value.http, 'http');
  onlyKeys(
    http,
    [
      'defaultHealthyRetryPolicy',
      'defaultThrottlePolicy',
      'defaultRequestPolicy',
      'disableSubscriptionOverrides',
      'defaultSicklyRetryPolicy',
    ],
    'http',
  );
  if (http.defaultSicklyRetryPolicy != null) throw bad('http.defaultSicklyRetryPolicy is not supported by the local cloud');
  if (http.disableSubscriptionOverrides !== undefined && typeof http.disableSubscriptionOverrides !== 'boolean')
    throw bad('http.disableSubscriptionOverrides must be true or false');
  return {
    retry:
      http.defaultHealthyRetryPolicy != null ? parseRetry(http.defaultHealthyRetryPolicy, 'http.defaultHealthyRetryPolicy') : undefined,
    maxReceivesPerSecond:
      http.defaultThrottlePolicy != null ? parseThrottle(http.defaultThrottlePolicy, 'http.defaultThrottlePolicy') : undefined,
    contentType: http.defaultRequestPolicy != null ? parseContentType(http.defaultRequestPolicy, 'http.defaultRequestPolicy') : undefined,
    disableSubscriptionOverrides: http.disableSubscriptionOverrides === true,
  };
}

/** The policy that applies: the subscription's, else the topic's, else AWS's defaults. */
export function effectiveHttpPolicy(topicPolicy: string | undefined, subscriptionPolicy: string | undefined): HttpDeliveryPolicy {
  const topic = topicPolicy ? parseTopicDeliveryPolicy(topicPolicy) : { disableSubscriptionOverrides: false };
  const subscription = subscriptionPolicy && !topic.disableSubscriptionOverrides ? parseSubscriptionDeliveryPolicy(subscriptionPolicy) : {};
  return {
    retry: subscription.retry ?? topic.retry ?? DEFAULT_HTTP_RETRY_POLICY,
    maxReceivesPerSecond: subscription.maxReceivesPerSecond ?? topic.maxReceivesPerSecond,
    contentType: subscription.contentType ?? topic.contentType ?? 'text/plain; charset=UTF-8',
  };
}

// AWS publishes the backoff functions only as curves from minDelayTarget to maxDelayTarget (a graph,
// plus jitter); these rise in the same order, from linear (steady) to exponential (late and steep).
const CURVES: Record<BackoffFunction, (progress: number) => number> = {
  linear: (p) => p,
  arithmetic: (p) => p * p,
  geometric: (p) => p * p * p,
  exponential: (p) => (2 ** (10 * p) - 1) / (2 ** 10 - 1),
};

/** The delay in seconds before each retry, in order: as many as numRetries. */
export function retryDelays(policy: RetryPolicy): number[] {
  const { minDelayTarget: min, maxDelayTarget: max } = policy;
  const backoff = policy.numRetries - policy.numNoDelayRetries - policy.numMinDelayRetries - policy.numMaxDelayRetries;
  const curve = CURVES[policy.backoffFunction];
  return [
    ...Array<number>(policy.numNoDelayRetries).fill(0),
    ...Array<number>(policy.numMinDelayRetries).fill(min),
    ...Array.from({ length: Math.max(0, backoff) }, (_, i) => min + (max - min) * curve(backoff === 1 ? 1 : i / (backoff - 1))),
    ...Array<number>(policy.numMaxDelayRetries).fill(max),
  ];
}

/** The JSON AWS shows as a subscription's EffectiveDeliveryPolicy. */
export function describeEffectivePolicy(policy: HttpDeliveryPolicy): string {
  return JSON.stringify({
    healthyRetryPolicy: policy.retry,
    sicklyRetryPolicy: null,
    throttlePolicy: policy.maxReceivesPerSecond !== undefined ? { maxReceivesPerSecond: policy.maxReceivesPerSecond } : null,
    requestPolicy: { headerContentType: policy.contentType },
    guaranteed: false,
  });
}
