// CDK stacks built from the constructs Labs 2 to 5 will use (see LABS.md), so the local
// CloudFormation (and, for Lab 4, Step Functions) is proven against what those labs will
// synthesize before they are written.
// Each takes a `variant`: 0 is the first deploy, 1 the same stack with a one-line change.
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

// The CDK's template validation costs seconds per process; the local CloudFormation validates.
process.env.CDK_VALIDATION ??= 'false';

export interface LabStackProps {
  stackName: string;
  prefix: string;
  variant: 0 | 1;
}

/** A tiny inline handler: no bundling, so synthesis stays in milliseconds. */
function inlineFunction(scope: Construct, id: string, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_LATEST,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async (event) => ({ batchItemFailures: [], received: event });'),
    timeout: Duration.seconds(10),
    ...props,
  });
}

/** Lab 2: topic-queue chaining with DLQs, queue policies, raw delivery, filters and SQS mappings. */
export function lab2Stack(app: App, { stackName, prefix, variant }: LabStackProps): Stack {
  const stack = new Stack(app, stackName, { stackName, env: { region: 'us-east-1' } });
  const topic = new sns.Topic(stack, 'RideCompletionTopic', { topicName: `${prefix}-RideCompletionTopic` });
  const services = ['CustomerAccountingService', 'CustomerNotificationService', 'ExtraordinaryRidesService'];
  for (const service of services) {
    const dlq = new sqs.Queue(stack, `${service}DLQ`, { queueName: `${prefix}-${service}DLQ`, retentionPeriod: Duration.days(14) });
    const queue = new sqs.Queue(stack, `${service}Queue`, {
      queueName: `${prefix}-${service}Queue`,
      // The one-line change of the update: a longer visibility timeout on every queue.
      visibilityTimeout: Duration.seconds(variant === 0 ? 60 : 90),
      deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
    });
    // SqsSubscription adds the queue policy allowing sqs:SendMessage from this topic only (aws:SourceArn).
    const extraordinary = service === 'ExtraordinaryRidesService';
    topic.addSubscription(
      new subscriptions.SqsSubscription(queue, {
        rawMessageDelivery: true,
        filterPolicy: extraordinary
          ? {
              fare: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 50 }),
              distance: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 20 }),
            }
          : undefined,
      }),
    );
    const consumer = inlineFunction(stack, service, { functionName: `${prefix}-${service}`, reservedConcurrentExecutions: 5 });
    consumer.addEventSource(
      new SqsEventSource(queue, { batchSize: 5, maxBatchingWindow: Duration.seconds(1), reportBatchItemFailures: true, maxConcurrency: 2 }),
    );
    // Queue depth and DLQ depth, as the monitoring topic of the workshop teaches.
    queue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) })
      .createAlarm(stack, `${service}Backlog`, { threshold: 100, evaluationPeriods: 1 });
    dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }).createAlarm(stack, `${service}DlqNotEmpty`, {
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
  // A function with a log group the stack owns (retention, removed on destroy).
  const logGroup = new logs.LogGroup(stack, 'AuditLogs', {
    logGroupName: `/workshop/${prefix}/audit`,
    retention: logs.RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  inlineFunction(stack, 'AuditService', { functionName: `${prefix}-AuditService`, logGroup });
  return stack;
}

/** Lab 3: scatter-gather behind an API, ten Lambda providers on one topic, a response queue. */
export function lab3Stack(app: App, { stackName, prefix, variant }: LabStackProps): Stack {
  const stack = new Stack(app, stackName, { stackName, env: { region: 'us-east-1' } });
  const table = new dynamodb.Table(stack, 'RidesBooking', {
    tableName: `${prefix}-RidesBooking`,
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'responder', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const topic = new sns.Topic(stack, 'RequestForQuotesTopic', { topicName: `${prefix}-RequestForQuotesTopic` });
  const responses = new sqs.Queue(stack, 'RequestForQuotesResponseQueue', {
    queueName: `${prefix}-RequestForQuotesResponseQueue`,
    visibilityTimeout: Duration.seconds(60),
  });
  for (let i = 1; i <= 10; i++) {
    const provider = inlineFunction(stack, `UnicornProvider${i}`, {
      functionName: `${prefix}-UnicornProvider${i}`,
      environment: { RESPONSE_QUEUE_URL: responses.queueUrl, DELAY_MS: variant === 0 ? '100' : '200' },
    });
    responses.grantSendMessages(provider);
    topic.addSubscription(new subscriptions.LambdaSubscription(provider));
  }
  const submit = inlineFunction(stack, 'SubmitRfq', {
    functionName: `${prefix}-SubmitInstantRideRfq`,
    environment: { TABLE_NAME: table.tableName, TOPIC_ARN: topic.topicArn },
  });
  table.grantWriteData(submit);
  topic.grantPublish(submit);
  const query = inlineFunction(stack, 'QueryRfq', {
    functionName: `${prefix}-QueryInstantRideRfq`,
    environment: { TABLE_NAME: table.tableName },
  });
  table.grantReadData(query);
  const quotes = inlineFunction(stack, 'QuotesResponseService', {
    functionName: `${prefix}-QuotesResponseService`,
    environment: { TABLE_NAME: table.tableName },
  });
  table.grantWriteData(quotes);
  quotes.addEventSource(new SqsEventSource(responses, { batchSize: 10 }));
  // The CDK's default RestApi, with the account's CloudWatch role; that role is retained on destroy
  // unless told otherwise (on AWS too), so a lab that keeps it must say DESTROY.
  const api = new apigateway.RestApi(stack, 'RfqApi', {
    restApiName: `${prefix}-rfq`,
    deployOptions: { stageName: 'prod' },
    cloudWatchRoleRemovalPolicy: RemovalPolicy.DESTROY,
  });
  api.root.addResource('submit-instant-ride-rfq').addMethod('POST', new apigateway.LambdaIntegration(submit));
  api.root.addResource('query-instant-ride-rfq').addResource('{id}').addMethod('GET', new apigateway.LambdaIntegration(query));
  // An EventBridge rule publishing to a topic (the CDK adds an AWS::SNS::TopicPolicy for it).
  const alerts = new sns.Topic(stack, 'RfqAlerts', { topicName: `${prefix}-RfqAlerts` });
  new events.Rule(stack, 'ClosedRfqRule', {
    eventPattern: { source: ['wildrydes.rfq'], detailType: ['RfqClosed'] },
    targets: [new targets.SnsTopic(alerts)],
  });
  return stack;
}

/** A saga step's handler: it fails with `errorName` when the customer id contains `suffix`. */
function sagaFunction(scope: Construct, id: string, suffix: string, errorName: string): lambda.Function {
  return inlineFunction(scope, id, {
    code: lambda.Code.fromInline(
      `exports.handler = async (event) => { if (String(event.customerId).includes('${suffix}')) { const e = new Error('${suffix} for ' + event.customerId); e.name = '${errorName}'; throw e; } return { ok: '${id}', fareId: event.fareId }; };`,
    ),
  });
}

/** Lab 4: RegisterFare → ChargeFare → CreditCustomerAccount → notify, with compensation on failure. */
export function lab4Stack(app: App, { stackName, prefix, variant }: LabStackProps): Stack {
  const stack = new Stack(app, stackName, { stackName, env: { region: 'us-east-1' } });
  const fares = new dynamodb.Table(stack, 'Fares', {
    tableName: `${prefix}-Fares`,
    partitionKey: { name: 'fareId', type: dynamodb.AttributeType.STRING },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const topic = new sns.Topic(stack, 'FareProcessingTopic', { topicName: `${prefix}-FareProcessingTopic` });
  const queues = Object.fromEntries(
    (['true', 'false'] as const).map((successful) => {
      const queue = new sqs.Queue(stack, successful === 'true' ? 'SuccessfulTransactions' : 'FailedTransactions', {
        queueName: `${prefix}-${successful === 'true' ? 'Successful' : 'Failed'}Transactions`,
      });
      topic.addSubscription(
        new subscriptions.SqsSubscription(queue, {
          rawMessageDelivery: true,
          filterPolicy: { IsSuccessful: sns.SubscriptionFilter.stringFilter({ allowlist: [successful] }) },
        }),
      );
      return [successful, queue];
    }),
  );
  const charge = sagaFunction(stack, 'ChargeFareFunction', '_fail_auth', 'PaymentAuthException');
  const credit = sagaFunction(stack, 'CreditCustomerFunction', '_fail_credit', 'AccountCreditException');
  const refund = sagaFunction(stack, 'RefundFareFunction', '_fail_refund', 'RefundException');
  const fareKey = { fareId: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.fareId')) };
  const setStatus = (id: string, status: string) =>
    new tasks.DynamoUpdateItem(stack, id, {
      table: fares,
      key: fareKey,
      updateExpression: 'SET fareStatus = :s',
      expressionAttributeValues: { ':s': tasks.DynamoAttributeValue.fromString(status) },
      resultPath: sfn.JsonPath.DISCARD,
    });
  const notify = (id: string, successful: boolean) =>
    new tasks.SnsPublish(stack, id, {
      topic,
      message: sfn.TaskInput.fromJsonPathAt('$'),
      messageAttributes: { IsSuccessful: { value: String(successful) } },
      resultPath: sfn.JsonPath.DISCARD,
    });

  const failure = setStatus('SetFareStatusFailed', 'failed')
    .next(notify('NotifyFailure', false))
    .next(new sfn.Fail(stack, 'FareProcessingFailed', { error: 'FareProcessingFailed' }));
  // A refund that fails must not vanish: it is parked on the failed-transactions queue for a human.
  const parkRefund = new tasks.SqsSendMessage(stack, 'ParkFailedRefund', {
    queue: queues.false,
    messageBody: sfn.TaskInput.fromJsonPathAt('$'),
    resultPath: sfn.JsonPath.DISCARD,
  }).next(failure);
  const refundFare = new tasks.LambdaInvoke(stack, 'RefundFare', {
    lambdaFunction: refund,
    payloadResponseOnly: true,
    resultPath: sfn.JsonPath.DISCARD,
  })
    .addCatch(parkRefund, { errors: ['RefundException'], resultPath: '$.refundError' })
    .next(failure);
  const definition = new tasks.DynamoPutItem(stack, 'RegisterFare', {
    table: fares,
    item: {
      ...fareKey,
      customerId: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.customerId')),
      fareStatus: tasks.DynamoAttributeValue.fromString('new'),
    },
    resultPath: sfn.JsonPath.DISCARD,
  })
    .addRetry({ errors: ['DynamoDB.ProvisionedThroughputExceededException'], maxAttempts: 3 })
    .next(
      new tasks.LambdaInvoke(stack, 'ChargeFare', {
        lambdaFunction: charge,
        resultSelector: { 'chargeId.$': '$.Payload.ok' },
        resultPath: '$.charge',
      })
        .addCatch(failure, { errors: ['PaymentAuthException', 'PaymentChargeException'], resultPath: '$.error' })
        .next(
          new tasks.LambdaInvoke(stack, 'CreditCustomerAccount', {
            lambdaFunction: credit,
            payloadResponseOnly: true,
            resultPath: sfn.JsonPath.DISCARD,
          })
            .addCatch(refundFare, { errors: ['AccountCreditException'], resultPath: '$.error' })
            .next(setStatus('SetFareStatusCompleted', 'completed'))
            .next(notify('NotifySuccess', true))
            .next(new sfn.Succeed(stack, 'FareProcessed')),
        ),
    );
  new sfn.StateMachine(stack, 'FareProcessingStateMachine', {
    stateMachineName: `${prefix}-FareProcessing`,
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
    // The one-line change of the update.
    comment: variant === 0 ? 'Wild Rydes fare collection' : 'Wild Rydes fare collection (v2)',
  });
  return stack;
}

/** Lab 5: ordered messaging (SNS FIFO → SQS FIFO) and streaming (Kinesis with two consumers). */
export function lab5Stack(app: App, { stackName, prefix, variant }: LabStackProps): Stack {
  const stack = new Stack(app, stackName, { stackName, env: { region: 'us-east-1' } });
  const rideEvents = new sns.Topic(stack, 'RideEventsTopic', {
    topicName: `${prefix}-RideEvents`,
    fifo: true,
    contentBasedDeduplication: true,
  });
  for (const name of ['Billing', 'Tracking']) {
    const queue = new sqs.Queue(stack, `${name}Queue`, {
      queueName: `${prefix}-${name}.fifo`,
      fifo: true,
      contentBasedDeduplication: true,
      visibilityTimeout: Duration.seconds(30),
    });
    rideEvents.addSubscription(new subscriptions.SqsSubscription(queue, { rawMessageDelivery: true }));
  }
  const stream = new kinesis.Stream(stack, 'TelemetryStream', {
    streamName: `${prefix}-UnicornTelemetry`,
    shardCount: 2,
    streamMode: kinesis.StreamMode.PROVISIONED,
    encryption: kinesis.StreamEncryption.UNENCRYPTED,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const failures = new sqs.Queue(stack, 'TelemetryFailures', { queueName: `${prefix}-TelemetryFailures` });
  const aggregator = inlineFunction(stack, 'TelemetryAggregator', { functionName: `${prefix}-TelemetryAggregator` });
  aggregator.addEventSource(
    new KinesisEventSource(stream, {
      // The one-line change of the update: a bigger batch.
      batchSize: variant === 0 ? 100 : 200,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      bisectBatchOnError: true,
      retryAttempts: 2,
      onFailure: new SqsDlq(failures),
    }),
  );
  const auditor = inlineFunction(stack, 'TelemetryAuditor', { functionName: `${prefix}-TelemetryAuditor` });
  auditor.addEventSource(new KinesisEventSource(stream, { batchSize: 50, startingPosition: lambda.StartingPosition.TRIM_HORIZON }));
  return stack;
}

/** The template a stack factory synthesizes, as a JSON string. */
export function synthesizeTemplate(factory: (app: App, props: LabStackProps) => Stack, props: LabStackProps): string {
  const app = new App();
  const stack = factory(app, props);
  return JSON.stringify(app.synth().getStackByName(stack.stackName).template);
}
