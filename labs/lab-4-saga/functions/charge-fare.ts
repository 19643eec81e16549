import { fareRequest, forcedFailure, log, PaymentAuthException, PaymentChargeException } from './payments.ts';

/**
 * Charges the fare to the customer's card. A real payment provider takes an idempotency key, so a
 * request that arrives twice charges once: here the charge id is derived from the fare id.
 */
export const handler = async (event: unknown) => {
  const request = fareRequest(event, 'cc', 'expiryDate', 'cvv');
  // Never log card data: only its last four digits.
  const card = `•••• ${request.cc!.replace(/\s/g, '').slice(-4)}`;
  const failure = forcedFailure(request.customerId);
  if (failure === 'auth')
    throw new PaymentAuthException(`The card issuer declined to authorise ${request.fareAmount} on ${card} for fare ${request.fareId}.`);
  if (failure === 'charge')
    throw new PaymentChargeException(`Charging ${request.fareAmount} on ${card} failed for fare ${request.fareId}.`);
  const chargeId = `ch_${request.fareId}`;
  log('ChargeFare', 'charged', request, { chargeId, card });
  return { chargeId };
};
