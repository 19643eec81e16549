import http from 'node:http';
import https from 'node:https';
import { type HttpDeliveryPolicy, retryDelays } from './delivery-policy.ts';

/** One POST SNS makes to a subscriber's URL. */
export interface EndpointRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** How one POST went. */
export type Attempt = { ok: true; status: number } | { ok: false; retryable: boolean; reason: string };

/** How a delivery ended, after its retries. */
export type Outcome = { ok: true; status: number; attempts: number } | { ok: false; reason: string; attempts: number; cancelled?: boolean };

export interface HttpDeliveryOptions {
  /** Local milliseconds that stand for one second of a delivery policy's delays (AWS: 1,000). */
  delayMsPerSecond: number;
  /** How long one POST may take before it counts as failed (AWS: 15 s). */
  timeoutMs: number;
}

/** What SNS sends with every POST, whatever the message type (AWS documents these headers). */
export function snsHeaders(
  type: 'Notification' | 'SubscriptionConfirmation',
  messageId: string,
  topicArn: string,
  contentType: string,
): Record<string, string> {
  return {
    'content-type': contentType,
    'user-agent': 'Amazon Simple Notification Service Agent',
    'x-amz-sns-message-type': type,
    'x-amz-sns-message-id': messageId,
    'x-amz-sns-topic-arn': topicArn,
  };
}

// Node's HTTPS client verifies certificates against its trusted authorities, as SNS does; a local
// CA can be added with NODE_EXTRA_CA_CERTS.
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function describeError(error: NodeJS.ErrnoException, url: URL): string {
  const code = error.code ?? '';
  if (CERTIFICATE_ERRORS.has(code)) {
    return `the HTTPS certificate of ${url.host} is not trusted: ${error.message} (${code}). SNS delivers only to endpoints whose certificate a trusted certificate authority signed; a self-signed certificate fails.`;
  }
  if (code === 'ECONNREFUSED') return `connection refused by ${url.host}: nothing listens there`;
  if (code === 'ENOTFOUND') return `the host ${url.hostname} was not found`;
  return `${error.message}${code ? ` (${code})` : ''}`;
}

/** POSTs once. A 2xx answer is a delivery; AWS retries 5xx, 429, timeouts and connection errors, and treats any other answer as a permanent failure. */
export function postOnce(request: EndpointRequest, timeoutMs: number, signal: AbortSignal): Promise<Attempt> {
  const url = new URL(request.url);
  return new Promise((resolve) => {
    const client = url.protocol === 'https:' ? https : http;
    // Redirects are not followed: SNS posts to the URL as subscribed.
    const req = client.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      signal,
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'SNS_TIMEOUT' })), timeoutMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      res.resume();
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) resolve({ ok: true, status });
      else
        resolve({
          ok: false,
          retryable: status >= 500 || status === 429,
          reason: `the endpoint answered HTTP ${status}${status >= 500 || status === 429 ? '' : ' (not retried: AWS retries only 5xx and 429 answers)'}`,
        });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'SNS_TIMEOUT') resolve({ ok: false, retryable: true, reason: `no answer within ${timeoutMs} ms` });
      else resolve({ ok: false, retryable: true, reason: describeError(error, url) });
    });
    req.end(request.body);
  });
}

/** Hooks a delivery reports through. */
export interface DeliveryHooks {
  /** False once the subscription is gone (unsubscribed, reset): retries stop. */
  stillWanted(): boolean;
  /** Called after a failed attempt, before waiting `delayMs` for the next. */
  onRetry(attempt: number, reason: string, delayMs: number): void;
}

/**
 * Delivers to HTTP/S endpoints as SNS does: one POST, then the retries of the delivery policy
 * (immediate, pre-backoff, backoff, post-backoff), throttled to the policy's rate.
 */
export class HttpDeliveries {
  private readonly aborts = new AbortController();
  private readonly waits = new Map<NodeJS.Timeout, () => void>();
  // Throttling: when each subscription may receive its next POST.
  private readonly nextSlot = new Map<string, number>();

  constructor(private readonly options: HttpDeliveryOptions) {}

  async deliver(key: string, request: EndpointRequest, policy: HttpDeliveryPolicy, hooks: DeliveryHooks): Promise<Outcome> {
    const delays = retryDelays(policy.retry);
    for (let attempt = 1; ; attempt++) {
      await this.throttle(key, policy.maxReceivesPerSecond);
      if (this.aborts.signal.aborted) return { ok: false, reason: 'the local cloud stopped', attempts: attempt - 1, cancelled: true };
      const result = await postOnce(request, this.options.timeoutMs, this.aborts.signal);
      if (this.aborts.signal.aborted) return { ok: false, reason: 'the local cloud stopped', attempts: attempt, cancelled: true };
      if (result.ok) return { ...result, attempts: attempt };
      const delay = delays[attempt - 1];
      if (!result.retryable || delay === undefined)
        return {
          ok: false,
          reason: result.retryable ? `${result.reason}; gave up after ${attempt} attempts` : result.reason,
          attempts: attempt,
        };
      const delayMs = Math.round(delay * this.options.delayMsPerSecond);
      hooks.onRetry(attempt, result.reason, delayMs);
      await this.sleep(delayMs);
      if (this.aborts.signal.aborted) return { ok: false, reason: 'the local cloud stopped', attempts: attempt, cancelled: true };
      if (!hooks.stillWanted()) return { ok: false, reason: 'the subscription was removed', attempts: attempt, cancelled: true };
    }
  }

  /** Ends every wait and POST under way; used when the cloud stops. */
  shutdown(): void {
    this.aborts.abort();
    for (const [timer, resolve] of this.waits) {
      clearTimeout(timer);
      resolve();
    }
    this.waits.clear();
  }

  private async throttle(key: string, perSecond: number | undefined): Promise<void> {
    if (perSecond === undefined) return;
    const now = Date.now();
    const at = Math.max(now, this.nextSlot.get(key) ?? 0);
    // Slots in the past throttle nothing: drop them rather than keep one per subscription ever seen.
    for (const [other, slot] of this.nextSlot) if (slot <= now) this.nextSlot.delete(other);
    this.nextSlot.set(key, at + 1_000 / perSecond);
    if (at > now) await this.sleep(at - now);
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.aborts.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waits.delete(timer);
        resolve();
      }, ms);
      this.waits.set(timer, resolve);
    });
  }
}
