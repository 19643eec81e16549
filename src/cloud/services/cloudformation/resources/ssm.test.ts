import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, ListTagsForResourceCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig } from '../../../../../labs/kit/clients.ts';
import { waitForStack } from '../../../testing/stacks.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../../testing/test-cloud.ts';

let cloud: TestCloud;
let cfn: CloudFormationClient;
let ssm: SSMClient;

before(async () => {
  cloud = await startTestCloud();
  cfn = new CloudFormationClient(clientConfig(cloud.target));
  ssm = new SSMClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

const template = (value: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    Resources: {
      Switch: {
        Type: 'AWS::SSM::Parameter',
        Properties: { Name: '/lab/switch', Type: 'String', Value: value, Description: 'a switch', Tags: { team: 'rides' }, ...extra },
      },
    },
    Outputs: { Name: { Value: { Ref: 'Switch' } }, Value: { Value: { 'Fn::GetAtt': ['Switch', 'Value'] } } },
  });

test('AWS::SSM::Parameter: created with its tags, updated in place, deleted with the stack', async () => {
  const StackName = uniqueName('ssm');
  await cfn.send(new CreateStackCommand({ StackName, TemplateBody: template('{}') }));
  let stack = await waitForStack(cfn, StackName);
  assert.equal(stack.StackStatus, 'CREATE_COMPLETE', stack.StackStatusReason);
  assert.deepEqual(Object.fromEntries(stack.Outputs!.map((o) => [o.OutputKey, o.OutputValue])), { Name: '/lab/switch', Value: '{}' });
  const { TagList = [] } = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/lab/switch' }));
  assert.equal(TagList.find((t) => t.Key === 'team')?.Value, 'rides');
  assert.equal(TagList.find((t) => t.Key === 'aws:cloudformation:stack-name')?.Value, StackName);

  // A value set outside CloudFormation (as the lab's snippets do) stays until the template changes it.
  await ssm.send(new PutParameterCommand({ Name: '/lab/switch', Value: '{"a":30}', Overwrite: true }));
  await cfn.send(new UpdateStackCommand({ StackName, TemplateBody: template('{"a":0}') }));
  stack = await waitForStack(cfn, StackName);
  assert.equal(stack.StackStatus, 'UPDATE_COMPLETE', stack.StackStatusReason);
  assert.equal((await ssm.send(new GetParameterCommand({ Name: '/lab/switch' }))).Parameter?.Value, '{"a":0}');

  await cfn.send(new DeleteStackCommand({ StackName }));
  assert.equal((await waitForStack(cfn, stack.StackId!)).StackStatus, 'DELETE_COMPLETE');
  await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/lab/switch' })), ParameterNotFound);
});

test('AWS::SSM::Parameter refuses what the local cloud does not keep, by name', async () => {
  const StackName = uniqueName('ssm-refused');
  await cfn.send(new CreateStackCommand({ StackName, TemplateBody: template('x', { Tier: 'Advanced' }) }));
  const stack = await waitForStack(cfn, StackName);
  assert.equal(stack.StackStatus, 'ROLLBACK_COMPLETE');
  assert.match(stack.StackStatusReason ?? '', /Tier Advanced/);
});
