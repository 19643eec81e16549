// #region step 0, replaced in step 1
// import { Stack } from 'aws-cdk-lib';
// #endregion
// #region step 1, replaced in step 3
// import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
// #endregion
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib'; // #step 3
import * as kinesis from 'aws-cdk-lib/aws-kinesis'; // #step 3
import * as lambda from 'aws-cdk-lib/aws-lambda'; // #step 4
// #region step 2, replaced in step 4
// import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
// #endregion
import { KinesisEventSource, type KinesisEventSourceProps, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources'; // #step 4
import * as sns from 'aws-cdk-lib/aws-sns'; // #step 1
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions'; // #step 1
import * as sqs from 'aws-cdk-lib/aws-sqs'; // #step 1
import type { Construct } from 'constructs';
import type { LabStackProps } from '../../kit/lab.ts';
import { WildRydesServices } from '../services.ts';

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
    // #region step 1
    const rideEvents = new sns.Topic(this, 'RideEventsTopic', {
      topicName: `${props.prefix}-RideEvents.fifo`,
      fifo: true,
      // A message whose body was already published in the last 5 minutes is dropped.
      contentBasedDeduplication: true,
    });
    // The dead-letter queue of a FIFO queue must be a FIFO queue too.
    const ledgerDeadLetters = new sqs.Queue(this, 'RideLedgerDLQ', {
      queueName: `${props.prefix}-RideLedgerDLQ.fifo`,
      fifo: true,
      retentionPeriod: Duration.days(14),
    });
    const ledgerQueue = new sqs.Queue(this, 'RideLedgerQueue', {
      queueName: `${props.prefix}-RideLedgerQueue.fifo`,
      fifo: true,
      visibilityTimeout: Duration.seconds(60),
      deadLetterQueue: { queue: ledgerDeadLetters, maxReceiveCount: 3 },
    });
    rideEvents.addSubscription(new subscriptions.SqsSubscription(ledgerQueue, { rawMessageDelivery: true }));
    // Receipts are sent when a ride ends: this queue gets the dropped-off events only.
    const receiptsQueue = new sqs.Queue(this, 'RideReceiptsQueue', {
      queueName: `${props.prefix}-RideReceiptsQueue.fifo`,
      fifo: true,
    });
    rideEvents.addSubscription(
      new subscriptions.SqsSubscription(receiptsQueue, {
        rawMessageDelivery: true,
        filterPolicyWithMessageBody: {
          type: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.stringFilter({ allowlist: ['dropped-off'] })),
        },
      }),
    );
    new CfnOutput(this, 'RideEventsTopicArn', { value: rideEvents.topicArn });
    new CfnOutput(this, 'RideLedgerQueueUrl', { value: ledgerQueue.queueUrl });
    new CfnOutput(this, 'RideLedgerDLQUrl', { value: ledgerDeadLetters.queueUrl });
    new CfnOutput(this, 'RideReceiptsQueueUrl', { value: receiptsQueue.queueUrl });
    // #endregion

    // Step 2: the Ride Ledger Service reads its queue, one message at a time.
    // #region step 2
    services.rideLedger.addEnvironment('QUEUE_URL', ledgerQueue.queueUrl);
    services.rideLedger.addEventSource(new SqsEventSource(ledgerQueue, { batchSize: 1 }));
    // #endregion

    // Step 3: a Kinesis data stream of unicorn telemetry, keyed by unicorn.
    // #region step 3
    const telemetry = new kinesis.Stream(this, 'UnicornTelemetryStream', {
      streamName: `${props.prefix}-UnicornTelemetry`,
      streamMode: kinesis.StreamMode.PROVISIONED,
      shardCount: 2,
      retentionPeriod: Duration.hours(24),
      // The local cloud does not encrypt streams at rest; on AWS, StreamEncryption.MANAGED does.
      encryption: kinesis.StreamEncryption.UNENCRYPTED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new CfnOutput(this, 'TelemetryStreamName', { value: telemetry.streamName });
    // #endregion

    // Step 4: the Unicorn Distance Service reads the stream through an event source mapping.
    // #region step 4
    const telemetryFailures = new sqs.Queue(this, 'TelemetryFailures', {
      queueName: `${props.prefix}-TelemetryFailures`,
      retentionPeriod: Duration.days(14),
    });
    const distanceReading: KinesisEventSourceProps = {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON, // every record the stream still holds
      batchSize: 100,
      bisectBatchOnError: true, // split a failing batch in two, again, until the bad record is alone
      retryAttempts: 2, // then retry it twice…
      onFailure: new SqsDlq(telemetryFailures), // …note where it is, and move on
    };
    services.unicornDistance.addEventSource(new KinesisEventSource(telemetry, distanceReading));
    new CfnOutput(this, 'TelemetryFailuresQueueUrl', { value: telemetryFailures.queueUrl });
    // #endregion

    // Step 5: a second reader of the same records, with its own position and settings.
    // #region step 5
    services.unicornLocator.addEventSource(
      new KinesisEventSource(telemetry, {
        startingPosition: lambda.StartingPosition.LATEST, // only what arrives from now on
        batchSize: 10,
        retryAttempts: 2,
        onFailure: new SqsDlq(telemetryFailures),
      }),
    );
    // #endregion

    // Step 6: replay the stream from its start, into a table of its own.
    services.unicornDistanceReplay.addEventSource(new KinesisEventSource(telemetry, distanceReading)); // #step 6
  }
}
