import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { waitForStack } from '../../testing/stacks.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

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
        Properties: {
          Name: '/wild-rydes/alice/switch',
          Type: 'String',
          Value: value,
          Description: 'a runtime switch',
          Tags: { team: 'rides' },
          ...extra,
        },
      },
    },
    Outputs: { Name: { Value: { Ref: 'Switch' } }, Value: { Value: { 'Fn::GetAtt': ['Switch', 'Value'] } } },
  });

describe('AWS::SSM::Parameter', () => {
  test('is created, updated in place and deleted with its stack; Ref is its name', async () => {
    const StackName = uniqueName('ssm');
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody: template('{}') }));
    const created = await waitForStack(cfn, StackName);
    assert.equal(created.StackStatus, 'CREATE_COMPLETE', created.StackStatusReason);
    assert.deepEqual(Object.fromEntries(created.Outputs!.map((o) => [o.OutputKey, o.OutputValue])), {
      Name: '/wild-rydes/alice/switch',
      Value: '{}',
    });
    assert.equal((await ssm.send(new GetParameterCommand({ Name: '/wild-rydes/alice/switch' }))).Parameter?.Value, '{}');

    // Changed at run time, outside the stack: an update that leaves the resource alone keeps the
    // value; one that changes the resource writes the template's value again, as on AWS.
    const read = async () => (await ssm.send(new GetParameterCommand({ Name: '/wild-rydes/alice/switch' }))).Parameter?.Value;
    await ssm.send(new PutParameterCommand({ Name: '/wild-rydes/alice/switch', Value: '{"on":true}', Overwrite: true }));
    await cfn.send(
      new UpdateStackCommand({ StackName, TemplateBody: template('{}').replace('"Outputs":{', '"Outputs":{"Extra":{"Value":"x"},') }),
    );
    assert.equal((await waitForStack(cfn, StackName)).StackStatus, 'UPDATE_COMPLETE');
    assert.equal(await read(), '{"on":true}');
    await cfn.send(new UpdateStackCommand({ StackName, TemplateBody: template('{}', { Description: 'the same switch' }) }));
    assert.equal((await waitForStack(cfn, StackName)).StackStatus, 'UPDATE_COMPLETE');
    assert.equal(await read(), '{}');

    await cfn.send(new DeleteStackCommand({ StackName }));
    assert.equal((await waitForStack(cfn, created.StackId!)).StackStatus, 'DELETE_COMPLETE');
    await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/wild-rydes/alice/switch' })), { name: 'ParameterNotFound' });
  });

  test('SecureString and parameter policies are refused by name', async () => {
    for (const [extra, pattern] of [
      [{ Type: 'SecureString' }, /must be String or StringList \(CloudFormation does not create SecureString/],
      [{ Policies: '[{"Type":"Expiration"}]' }, /parameter policies/],
    ] as const) {
      const StackName = uniqueName('ssm');
      await cfn.send(new CreateStackCommand({ StackName, TemplateBody: template('x', extra) }));
      const stack = await waitForStack(cfn, StackName);
      assert.equal(stack.StackStatus, 'ROLLBACK_COMPLETE');
      assert.match(stack.StackStatusReason ?? '', pattern);
      await cfn.send(new DeleteStackCommand({ StackName }));
      await waitForStack(cfn, stack.StackId!);
    }
  });
});
