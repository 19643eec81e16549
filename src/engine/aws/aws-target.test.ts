import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Target } from '../../../labs/kit/target.ts';
import { LabEngine } from '../engine.ts';
import type { EngineEvent } from '../events.ts';
import type { AwsDeployer } from './toolkit.ts';

const target: Target = { kind: 'aws', region: 'eu-west-1', prefix: 'alice' };
const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const logs = mockClient(CloudWatchLogsClient);

afterEach(() => {
  sts.reset();
  cfn.reset();
  tagging.reset();
  logs.reset();
});

/** A deployer that records what it was asked instead of calling AWS. */
function recordingDeployer() {
  const calls: { action: string; stackName?: string; app?: App }[] = [];
  const deployer: AwsDeployer = {
    async deploy(build, stackName) {
      calls.push({ action: 'deploy', stackName, app: build(mkdtempSync(join(tmpdir(), 'aws-synth-')), {}, '123456789012') });
      return { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alice-RideCompletionTopic' };
    },
    async destroy(_build, stackName) {
      calls.push({ action: 'destroy', stackName });
    },
    async bootstrap(account, region) {
      calls.push({ action: `bootstrap aws://${account}/${region}` });
    },
  };
  return { deployer, calls };
}

async function run(engine: LabEngine, work: (report: (e: EngineEvent) => void) => Promise<boolean>) {
  const events: EngineEvent[] = [];
  const ok = await work((e) => events.push(e));
  return { ok, events, done: events.at(-1) as Extract<EngineEvent, { type: 'done' }> };
}

describe('the AWS target', () => {
  test('a missing CDK bootstrap stops the deploy with the command that fixes it', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice' });
    cfn.on(DescribeStacksCommand).rejects(new Error('Stack with id CDKToolkit does not exist'));
    const { deployer, calls } = recordingDeployer();
    const engine = new LabEngine(target, undefined, { confirm: async () => true, awsDeployer: deployer });
    const { ok, done } = await run(engine, (r) => engine.deploy('lab-1', { solution: false }, r));
    assert.equal(ok, false);
    assert.equal(done.error?.code, 'NotBootstrapped');
    assert.match(done.error!.message, /123456789012.*eu-west-1.*npx workshop bootstrap --target aws --region eu-west-1/);
    assert.deepEqual(calls, []);
  });

  test('asks before creating billable resources, naming account and region; no means nothing deployed', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice' });
    cfn.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).resolves({ Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] });
    const { deployer, calls } = recordingDeployer();
    const questions: string[] = [];
    const engine = new LabEngine(target, undefined, { confirm: async (q) => (questions.push(q), false), awsDeployer: deployer });
    const { ok, done } = await run(engine, (r) => engine.deploy('lab-1', { solution: false }, r));
    assert.equal(ok, false);
    assert.equal(done.error?.code, 'NotConfirmed');
    assert.match(questions[0], /alice-lab-1 to AWS account 123456789012 in eu-west-1\?.*bills/);
    assert.deepEqual(calls, []);
  });

  test('without a way to ask (no --yes, no terminal), it refuses', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn' });
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] });
    const { deployer, calls } = recordingDeployer();
    const engine = new LabEngine(target, undefined, { awsDeployer: deployer });
    const { done } = await run(engine, (r) => engine.deploy('lab-1', { solution: true, step: 4 }, r));
    assert.match(done.error!.message, /pass --yes/);
    assert.deepEqual(calls, []);
  });

  test('once confirmed, deploys the prefixed stack with every resource tagged', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn' });
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] });
    const { deployer, calls } = recordingDeployer();
    const engine = new LabEngine(target, undefined, { confirm: async () => true, awsDeployer: deployer });
    const { ok, done } = await run(engine, (r) => engine.deploy('lab-1', { solution: true, step: 4 }, r));
    assert.ok(ok, JSON.stringify(done.error));
    assert.equal(calls[0].stackName, 'alice-lab-1');
    assert.equal(done.outputs?.TopicArn, 'arn:aws:sns:eu-west-1:123456789012:alice-RideCompletionTopic');
    const stack = calls[0].app!.node.children.find((c) => c.node.id === 'Stack')!;
    const template = Template.fromStack(stack as never);
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'alice-RideCompletionTopic' });
    for (const type of ['AWS::SNS::Topic', 'AWS::DynamoDB::Table', 'AWS::Lambda::Function', 'AWS::IAM::Role']) {
      for (const resource of Object.values(template.findResources(type))) {
        const tags = Object.fromEntries((resource.Properties.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
        assert.deepEqual([tags.workshop, tags['workshop:lab'], tags['workshop:learner']], ['wild-rydes-async-messaging', 'lab-1', 'alice'], `${type} is not tagged`);
      }
    }
  });

  test("destroy lists what is still tagged for the learner afterwards, and the lab's functions' log groups Lambda recreated", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn' });
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [{ ResourceARN: 'arn:aws:sns:eu-west-1:123456789012:alice-RideCompletionTopic' }] });
    const group = (name: string) => ({ logGroupName: name, arn: `arn:aws:logs:eu-west-1:123456789012:log-group:${name}:*` });
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [group('/aws/lambda/alice-CustomerAccountingService'), group('/aws/lambda/alice-SomethingElse')] });
    const { deployer, calls } = recordingDeployer();
    const engine = new LabEngine(target, undefined, { awsDeployer: deployer });
    const { ok, events } = await run(engine, (r) => engine.destroy('lab-1', r));
    assert.ok(ok);
    assert.deepEqual(calls.map((c) => c.action), ['destroy']);
    assert.ok(events.some((e) => e.type === 'output' && e.line.includes('alice-RideCompletionTopic')));
    assert.ok(events.some((e) => e.type === 'output' && e.line.endsWith('log-group:/aws/lambda/alice-CustomerAccountingService')), 'a log group of the lab\'s function is a leftover');
    assert.ok(!events.some((e) => e.type === 'output' && e.line.includes('alice-SomethingElse')), 'a group of another lab is not');
    assert.equal(logs.commandCalls(DescribeLogGroupsCommand)[0].args[0].input.logGroupNamePrefix, '/aws/lambda/alice-');
    const filters = tagging.commandCalls(GetResourcesCommand)[0].args[0].input.TagFilters;
    assert.deepEqual(filters, [{ Key: 'workshop', Values: ['wild-rydes-async-messaging'] }, { Key: 'workshop:learner', Values: ['alice'] }, { Key: 'workshop:lab', Values: ['lab-1'] }]);
  });

  test('bootstrap asks first, then bootstraps the account and region', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn' });
    cfn.on(DescribeStacksCommand).rejects(new Error('Stack with id CDKToolkit does not exist'));
    const { deployer, calls } = recordingDeployer();
    const engine = new LabEngine(target, undefined, { confirm: async () => true, awsDeployer: deployer });
    const { ok } = await run(engine, (r) => engine.bootstrap(r));
    assert.ok(ok);
    assert.deepEqual(calls.map((c) => c.action), ['bootstrap aws://123456789012/eu-west-1']);
  });

  test("the CDK toolkit library synthesizes a lab through the engine's app builder (no AWS call)", async () => {
    const { Toolkit } = await import('@aws-cdk/toolkit-lib');
    const { buildApp } = await import('../deploy/synth.ts');
    const { loadLab } = await import('../registry.ts');
    const { loadStack } = await import('../stack-source.ts');
    const lab = await loadLab('lab-1');
    const stack = await loadStack(lab, { solution: true, step: 4 });
    const cdk = new Toolkit({ ioHost: { notify: async () => undefined, requestResponse: async (request) => request.defaultResponse } });
    const source = await cdk.fromAssemblyBuilder(async (props) => buildApp(lab, target, stack, { outdir: props.outdir!, context: props.context }).synth());
    const assembly = await cdk.synth(source);
    try {
      assert.deepEqual(assembly.cloudAssembly.stacks.map((s) => s.stackName), ['alice-lab-1']);
      assert.equal(assembly.cloudAssembly.stacks[0].environment.region, 'eu-west-1');
    } finally {
      await assembly.dispose();
    }
  });
});
