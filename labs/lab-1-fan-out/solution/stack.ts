import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { LabStackProps } from '../../kit/lab.ts';
import { RideServices } from '../ride-services.ts';

/** Lab 1 solved up to `step`: step 0 is the starter, step 4 the whole lab, step 5 the EventBridge bonus. */
export class FanOutSolutionStack extends Stack {
  constructor(scope: Construct, id: string, props: LabStackProps & { step: number }) {
    super(scope, id, props);
    const services = new RideServices(this, 'RideServices', { prefix: props.prefix });
    if (props.step < 1) return;

    // #region step-1
    // A standard topic: every completed ride is published once and fanned out to all subscribers.
    const topic = new sns.Topic(this, 'RideCompletionTopic', {
      topicName: `${props.prefix}-RideCompletionTopic`,
    });
    new CfnOutput(this, 'TopicArn', { value: topic.topicArn });
    // #endregion step-1
    if (props.step < 2) return;

    // #region step-2
    // The publisher learns where to publish, and is allowed to (sns:Publish on this topic only).
    services.unicornManagement.addEnvironment('TOPIC_ARN', topic.topicArn);
    topic.grantPublish(services.unicornManagement);
    // #endregion step-2
    if (props.step < 3) return;

    // #region step-4
    // Only rides with fare >= 50 AND distance >= 20 (both conditions) reach Extraordinary Rides.
    const extraordinaryRidesOnly = {
      fare: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 50 }),
      distance: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 20 }),
    };
    // #endregion step-4

    // #region step-3
    // Each Lambda subscription also grants SNS permission to invoke its function.
    topic.addSubscription(new subscriptions.LambdaSubscription(services.customerNotification));
    topic.addSubscription(new subscriptions.LambdaSubscription(services.customerAccounting));
    topic.addSubscription(
      new subscriptions.LambdaSubscription(services.extraordinaryRides, {
        filterPolicy: props.step >= 4 ? extraordinaryRidesOnly : undefined,
      }),
    );
    // #endregion step-3
    if (props.step < 5) return;

    // #region step-5
    // Bonus: the same routing with EventBridge. The publisher also puts each ride on the default
    // event bus; a rule with the same conditions as the filter policy sends matches to a queue.
    const bus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    services.unicornManagement.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    bus.grantPutEventsTo(services.unicornManagement);
    const extraordinaryRideEvents = new sqs.Queue(this, 'ExtraordinaryRideEvents', {
      queueName: `${props.prefix}-ExtraordinaryRideEvents`,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new events.Rule(this, 'ExtraordinaryRidesRule', {
      ruleName: `${props.prefix}-ExtraordinaryRides`,
      eventPattern: {
        source: ['wildrydes.unicorn-management'],
        detailType: ['RideCompleted'],
        detail: { fare: events.Match.greaterThanOrEqual(50), distance: events.Match.greaterThanOrEqual(20) },
      },
      targets: [new targets.SqsQueue(extraordinaryRideEvents)],
    });
    new CfnOutput(this, 'ExtraordinaryRideEventsQueueUrl', { value: extraordinaryRideEvents.queueUrl });
    // #endregion step-5
  }
}
