import { AccountCreditException, fareRequest, forcedFailure, log } from './payments.ts';

/** Credits the fare to the unicorn's side of the customer's Wild Rydes account. */
export const handler = async (event: unknown) => {
  const request = fareRequest(event);
  const failure = forcedFailure(request.customerId);
  if (failure === 'credit' || failure === 'refund') {
    throw new AccountCreditException(
      `The account of customer ${request.customerId} could not be credited with ${request.fareAmount} for fare ${request.fareId}.`,
    );
  }
  const creditId = `cr_${request.fareId}`;
  log('CreditCustomerAccount', 'credited', request, { creditId });
  return { creditId };
};
