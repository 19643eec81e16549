import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { Target } from '../../../labs/kit/target.ts';
import { LabEngine } from '../engine.ts';
import type { EngineEvent } from '../events.ts';
import type { AwsDeployer } from './toolkit.ts';

// What a local cloud cannot stand in for: a person answering (or not) the confirmation, and
// credentials AWS refuses. Everything else of the AWS target runs for real against a local
// cloud in aws-target.local-cloud.test.ts.

const target: Target = { kind: 'aws', region: 'eu-west-1', prefix: 'alice' };
const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
const ssm = mockClient(SSMClient);

afterEach(() => {
  sts.reset();
  cfn.reset();
  ssm.reset();
});

/** A deployer that records what it was asked, so a test can prove nothing reached the toolkit. */
function recordingDeployer() {
  const calls: string[] = [];
  const deployer: AwsDeployer = {
    async deploy(_build, stackName) {
      calls.push(`deploy ${stackName}`);
      return {};
    },
    async destroy(_build, stackName) {
      calls.push(`destroy ${stackName}`);
    },
    async bootstrap(account, region) {
      calls.push(`bootstrap aws://${account}/${region}`);
    },
  };
  return { deployer, calls };
}

async function run(_engine: LabEngine, work: (report: (e: EngineEvent) => void) => Promise<boolean>) {
  const events: EngineEvent[] = [];
  const ok = await work((e) => events.push(e));
  return { ok, events, done: events.at(-1) as Extract<EngineEvent, { type: 'done' }> };
}

describe('the AWS target', () => {
  test('asks before creating billable resources, naming account and region; no means nothing deployed', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice' });
    cfn
      .on(DescribeStacksCommand, { StackName: 'CDKToolkit' })
      .resolves({ Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] });
    const { deployer, calls } = recordingDeployer();
    const questions: string[] = [];
    const engine = new LabEngine(target, undefined, {
      confirm: async (q) => {
        questions.push(q);
        return false;
      },
      awsDeployer: deployer,
    });
    const { ok, done } = await run(engine, (r) => engine.deploy('lab-1', { solution: false }, r));
    assert.equal(ok, false);
    assert.equal(done.error?.code, 'NotConfirmed');
    assert.match(questions[0], /alice-lab-1 to AWS account 123456789012 in eu-west-1\?.*bills/);
    assert.deepEqual(calls, []);
  });

  test('credentials AWS refuses stop every operation with what to configure', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('The security token included in the request is invalid.'), { name: 'InvalidClientTokenId' }));
    const { deployer, calls } = recordingDeployer();
    const engine = new LabEngine(target, undefined, { confirm: async () => true, awsDeployer: deployer });
    for (const operation of [
      (r: (e: EngineEvent) => void) => engine.deploy('lab-1', { solution: false }, r),
      (r: (e: EngineEvent) => void) => engine.bootstrap(r),
      (r: (e: EngineEvent) => void) => engine.destroy('lab-1', r),
    ]) {
      const { ok, done } = await run(engine, operation);
      assert.equal(ok, false);
      assert.equal(done.error?.code, 'NoCredentials');
      assert.match(
        done.error!.message,
        /security token included in the request is invalid.*aws configure, AWS_PROFILE or environment variables/,
      );
    }
    assert.deepEqual(calls, []);
  });

  test('bootstrapping asks first, naming account and region; no means nothing created', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn' });
    cfn.on(DescribeStacksCommand).rejects(new Error('Stack with id CDKToolkit does not exist'));
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('Parameter not found'), { name: 'ParameterNotFound' }));
    const { deployer, calls } = recordingDeployer();
    const questions: string[] = [];
    const engine = new LabEngine(target, undefined, {
      confirm: async (q) => {
        questions.push(q);
        return false;
      },
      awsDeployer: deployer,
    });
    const { done } = await run(engine, (r) => engine.bootstrap(r));
    assert.equal(done.error?.code, 'NotConfirmed');
    assert.match(questions[0], /Bootstrap the CDK in AWS account 123456789012, region eu-west-1\?/);
    assert.deepEqual(calls, []);
  });

  test('without a way to ask (no --yes, no terminal), it refuses', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn' });
    cfn
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] });
    const { deployer, calls } = recordingDeployer();
    const engine = new LabEngine(target, undefined, { awsDeployer: deployer });
    const { done } = await run(engine, (r) => engine.deploy('lab-1', { solution: true, step: 4 }, r));
    assert.match(done.error!.message, /pass --yes/);
    assert.deepEqual(calls, []);
  });
});
