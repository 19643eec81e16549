// What the three payment functions share: the fare they receive, the errors they throw, and the
// rule that lets a learner force a failure with the customer id.

/** The part of a fare request a payment function receives (the state machine passes only these). */
export interface FareRequest {
  fareId: string;
  customerId: string;
  fareAmount: string;
  /** Card data reaches ChargeFare only, and is never stored or logged. */
  cc?: string;
  expiryDate?: string;
  cvv?: string;
  /** What ChargeFare answered: RefundFare needs it to refund that charge. */
  chargeId?: string;
}

// Step Functions matches Retry and Catch `ErrorEquals` against the error's name, which Lambda
// reports as the error type: each error class sets `name`.

/** The card issuer refused to authorise the payment. */
export class PaymentAuthException extends Error {
  override name = 'PaymentAuthException';
}

/** The payment was authorised, but taking the money failed. */
export class PaymentChargeException extends Error {
  override name = 'PaymentChargeException';
}

/** The customer's Wild Rydes account could not be credited. */
export class AccountCreditException extends Error {
  override name = 'AccountCreditException';
}

/** The refund of a charge failed: someone has to give the money back by hand. */
export class PaymentRefundException extends Error {
  override name = 'PaymentRefundException';
}

/** A request the function cannot work with; not caught by the saga, so it shows as a failed execution. */
export class InvalidFareRequest extends Error {
  override name = 'InvalidFareRequest';
}

/**
 * Failures a learner can force with the customer id's suffix: `3_fail_auth`, `3_fail_charge`,
 * `3_fail_credit` and `3_fail_refund`. A refund only happens after a failed credit, so a
 * `_fail_refund` customer's credit fails too.
 */
export function forcedFailure(customerId: string): 'auth' | 'charge' | 'credit' | 'refund' | undefined {
  return /_fail_(auth|charge|credit|refund)$/.exec(customerId)?.[1] as 'auth' | 'charge' | 'credit' | 'refund' | undefined;
}

/** Checks the fields every payment function needs, and returns the request. */
export function fareRequest(event: unknown, ...extra: (keyof FareRequest)[]): FareRequest {
  const request = (event ?? {}) as Record<string, unknown>;
  for (const field of ['fareId', 'customerId', 'fareAmount', ...extra]) {
    if (typeof request[field] !== 'string' || request[field] === '')
      throw new InvalidFareRequest(`The request has no "${field}" (a non-empty string).`);
  }
  return request as unknown as FareRequest;
}

/** One JSON line per action, which the page and the snippets read from CloudWatch Logs. */
export function log(service: string, action: string, request: FareRequest, extra: Record<string, unknown> = {}): void {
  console.log(
    JSON.stringify({ service, action, fareId: request.fareId, customerId: request.customerId, fareAmount: request.fareAmount, ...extra }),
  );
}
