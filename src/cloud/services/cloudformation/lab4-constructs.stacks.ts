// The CDK stack Lab 4 will synthesize (see LABS.md): a fare-collection saga on Step Functions
// with the CDK's task constructs, so the local CloudFormation and Step Functions are proven
// against it before the lab is written. `variant` 1 is the same stack with a one-line change.
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { LabStackProps } from './lab-constructs.stacks.ts';

process.env.CDK_VALIDATION ??= 'false';

/** A handler that fails with `errorName` when the customer id contains `suffix`. */
function sagaFunction(stack: Stack, id: string, suffix: string, errorName: string): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_LATEST,
    handler: 'index.handler',
    timeout: Duration.seconds(10),
    code: lambda.Code.fromInline(
      `exports.handler = async (event) => { if (String(event.customerId).includes('${suffix}')) { const e = new Error('${suffix} for ' + event.customerId); e.name = '${errorName}'; throw e; } return { ok: '${id}', fareId: event.fareId }; };`,
    ),
  });
}

/** Lab 4: RegisterFare → ChargeFare → CreditCustomerAccount → notify, with compensation on failure. */
export function lab4Stack(app: App, { stackName, prefix, variant }: LabStackProps): Stack {
  const stack = new Stack(app, stackName, { stackName, env: { region: 'us-east-1' } });
  const fares = new dynamodb.Table(stack, 'Fares', { tableName: `${prefix}-Fares`, partitionKey: { name: 'fareId', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY });
  const topic = new sns.Topic(stack, 'FareProcessingTopic', { topicName: `${prefix}-FareProcessingTopic` });
  const queues = Object.fromEntries(
    (['true', 'false'] as const).map((successful) => {
      const queue = new sqs.Queue(stack, successful === 'true' ? 'SuccessfulTransactions' : 'FailedTransactions', { queueName: `${prefix}-${successful === 'true' ? 'Successful' : 'Failed'}Transactions` });
      topic.addSubscription(new subscriptions.SqsSubscription(queue, { rawMessageDelivery: true, filterPolicy: { IsSuccessful: sns.SubscriptionFilter.stringFilter({ allowlist: [successful] }) } }));
      return [successful, queue];
    }),
  );
  const charge = sagaFunction(stack, 'ChargeFareFunction', '_fail_auth', 'PaymentAuthException');
  const credit = sagaFunction(stack, 'CreditCustomerFunction', '_fail_credit', 'AccountCreditException');
  const refund = sagaFunction(stack, 'RefundFareFunction', '_fail_refund', 'RefundException');
  const fareKey = { fareId: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.fareId')) };
  const setStatus = (id: string, status: string) =>
    new tasks.DynamoUpdateItem(stack, id, { table: fares, key: fareKey, updateExpression: 'SET fareStatus = :s', expressionAttributeValues: { ':s': tasks.DynamoAttributeValue.fromString(status) }, resultPath: sfn.JsonPath.DISCARD });
  const notify = (id: string, successful: boolean) =>
    new tasks.SnsPublish(stack, id, { topic, message: sfn.TaskInput.fromJsonPathAt('$'), messageAttributes: { IsSuccessful: { value: String(successful) } }, resultPath: sfn.JsonPath.DISCARD });

  const failure = setStatus('SetFareStatusFailed', 'failed').next(notify('NotifyFailure', false)).next(new sfn.Fail(stack, 'FareProcessingFailed', { error: 'FareProcessingFailed' }));
  // A refund that fails must not vanish: it is parked on the failed-transactions queue for a human.
  const parkRefund = new tasks.SqsSendMessage(stack, 'ParkFailedRefund', { queue: queues.false, messageBody: sfn.TaskInput.fromJsonPathAt('$'), resultPath: sfn.JsonPath.DISCARD }).next(failure);
  const refundFare = new tasks.LambdaInvoke(stack, 'RefundFare', { lambdaFunction: refund, payloadResponseOnly: true, resultPath: sfn.JsonPath.DISCARD })
    .addCatch(parkRefund, { errors: ['RefundException'], resultPath: '$.refundError' })
    .next(failure);
  const definition = new tasks.DynamoPutItem(stack, 'RegisterFare', {
    table: fares,
    item: { ...fareKey, customerId: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.customerId')), fareStatus: tasks.DynamoAttributeValue.fromString('new') },
    resultPath: sfn.JsonPath.DISCARD,
  })
    .addRetry({ errors: ['DynamoDB.ProvisionedThroughputExceededException'], maxAttempts: 3 })
    .next(
      new tasks.LambdaInvoke(stack, 'ChargeFare', { lambdaFunction: charge, resultSelector: { 'chargeId.$': '$.Payload.ok' }, resultPath: '$.charge' })
        .addCatch(failure, { errors: ['PaymentAuthException', 'PaymentChargeException'], resultPath: '$.error' })
        .next(
          new tasks.LambdaInvoke(stack, 'CreditCustomerAccount', { lambdaFunction: credit, payloadResponseOnly: true, resultPath: sfn.JsonPath.DISCARD })
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
