import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { LabStackProps } from '../kit/lab.ts';
import { RideServices } from '../lab-1-fan-out/ride-services.ts';

/**
 * Lab 2, the stack you edit. It starts as Lab 1 ended (its names carry "Lab2", so both labs can
 * be deployed side by side); the steps of the lab page put a queue between the topic and each
 * of its subscribers, then add a worker's queue and a bucket that feeds it.
 */
export class TopicQueueChainingStack extends Stack {
  constructor(scope: Construct, id: string, props: LabStackProps) {
    super(scope, id, props);
    const prefix = `${props.prefix}-Lab2`;

    // What Lab 1 built: the ride services, the topic the Unicorn Management Service publishes
    // each completed ride to, and the three services subscribed to it.
    const services = new RideServices(this, 'RideServices', { prefix });
    const topic = new sns.Topic(this, 'RideCompletionTopic', { topicName: `${prefix}-RideCompletionTopic` });
    new CfnOutput(this, 'TopicArn', { value: topic.topicArn });
    services.unicornManagement.addEnvironment('TOPIC_ARN', topic.topicArn);
    topic.grantPublish(services.unicornManagement);
    // Extraordinary rides: fare >= 50 AND distance >= 20.
    const extraordinaryRides = {
      fare: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 50 }),
      distance: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 20 }),
    };
    topic.addSubscription(new subscriptions.LambdaSubscription(services.customerNotification));
    topic.addSubscription(new subscriptions.LambdaSubscription(services.customerAccounting));
    topic.addSubscription(new subscriptions.LambdaSubscription(services.extraordinaryRides, { filterPolicy: extraordinaryRides }));

    // Step 1: a queue in front of each service, each with a dead-letter queue.

    // Step 2: each queue accepts messages from this topic, and from nothing else.

    // Step 3: the topic delivers each ride to the queues as it is (raw), and parks in a
    // dead-letter queue what it cannot deliver.

    // Step 4: each service consumes its queue in batches, and reports the messages it failed.

    // Step 5: a queue of partners' ride batches, which a worker (not a Lambda function) ingests.

    // Step 6: partners upload batch files to a bucket, which puts an event on the worker's queue.
  }
}
