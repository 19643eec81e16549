import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { Target } from '../../../labs/kit/target.ts';
import { LabEngine } from '../engine.ts';
import type { EngineEvent } from '../events.ts';
import type { AwsDeployer } from './toolkit.ts';

const target: Target = { kind: 'aws', region: 'eu-west-1', prefix: 'alice' };
const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
afterEach(() => {
  sts.reset();
  cfn.reset();
});

/** A deployer that records the parameters it was given instead of calling AWS. */
function recordingDeployer() {
  const given: (Record<string, string> | undefined)[] = [];
  const deployer: AwsDeployer = {
    async deploy(_build, _stackName, _report, parameters) {
      given.push(parameters);
      return {};
    },
    async destroy() {},
    async bootstrap() {},
  };
  return { deployer, given };
}

test("on AWS, the stack's parameters take the lab's AWS values, only those the stack declares, overrides first", async () => {
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn' });
  cfn
    .on(DescribeStacksCommand)
    .resolves({ Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] });
  const { deployer, given } = recordingDeployer();
  const engine = new LabEngine(target, undefined, { confirm: async () => true, awsDeployer: deployer });
  const deploy = async (step: number, parameters?: Record<string, string>) => {
    const events: EngineEvent[] = [];
    const ok = await engine.deploy('lab-3', { solution: true, step }, (e) => events.push(e), { parameters });
    assert.ok(ok, JSON.stringify(events.at(-1)));
  };
  await deploy(Number.POSITIVE_INFINITY);
  await deploy(1);
  await deploy(5, { DeadlineSeconds: '120' });
  assert.deepEqual(given, [
    { ProviderMaxDelaySeconds: '10', SlowProviderDelaySeconds: '45', DeadlineSeconds: '30' },
    { ProviderMaxDelaySeconds: '10', SlowProviderDelaySeconds: '45' },
    { ProviderMaxDelaySeconds: '10', SlowProviderDelaySeconds: '45', DeadlineSeconds: '120' },
  ]);
});

test('a lab without parameters passes none', async () => {
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn' });
  cfn
    .on(DescribeStacksCommand)
    .resolves({ Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] });
  const { deployer, given } = recordingDeployer();
  const engine = new LabEngine(target, undefined, { confirm: async () => true, awsDeployer: deployer });
  assert.ok(await engine.deploy('lab-1', { solution: true, step: 1 }, () => undefined));
  assert.deepEqual(given, [undefined]);
});
