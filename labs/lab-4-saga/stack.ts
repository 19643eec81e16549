import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { LabStackProps } from '../kit/lab.ts';
import { FareServices } from './fare-services.ts';

/**
 * Lab 4, the stack you edit: the fare-collection saga. It starts with the payment services and a
 * Standard state machine of one Pass state; the steps of the lab page build the saga around them.
 */
export class FareProcessingStack extends Stack {
  constructor(scope: Construct, id: string, props: LabStackProps) {
    super(scope, id, props);
    const services = new FareServices(this, 'FareServices', { prefix: props.prefix });

    // Step 1: the Fares table, one item per fare (and never the card data).

    // Step 4: the topic that tells the rest of Wild Rydes how each fare ended, a queue per outcome.

    // Step 5: where a refund that failed waits for a human, and the alarm that calls one.

    // The saga's states, in the order a good fare meets them.
    const registerFare = new sfn.Pass(this, 'RegisterFare');

    // The compensation path: undo what was done, say so, and end in failure.

    // Retries, then catches: an error a retrier matches is retried first; what is left is caught.

    // The transitions: the happy path, then the way out of every failure.

    // A Standard state machine: exactly-once steps, executions up to a year, a history of each.
    const stateMachine = new sfn.StateMachine(this, 'FareProcessingStateMachine', {
      stateMachineName: `${props.prefix}-FareProcessingStateMachine`,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(registerFare),
    });
    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn });
  }
}
