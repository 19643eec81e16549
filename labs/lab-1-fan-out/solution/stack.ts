// #region step 0, replaced in step 1
// import { Stack } from 'aws-cdk-lib';
// #endregion
import { CfnOutput, Stack } from 'aws-cdk-lib'; // #step 1
import * as events from 'aws-cdk-lib/aws-events'; // #step 5
import * as targets from 'aws-cdk-lib/aws-events-targets'; // #step 5
import * as sns from 'aws-cdk-lib/aws-sns'; // #step 1
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions'; // #step 3
import * as sqs from 'aws-cdk-lib/aws-sqs'; // #step 5
import type { Construct } from 'constructs';
import type { LabStackProps } from '../../kit/lab.ts';
import { RideServices } from '../ride-services.ts';

/**
 * Lab 1, the stack you edit. It starts with the ride services; the steps of the lab page add a
 * topic between the Unicorn Management Service and its three subscribers.
 */
export class FanOutStack extends Stack {
  constructor(scope: Construct, id: string, props: LabStackProps) {
    super(scope, id, props);
    const services = new RideServices(this, 'RideServices', { prefix: props.prefix });

    // Step 1: a standard SNS topic for completed rides.
    // #region step 1
    const topic = new sns.Topic(this, 'RideCompletionTopic', {
      topicName: `${props.prefix}-RideCompletionTopic`,
    });
    new CfnOutput(this, 'TopicArn', { value: topic.topicArn });
    // #endregion

    // Step 2: the Unicorn Management Service publishes to it.
    // #region step 2
    services.unicornManagement.addEnvironment('TOPIC_ARN', topic.topicArn);
    topic.grantPublish(services.unicornManagement);
    // #endregion

    // Step 3: the three services subscribe to it.
    // #region step 3
    topic.addSubscription(new subscriptions.LambdaSubscription(services.customerNotification));
    topic.addSubscription(new subscriptions.LambdaSubscription(services.customerAccounting));
    // #endregion
    // #region step 3, replaced in step 4
    // topic.addSubscription(new subscriptions.LambdaSubscription(services.extraordinaryRides));
    // #endregion
    // #region step 4
    topic.addSubscription(
      new subscriptions.LambdaSubscription(services.extraordinaryRides, {
        // Both conditions must hold: fare >= 50 AND distance >= 20.
        filterPolicy: {
          fare: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 50 }),
          distance: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 20 }),
        },
      }),
    );
    // #endregion

    // Step 5 (bonus): the same routing with an EventBridge rule.
    // #region step 5
    const bus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    services.unicornManagement.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    bus.grantPutEventsTo(services.unicornManagement);
    const extraordinaryRideEvents = new sqs.Queue(this, 'ExtraordinaryRideEvents', {
      queueName: `${props.prefix}-ExtraordinaryRideEvents`,
    });
    new events.Rule(this, 'ExtraordinaryRidesRule', {
      ruleName: `${props.prefix}-ExtraordinaryRides`,
      eventPattern: {
        source: ['wildrydes.unicorn-management'],
        detailType: ['RideCompleted'],
        // Everyone in the account shares the default bus: match your own publisher's events only.
        resources: [services.unicornManagement.functionArn],
        detail: {
          fare: events.Match.greaterThanOrEqual(50),
          distance: events.Match.greaterThanOrEqual(20),
        },
      },
      targets: [new targets.SqsQueue(extraordinaryRideEvents)],
    });
    new CfnOutput(this, 'ExtraordinaryRideEventsQueueUrl', { value: extraordinaryRideEvents.queueUrl });
    // #endregion
  }
}
