import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { LabStackProps } from '../kit/lab.ts';
import { RideServices } from './ride-services.ts';

/**
 * Lab 1, the stack you edit. It starts with the ride services; the steps of the lab page add a
 * topic between the Unicorn Management Service and its three subscribers.
 */
export class FanOutStack extends Stack {
  constructor(scope: Construct, id: string, props: LabStackProps) {
    super(scope, id, props);
    const services = new RideServices(this, 'RideServices', { prefix: props.prefix });

    // Step 1: a standard SNS topic for completed rides.

    // Step 2: the Unicorn Management Service publishes to it.

    // Step 3: the three services subscribe to it.

    // Step 5 (bonus): the same routing with an EventBridge rule.
  }
}
