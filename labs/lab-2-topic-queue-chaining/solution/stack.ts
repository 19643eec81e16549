// #region step 0, replaced in step 1
// import { CfnOutput, Stack } from 'aws-cdk-lib';
// #endregion
// #region step 1, replaced in step 6
// import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
// #endregion
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib'; // #step 6
import * as iam from 'aws-cdk-lib/aws-iam'; // #step 2
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources'; // #step 4
import * as s3 from 'aws-cdk-lib/aws-s3'; // #step 6
import * as s3n from 'aws-cdk-lib/aws-s3-notifications'; // #step 6
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs'; // #step 1
import type { Construct } from 'constructs';
import type { LabStackProps } from '../../kit/lab.ts';
// #region step 0, replaced in step 4
// import { RideServices } from '../../lab-1-fan-out/ride-services.ts';
// #endregion
import { QueueConsumingRideServices } from '../queue-consumers.ts'; // #step 4

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
    // #region step 0, replaced in step 4
    // const services = new RideServices(this, 'RideServices', { prefix });
    // #endregion
    const services = new QueueConsumingRideServices(this, 'RideServices', { prefix }); // #step 4
    const topic = new sns.Topic(this, 'RideCompletionTopic', { topicName: `${prefix}-RideCompletionTopic` });
    new CfnOutput(this, 'TopicArn', { value: topic.topicArn });
    services.unicornManagement.addEnvironment('TOPIC_ARN', topic.topicArn);
    topic.grantPublish(services.unicornManagement);
    // Extraordinary rides: fare >= 50 AND distance >= 20.
    const extraordinaryRides = {
      fare: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 50 }),
      distance: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 20 }),
    };
    // #region step 0, replaced in step 3
    // topic.addSubscription(new subscriptions.LambdaSubscription(services.customerNotification));
    // topic.addSubscription(new subscriptions.LambdaSubscription(services.customerAccounting));
    // topic.addSubscription(new subscriptions.LambdaSubscription(services.extraordinaryRides, { filterPolicy: extraordinaryRides }));
    // #endregion

    // Step 1: a queue in front of each service, each with a dead-letter queue.
    // #region step 1
    const queueWithDeadLetters = (name: string) => {
      const deadLetterQueue = new sqs.Queue(this, `${name}DLQ`, {
        queueName: `${prefix}-${name}DLQ`,
        // Longer than the queue's own: a message's age counts from when it was first sent.
        retentionPeriod: Duration.days(14),
      });
      const queue = new sqs.Queue(this, name, {
        queueName: `${prefix}-${name}`,
        retentionPeriod: Duration.days(4),
        // At least six times the consumer's timeout (10 s), as AWS advises for Lambda consumers.
        visibilityTimeout: Duration.seconds(60),
        // A message received five times without being deleted moves to the dead-letter queue.
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 5 },
      });
      new CfnOutput(this, `${name}Url`, { value: queue.queueUrl });
      new CfnOutput(this, `${name}DLQUrl`, { value: deadLetterQueue.queueUrl });
      return queue;
    };
    const notificationQueue = queueWithDeadLetters('CustomerNotificationServiceQueue');
    const accountingQueue = queueWithDeadLetters('CustomerAccountingServiceQueue');
    const extraordinaryQueue = queueWithDeadLetters('ExtraordinaryRidesServiceQueue');
    // #endregion

    // Step 2: each queue accepts messages from this topic, and from nothing else.
    // #region step 2
    for (const queue of [notificationQueue, accountingQueue, extraordinaryQueue]) {
      queue.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': topic.topicArn } },
        }),
      );
    }
    // #endregion

    // Step 3: the topic delivers each ride to the queues as it is (raw), and parks in a
    // dead-letter queue what it cannot deliver.
    // #region step 3
    const undeliverable = new sqs.Queue(this, 'RideCompletionDeliveryDLQ', {
      queueName: `${prefix}-RideCompletionDeliveryDLQ`,
      retentionPeriod: Duration.days(14),
    });
    new CfnOutput(this, 'RideCompletionDeliveryDLQUrl', { value: undeliverable.queueUrl });
    const delivery = { rawMessageDelivery: true, deadLetterQueue: undeliverable };
    topic.addSubscription(new subscriptions.SqsSubscription(notificationQueue, delivery));
    topic.addSubscription(new subscriptions.SqsSubscription(accountingQueue, delivery));
    topic.addSubscription(new subscriptions.SqsSubscription(extraordinaryQueue, { ...delivery, filterPolicy: extraordinaryRides }));
    // #endregion

    // Step 4: each service consumes its queue in batches, and reports the messages it failed.
    // #region step 4
    services.customerNotification.addEventSource(
      new SqsEventSource(notificationQueue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 5 }),
    );
    services.customerAccounting.addEventSource(
      new SqsEventSource(accountingQueue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 5 }),
    );
    // Rewards are not urgent: gather up to 50 rides per invocation, waiting at most a second.
    services.extraordinaryRides.addEventSource(
      new SqsEventSource(extraordinaryQueue, {
        batchSize: 50,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: 2,
      }),
    );
    // #endregion

    // Step 5: a queue of partners' ride batches, which a worker (not a Lambda function) ingests.
    // #region step 5
    const batchQueue = queueWithDeadLetters('RideBatchQueue');
    // #endregion

    // Step 6: partners upload batch files to a bucket, which puts an event on the worker's queue.
    // #region step 6
    const batchBucket = new s3.Bucket(this, 'RideBatchBucket', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    batchBucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(batchQueue), { suffix: '.json' });
    new CfnOutput(this, 'RideBatchBucketName', { value: batchBucket.bucketName });
    // #endregion
  }
}
