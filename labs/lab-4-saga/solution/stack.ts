// #region step 0, replaced in step 1
// import { CfnOutput, Stack } from 'aws-cdk-lib';
// #endregion
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib'; // #step 1
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch'; // #step 5
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb'; // #step 1
import * as sns from 'aws-cdk-lib/aws-sns'; // #step 4
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions'; // #step 4
import * as sqs from 'aws-cdk-lib/aws-sqs'; // #step 4
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks'; // #step 1
import type { Construct } from 'constructs';
import type { LabStackProps } from '../../kit/lab.ts';
import { FareServices } from '../fare-services.ts';

/**
 * Lab 4, the stack you edit: the fare-collection saga. It starts with the payment services and a
 * Standard state machine of one Pass state; the steps of the lab page build the saga around them.
 */
export class FareProcessingStack extends Stack {
  constructor(scope: Construct, id: string, props: LabStackProps) {
    super(scope, id, props);
    const services = new FareServices(this, 'FareServices', { prefix: props.prefix });

    // Step 1: the Fares table, one item per fare (and never the card data).
    // #region step 1
    const fares = new dynamodb.Table(this, 'Fares', {
      tableName: `${props.prefix}-Fares`,
      partitionKey: { name: 'fareId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new CfnOutput(this, 'FaresTableName', { value: fares.tableName });
    // #endregion

    // Step 4: the topic that tells the rest of Wild Rydes how each fare ended, a queue per outcome.
    // #region step 4
    const topic = new sns.Topic(this, 'WildRydesFareProcessingTopic', {
      topicName: `${props.prefix}-WildRydesFareProcessingTopic`,
    });
    const successfulTransactions = new sqs.Queue(this, 'WildRydesSuccessfulTransactionsQueue', {
      queueName: `${props.prefix}-WildRydesSuccessfulTransactionsQueue`,
    });
    const failedTransactions = new sqs.Queue(this, 'WildRydesFailedTransactionsQueue', {
      queueName: `${props.prefix}-WildRydesFailedTransactionsQueue`,
    });
    // Raw delivery: each queue receives the message itself, not SNS's JSON envelope around it.
    topic.addSubscription(
      new subscriptions.SqsSubscription(successfulTransactions, {
        rawMessageDelivery: true,
        filterPolicy: { IsSuccessful: sns.SubscriptionFilter.stringFilter({ allowlist: ['true'] }) },
      }),
    );
    topic.addSubscription(
      new subscriptions.SqsSubscription(failedTransactions, {
        rawMessageDelivery: true,
        filterPolicy: { IsSuccessful: sns.SubscriptionFilter.stringFilter({ allowlist: ['false'] }) },
      }),
    );
    new CfnOutput(this, 'FareProcessingTopicArn', { value: topic.topicArn });
    new CfnOutput(this, 'SuccessfulTransactionsQueueUrl', { value: successfulTransactions.queueUrl });
    new CfnOutput(this, 'FailedTransactionsQueueUrl', { value: failedTransactions.queueUrl });
    // #endregion

    // Step 5: where a refund that failed waits for a human, and the alarm that calls one.
    // #region step 5
    const failedRefunds = new sqs.Queue(this, 'WildRydesFailedRefundsQueue', {
      queueName: `${props.prefix}-WildRydesFailedRefundsQueue`,
      retentionPeriod: Duration.days(14),
    });
    failedRefunds
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' })
      .createAlarm(this, 'FailedRefundsAlarm', {
        alarmName: `${props.prefix}-FailedRefundsWaiting`,
        alarmDescription: 'A refund failed: the customer was charged and not refunded. Settle it from the WildRydesFailedRefundsQueue.',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    new CfnOutput(this, 'FailedRefundsQueueUrl', { value: failedRefunds.queueUrl });
    // #endregion

    // The saga's states, in the order a good fare meets them.
    // #region step 0, replaced in step 1
    // const registerFare = new sfn.Pass(this, 'RegisterFare');
    // #endregion
    // #region step 1
    // The fields of the fare that the tasks pass on: never the card data.
    const fare = {
      fareId: sfn.JsonPath.stringAt('$.fareId'),
      customerId: sfn.JsonPath.stringAt('$.customerId'),
      fareAmount: sfn.JsonPath.stringAt('$.fareAmount'),
    };
    const registerFare = new tasks.DynamoPutItem(this, 'RegisterFare', {
      table: fares,
      item: {
        fareId: tasks.DynamoAttributeValue.fromString(fare.fareId),
        customerId: tasks.DynamoAttributeValue.fromString(fare.customerId),
        fareAmount: tasks.DynamoAttributeValue.fromString(fare.fareAmount),
        fareStatus: tasks.DynamoAttributeValue.fromString('REGISTERED'),
        registeredBy: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.executionId),
      },
      // An execution started twice for one fare must not charge it twice: the second put fails.
      conditionExpression: 'attribute_not_exists(fareId)',
      resultPath: sfn.JsonPath.DISCARD,
    });
    // #endregion
    // #region step 2
    const chargeFare = new tasks.LambdaInvoke(this, 'ChargeFare', {
      lambdaFunction: services.chargeFare,
      // The card data goes to the payment service, and nowhere else.
      payload: sfn.TaskInput.fromObject({
        ...fare,
        cc: sfn.JsonPath.stringAt('$.cc'),
        expiryDate: sfn.JsonPath.stringAt('$.expiryDate'),
        cvv: sfn.JsonPath.stringAt('$.cvv'),
      }),
      // Lambda.ServiceException and its kind are retried: 6 times, 2 s apart, doubling.
      retryOnServiceExceptions: true,
      resultSelector: { chargeId: sfn.JsonPath.stringAt('$.Payload.chargeId') },
      resultPath: '$.charge',
    });
    const creditCustomerAccount = new tasks.LambdaInvoke(this, 'CreditCustomerAccount', {
      lambdaFunction: services.creditCustomerAccount,
      payload: sfn.TaskInput.fromObject(fare),
      retryOnServiceExceptions: true,
      resultPath: sfn.JsonPath.DISCARD,
    });
    const setFareStatusCompleted = new tasks.DynamoUpdateItem(this, 'SetFareStatusCompleted', {
      table: fares,
      key: { fareId: tasks.DynamoAttributeValue.fromString(fare.fareId) },
      updateExpression: 'SET fareStatus = :status, chargeId = :chargeId',
      expressionAttributeValues: {
        ':status': tasks.DynamoAttributeValue.fromString('COMPLETED'),
        ':chargeId': tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.charge.chargeId')),
      },
      resultPath: sfn.JsonPath.DISCARD,
    });
    // #endregion
    // #region step 4
    const notifySuccess = new tasks.SnsPublish(this, 'NotifySuccess', {
      topic,
      message: sfn.TaskInput.fromObject({ ...fare, fareStatus: 'COMPLETED', chargeId: sfn.JsonPath.stringAt('$.charge.chargeId') }),
      messageAttributes: { IsSuccessful: { value: 'true' } },
      resultPath: sfn.JsonPath.DISCARD,
    });
    // #endregion
    const fareProcessingSucceeded = new sfn.Succeed(this, 'FareProcessingSucceeded'); // #step 1

    // The compensation path: undo what was done, say so, and end in failure.
    // #region step 3
    const refundFare = new tasks.LambdaInvoke(this, 'RefundFare', {
      lambdaFunction: services.refundFare,
      payload: sfn.TaskInput.fromObject({ ...fare, chargeId: sfn.JsonPath.stringAt('$.charge.chargeId') }),
      retryOnServiceExceptions: true,
      resultSelector: { refundId: sfn.JsonPath.stringAt('$.Payload.refundId') },
      resultPath: '$.refund',
    });
    // #endregion
    // #region step 5
    const parkFailedRefund = new tasks.SqsSendMessage(this, 'ParkFailedRefund', {
      queue: failedRefunds,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN, // #step 6
      // What a human needs to give the money back by hand.
      messageBody: sfn.TaskInput.fromObject({
        ...fare,
        chargeId: sfn.JsonPath.stringAt('$.charge.chargeId'),
        refundError: sfn.JsonPath.objectAt('$.refundError'),
        execution: sfn.JsonPath.executionId,
        taskToken: sfn.JsonPath.taskToken, // #step 6
      }),
      // #region step 5, replaced in step 6
      // resultPath: sfn.JsonPath.DISCARD,
      // #endregion
      // #region step 6
      // The human answers with SendTaskSuccess within a week; the queue keeps the message for two.
      taskTimeout: sfn.Timeout.duration(Duration.days(7)),
      resultPath: '$.settlement',
      // #endregion
    });
    // #endregion
    // #region step 3
    const setFareStatusFailed = new tasks.DynamoUpdateItem(this, 'SetFareStatusFailed', {
      table: fares,
      key: { fareId: tasks.DynamoAttributeValue.fromString(fare.fareId) },
      updateExpression: 'SET fareStatus = :status, failureReason = :reason',
      expressionAttributeValues: {
        ':status': tasks.DynamoAttributeValue.fromString('FAILED'),
        ':reason': tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.error.Error')),
      },
      resultPath: sfn.JsonPath.DISCARD,
    });
    // #endregion
    // #region step 4
    const notifyFailure = new tasks.SnsPublish(this, 'NotifyFailure', {
      topic,
      message: sfn.TaskInput.fromObject({ ...fare, fareStatus: 'FAILED', error: sfn.JsonPath.objectAt('$.error') }),
      messageAttributes: { IsSuccessful: { value: 'false' } },
      resultPath: sfn.JsonPath.DISCARD,
    });
    // #endregion
    // #region step 1
    // The execution fails with the error that stopped the saga.
    const fareProcessingFailed = new sfn.Fail(this, 'FareProcessingFailed', { errorPath: '$.error.Error', causePath: '$.error.Cause' });
    // #endregion

    // Retries, then catches: an error a retrier matches is retried first; what is left is caught.
    // #region step 1
    const throttled = {
      errors: ['DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.ThrottlingException', 'DynamoDB.RequestLimitExceeded'],
      interval: Duration.seconds(1),
      maxAttempts: 3,
      backoffRate: 2,
    };
    registerFare.addRetry(throttled);
    // #endregion
    // #region step 1, replaced in step 4
    // registerFare.addCatch(fareProcessingFailed, { resultPath: '$.error' });
    // #endregion
    registerFare.addCatch(notifyFailure, { resultPath: '$.error' }); // #step 4
    setFareStatusCompleted.addRetry(throttled); // #step 2
    // #region step 3
    setFareStatusFailed.addRetry(throttled);
    chargeFare.addCatch(setFareStatusFailed, { errors: ['PaymentAuthException', 'PaymentChargeException'], resultPath: '$.error' });
    creditCustomerAccount.addCatch(refundFare, { errors: ['AccountCreditException'], resultPath: '$.error' });
    // #endregion
    refundFare.addCatch(parkFailedRefund, { resultPath: '$.refundError' }); // #step 5

    // The transitions: the happy path, then the way out of every failure.
    // #region step 1
    registerFare
      .next(chargeFare) // #step 2
      .next(creditCustomerAccount) // #step 2
      .next(setFareStatusCompleted) // #step 2
      .next(notifySuccess) // #step 4
      .next(fareProcessingSucceeded);
    // #endregion
    refundFare.next(setFareStatusFailed); // #step 3
    parkFailedRefund.next(setFareStatusFailed); // #step 5
    // #region step 3
    setFareStatusFailed
      .next(notifyFailure) // #step 4
      .next(fareProcessingFailed);
    // #endregion

    // A Standard state machine: exactly-once steps, executions up to a year, a history of each.
    const stateMachine = new sfn.StateMachine(this, 'FareProcessingStateMachine', {
      stateMachineName: `${props.prefix}-FareProcessingStateMachine`,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(registerFare),
    });
    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn });
  }
}
