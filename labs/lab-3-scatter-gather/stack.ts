import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { LabStackProps } from '../kit/lab.ts';
import { QuoteServices } from './quote-services.ts';

/**
 * Lab 3, the stack you edit. It starts with the API, the RidesBooking table and the services,
 * connected to nothing; the steps of the lab page scatter each request for quotes to ten
 * providers, gather their answers, and close each request once with the best quote.
 */
export class ScatterGatherStack extends Stack {
  constructor(scope: Construct, id: string, props: LabStackProps) {
    super(scope, id, props);
    const services = new QuoteServices(this, 'QuoteServices', { prefix: props.prefix });

    // Step 1 (scatter): one topic, ten providers subscribed to it.

    // Step 2 (gather): one queue for every answer, read by the Quotes Response Service.

    // Step 3: GET /query-instant-ride-rfq/{id}, the request with the quotes so far.

    // Step 4: the aggregator closes a request once everyone has answered, and notifies the customer.

    // Step 5: the deadline, a message to the aggregator that SQS delays until the deadline.
  }
}
