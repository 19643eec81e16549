import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { LabStackProps } from '../kit/lab.ts';
import { WildRydesServices } from './services.ts';

/**
 * Lab 5, the stack you edit. It starts with four services and their tables; the steps of the lab
 * page feed ride events to the first through an SNS FIFO topic and SQS FIFO queues, and unicorn
 * telemetry to the other three through a Kinesis data stream.
 */
export class MessagingAndStreamingStack extends Stack {
  constructor(scope: Construct, id: string, props: LabStackProps) {
    super(scope, id, props);
    const services = new WildRydesServices(this, 'Services', { prefix: props.prefix });

    // Step 1: an SNS FIFO topic for ride events, feeding SQS FIFO queues.

    // Step 2: the Ride Ledger Service reads its queue, one message at a time.

    // Step 3: a Kinesis data stream of unicorn telemetry, keyed by unicorn.

    // Step 4: the Unicorn Distance Service reads the stream through an event source mapping.

    // Step 5: a second reader of the same records, with its own position and settings.

    // Step 6: replay the stream from its start, into a table of its own.
  }
}
