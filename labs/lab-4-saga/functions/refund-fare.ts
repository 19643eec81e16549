import { fareRequest, forcedFailure, log, PaymentRefundException } from './payments.ts';

/** Refunds a charge: the compensation of ChargeFare when a later step of the saga fails. */
export const handler = async (event: unknown) => {
  const request = fareRequest(event, 'chargeId');
  if (forcedFailure(request.customerId) === 'refund') {
    throw new PaymentRefundException(
      `The refund of charge ${request.chargeId} (${request.fareAmount}, fare ${request.fareId}) failed at the payment provider.`,
    );
  }
  const refundId = `rf_${request.fareId}`;
  log('RefundFare', 'refunded', request, { chargeId: request.chargeId, refundId });
  return { refundId };
};
