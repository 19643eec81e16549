import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { waitForStack } from '../../testing/stacks.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let cfn: CloudFormationClient;

before(async () => {
  cloud = await startTestCloud();
  cfn = new CloudFormationClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

const template = JSON.stringify({
  Parameters: {
    DeadlineSeconds: { Type: 'Number', Default: 30, MinValue: 1, MaxValue: 900 },
    Colour: { Type: 'String', Default: 'red', AllowedPattern: '[a-z]+', MaxLength: 8 },
    Size: { Type: 'Number', Default: 2, MaxValue: 10, ConstraintDescription: 'a size of at most 10' },
  },
  Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
});

const create = (values: Record<string, string>) =>
  cfn.send(
    new CreateStackCommand({
      StackName: uniqueName('params'),
      TemplateBody: template,
      Parameters: Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    }),
  );

describe('CloudFormation parameter constraints', () => {
  test('values outside MinValue..MaxValue, AllowedPattern or MaxLength are refused before anything is created', async () => {
    await assert.rejects(create({ DeadlineSeconds: '901' }), /Parameter 'DeadlineSeconds' must be a number not greater than 900/);
    await assert.rejects(create({ DeadlineSeconds: '0' }), /Parameter 'DeadlineSeconds' must be a number not less than 1/);
    await assert.rejects(create({ DeadlineSeconds: 'soon' }), /Parameter 'DeadlineSeconds' must be a number/);
    await assert.rejects(create({ Colour: 'Red' }), /Parameter 'Colour' must match pattern \[a-z\]\+/);
    await assert.rejects(create({ Colour: 'turquoise' }), /Parameter 'Colour' must contain at most 8 characters/);
    await assert.rejects(create({ Size: '11' }), /Parameter Size failed to satisfy constraint: a size of at most 10/);
  });

  test('an empty list of parameters is no parameter at all (the query protocol sends Parameters=)', async () => {
    const { StackId } = await create({});
    const stack = await waitForStack(cfn, StackId!);
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE', stack.StackStatusReason);
    await cfn.send(new DeleteStackCommand({ StackName: StackId }));
    await waitForStack(cfn, StackId!);
  });

  test('values within the constraints deploy, and DescribeStacks shows them', async () => {
    const { StackId } = await create({ DeadlineSeconds: '900', Colour: 'blue' });
    const stack = await waitForStack(cfn, StackId!);
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE', stack.StackStatusReason);
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: StackId }));
    assert.deepEqual(Object.fromEntries(Stacks![0].Parameters!.map((p) => [p.ParameterKey, p.ParameterValue])), {
      DeadlineSeconds: '900',
      Colour: 'blue',
      Size: '2',
    });
    await cfn.send(new DeleteStackCommand({ StackName: StackId }));
    await waitForStack(cfn, StackId!);
  });
});
