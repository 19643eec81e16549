// #region step 0, replaced in step 1
// import { Stack } from 'aws-cdk-lib';
// #endregion
// #region step 1, replaced in step 2
// import { CfnOutput, Stack } from 'aws-cdk-lib';
// #endregion
// #region step 2, replaced in step 5
// import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
// #endregion
import { CfnOutput, CfnParameter, Duration, Stack } from 'aws-cdk-lib'; // #step 5
import * as apigateway from 'aws-cdk-lib/aws-apigateway'; // #step 3
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources'; // #step 2
import * as sns from 'aws-cdk-lib/aws-sns'; // #step 1
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions'; // #step 1
import * as sqs from 'aws-cdk-lib/aws-sqs'; // #step 2
import type { Construct } from 'constructs';
import type { LabStackProps } from '../../kit/lab.ts';
import { QuoteServices } from '../quote-services.ts';

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
    // #region step 1
    const topic = new sns.Topic(this, 'RequestForQuotesTopic', {
      topicName: `${props.prefix}-RequestForQuotesTopic`,
    });
    services.requestService.addEnvironment('TOPIC_ARN', topic.topicArn);
    topic.grantPublish(services.requestService);
    for (const provider of services.providers) {
      topic.addSubscription(new subscriptions.LambdaSubscription(provider));
    }
    new CfnOutput(this, 'TopicArn', { value: topic.topicArn });
    // #endregion

    // Step 2 (gather): one queue for every answer, read by the Quotes Response Service.
    // #region step 2
    const responses = new sqs.Queue(this, 'RequestForQuotesResponseQueue', {
      queueName: `${props.prefix}-RequestForQuotesResponseQueue`,
      // Six times the consumer's timeout (10 s): a batch being stored stays out of sight meanwhile.
      visibilityTimeout: Duration.seconds(60),
      // An answer that cannot be stored after five tries waits here instead of being lost.
      deadLetterQueue: {
        maxReceiveCount: 5,
        queue: new sqs.Queue(this, 'RequestForQuotesResponseDLQ', {
          queueName: `${props.prefix}-RequestForQuotesResponseDLQ`,
          retentionPeriod: Duration.days(14),
        }),
      },
    });
    for (const provider of services.providers) {
      provider.addEnvironment('RESPONSE_QUEUE_URL', responses.queueUrl);
      responses.grantSendMessages(provider);
    }
    services.quotesResponseService.addEventSource(new SqsEventSource(responses, { batchSize: 10, reportBatchItemFailures: true }));
    new CfnOutput(this, 'ResponseQueueUrl', { value: responses.queueUrl });
    // #endregion

    // Step 3: GET /query-instant-ride-rfq/{id}, the request with the quotes so far.
    // #region step 3
    services.api.root
      .addResource('query-instant-ride-rfq')
      .addResource('{id}')
      .addMethod('GET', new apigateway.LambdaIntegration(services.queryService));
    new CfnOutput(this, 'QueryRfqUrl', { value: services.api.urlForPath('/query-instant-ride-rfq') });
    // #endregion

    // Step 4: the aggregator closes a request once everyone has answered, and notifies the customer.
    // #region step 4
    const closeRequests = new sqs.Queue(this, 'QuoteAggregatorQueue', {
      queueName: `${props.prefix}-QuoteAggregatorQueue`,
      visibilityTimeout: Duration.seconds(60),
      deadLetterQueue: {
        maxReceiveCount: 5,
        queue: new sqs.Queue(this, 'QuoteAggregatorDLQ', {
          queueName: `${props.prefix}-QuoteAggregatorDLQ`,
          retentionPeriod: Duration.days(14),
        }),
      },
    });
    services.quotesResponseService.addEnvironment('AGGREGATOR_QUEUE_URL', closeRequests.queueUrl);
    closeRequests.grantSendMessages(services.quotesResponseService);
    services.aggregator.addEventSource(new SqsEventSource(closeRequests, { batchSize: 10, reportBatchItemFailures: true }));
    const notifications = new sns.Topic(this, 'CustomerNotificationTopic', {
      topicName: `${props.prefix}-CustomerNotificationTopic`,
    });
    services.aggregator.addEnvironment('NOTIFICATION_TOPIC_ARN', notifications.topicArn);
    notifications.grantPublish(services.aggregator);
    notifications.addSubscription(new subscriptions.LambdaSubscription(services.quoteNotification));
    new CfnOutput(this, 'AggregatorQueueUrl', { value: closeRequests.queueUrl });
    new CfnOutput(this, 'NotificationTopicArn', { value: notifications.topicArn });
    // #endregion

    // Step 5: the deadline, a message to the aggregator that SQS delays until the deadline.
    // #region step 5
    const deadline = new CfnParameter(this, 'DeadlineSeconds', {
      type: 'Number',
      description: 'How long a request for quotes waits for answers before it closes with what arrived.',
      default: 30,
      minValue: 1,
      // SQS delays a message by at most 900 seconds (15 minutes).
      maxValue: 900,
    });
    services.requestService.addEnvironment('DEADLINE_SECONDS', deadline.valueAsString);
    services.requestService.addEnvironment('AGGREGATOR_QUEUE_URL', closeRequests.queueUrl);
    closeRequests.grantSendMessages(services.requestService);
    // #endregion
  }
}
