import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_HTTP_RETRY_POLICY, effectiveHttpPolicy, retryDelays } from './delivery-policy.ts';

test('AWS default for HTTP/S: three retries, 20 seconds apart', () => {
  assert.deepEqual(retryDelays(DEFAULT_HTTP_RETRY_POLICY), [20, 20, 20]);
  assert.deepEqual(effectiveHttpPolicy(undefined, undefined), {
    retry: DEFAULT_HTTP_RETRY_POLICY,
    maxReceivesPerSecond: undefined,
    contentType: 'text/plain; charset=UTF-8',
  });
});

test('the four phases come in order: immediate, pre-backoff, backoff, post-backoff', () => {
  const policy = {
    ...DEFAULT_HTTP_RETRY_POLICY,
    numRetries: 8,
    numNoDelayRetries: 2,
    numMinDelayRetries: 1,
    numMaxDelayRetries: 2,
    minDelayTarget: 2,
    maxDelayTarget: 10,
  };
  assert.deepEqual(retryDelays(policy), [0, 0, 2, 2, 6, 10, 10, 10]);
});

test('a subscription policy overrides the topic, unless the topic disables overrides', () => {
  const topic = JSON.stringify({
    http: { defaultHealthyRetryPolicy: { numRetries: 1 }, defaultThrottlePolicy: { maxReceivesPerSecond: 5 } },
  });
  const subscription = JSON.stringify({ healthyRetryPolicy: { numRetries: 7 } });
  assert.equal(effectiveHttpPolicy(topic, subscription).retry.numRetries, 7);
  assert.equal(effectiveHttpPolicy(topic, subscription).maxReceivesPerSecond, 5);
  const locked = JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 1 }, disableSubscriptionOverrides: true } });
  assert.equal(effectiveHttpPolicy(locked, subscription).retry.numRetries, 1);
});
