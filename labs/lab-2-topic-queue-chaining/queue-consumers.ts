import { CfnOutput } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { RideServices, type RideServicesProps } from '../lab-1-fan-out/ride-services.ts';

/**
 * Lab 1's ride services, whose three subscriber services now consume SQS batches (the handlers
 * in ./functions) instead of being invoked by SNS: the same functions, with new code. They also
 * read a failure switch, an SSM parameter with which the lab makes them fail a share of rides on
 * purpose, to show retries, the dead-letter queues and the way back from them.
 */
export class QueueConsumingRideServices extends RideServices {
  /** `{"<service>": <percent of rides it fails>}`; `{}` fails nothing. */
  readonly failureSwitch: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: RideServicesProps) {
    super(scope, id, props);
    this.failureSwitch = new ssm.StringParameter(this, 'FailureSwitch', {
      parameterName: `/${props.prefix}/consumer-failure-switch`,
      description:
        'Wild Rydes Lab 2: the share of rides (in %) each consumer service fails on purpose, e.g. {"CustomerAccountingService": 30}',
      stringValue: '{}',
    });
    for (const consumer of [this.customerNotification, this.customerAccounting, this.extraordinaryRides]) {
      consumer.addEnvironment('FAILURE_SWITCH', this.failureSwitch.parameterName);
      this.failureSwitch.grantRead(consumer);
    }
    new CfnOutput(scope, 'FailureSwitchParameterName', { value: this.failureSwitch.parameterName });
  }

  protected override subscriberEntry(file: string): string {
    return new URL(`./functions/${file}`, import.meta.url).pathname;
  }
}
