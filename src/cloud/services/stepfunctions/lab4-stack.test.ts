import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, DescribeStacksCommand, UpdateStackCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, DescribeStateMachineCommand, ListStateMachinesCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { bootstrapEndpoint } from '../../../engine/deploy/bootstrap.ts';
import { synthesizeTemplate } from '../cloudformation/lab-constructs.stacks.ts';
import { lab4Stack } from '../cloudformation/lab4-constructs.stacks.ts';
import { startTestCloud, uniqueName, type TestCloud } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let cfn: CloudFormationClient;
let sfn: SFNClient;

before(async () => {
  cloud = await startTestCloud();
  const config = clientConfig(cloud.target);
  cfn = new CloudFormationClient(config);
  sfn = new SFNClient(config);
  await bootstrapEndpoint(new S3Client({ ...config, forcePathStyle: true }), new SSMClient(config), '000000000000', 'us-east-1');
});
after(() => cloud.stop());

async function settled(StackName: string): Promise<Stack> {
  for (;;) {
    const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({ StackName }));
    if (!Stacks[0].StackStatus!.endsWith('_IN_PROGRESS')) return Stacks[0];
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function execute(stateMachineArn: string, customerId: string, fareId: string) {
  const input = JSON.stringify({ customerId, fareId, fareAmount: '$20.00', cc: '2424 2424 2424 2424', expiryDate: '12/22', cvv: '111' });
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return execution;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("Lab 4's saga deploys from the CDK, runs its paths, updates and is destroyed", async () => {
  const stackName = uniqueName('lab4');
  const prefix = uniqueName('p');
  const config = clientConfig(cloud.target);
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: synthesizeTemplate(lab4Stack, { stackName, prefix, variant: 0 }), Capabilities: ['CAPABILITY_IAM'] }));
  const created = await settled(stackName);
  assert.equal(created.StackStatus, 'CREATE_COMPLETE', created.StackStatusReason);
  const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
  const machine = stateMachines.find((m) => m.name === `${prefix}-FareProcessing`)!;
  assert.ok(machine, 'the state machine has its CDK name');

  const ok = await execute(machine.stateMachineArn!, '3', 'wr_563');
  assert.equal(ok.status, 'SUCCEEDED', ok.cause);
  const status = async (fareId: string) => (await new DynamoDBClient(config).send(new GetItemCommand({ TableName: `${prefix}-Fares`, Key: { fareId: { S: fareId } } }))).Item?.fareStatus?.S;
  assert.equal(await status('wr_563'), 'completed');

  const credit = await execute(machine.stateMachineArn!, '3_fail_credit', 'wr_564');
  assert.equal(credit.status, 'FAILED');
  assert.equal(credit.error, 'FareProcessingFailed');
  assert.equal(await status('wr_564'), 'failed');

  // The refund fails too: the fare is parked on the failed-transactions queue instead of vanishing.
  const refund = await execute(machine.stateMachineArn!, '3_fail_credit_fail_refund', 'wr_565');
  assert.equal(refund.status, 'FAILED');
  const sqs = new SQSClient(config);
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `${prefix}-FailedTransactions` }));
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  const parked = Messages.map((m) => JSON.parse(m.Body!));
  assert.ok(parked.some((m) => m.fareId === 'wr_565' && m.refundError?.Error === 'RefundException'), JSON.stringify(parked));

  await cfn.send(new UpdateStackCommand({ StackName: stackName, TemplateBody: synthesizeTemplate(lab4Stack, { stackName, prefix, variant: 1 }), Capabilities: ['CAPABILITY_IAM'] }));
  const updated = await settled(stackName);
  assert.equal(updated.StackStatus, 'UPDATE_COMPLETE', updated.StackStatusReason);
  const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machine.stateMachineArn }));
  assert.equal(JSON.parse(described.definition!).Comment, 'Wild Rydes fare collection (v2)', 'updated in place');

  await cfn.send(new DeleteStackCommand({ StackName: stackName }));
  assert.equal((await settled(created.StackId!)).StackStatus, 'DELETE_COMPLETE');
  assert.equal(((await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? []).filter((m) => m.name!.startsWith(prefix)).length, 0);
});
