import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, CreateLogGroupCommand, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTopicCommand, DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startTestCloud, type TestCloud } from '../../cloud/testing/test-cloud.ts';
import { WORKSHOP_TAG, WORKSHOP_TAG_VALUE } from '../deploy/synth.ts';
import { LabEngine } from '../engine.ts';
import type { EngineEvent } from '../events.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { resolveTarget } from '../target.ts';

/**
 * The AWS target's own code path (the CDK toolkit library, CloudFormation change sets, the
 * Resource Groups Tagging API), run for real against a local cloud standing in for an account:
 * AWS_ENDPOINT_URL sends every AWS SDK client there, as it would to any AWS-compatible endpoint.
 * Every lab with a stack (as found in labs/) is bootstrapped, deployed, verified and destroyed,
 * and then nothing the workshop tagged for it is left.
 */

const exec = promisify(execFile);
const prefix = `a${Math.random().toString(36).slice(2, 8)}`;
const REGION = 'us-east-1';
// The target as `--target aws` resolves it: no endpoint of its own, the SDK's environment decides.
const target = resolveTarget({ target: 'aws', prefix, region: REGION }, {});
const engine = new LabEngine(target, undefined, { confirm: async () => true });
const labs = (await engine.labs()).filter((lab) => lab.hasStack);

let cloud: TestCloud;
let environment: NodeJS.ProcessEnv;

before(async () => {
  cloud = await startTestCloud();
  environment = {
    AWS_ENDPOINT_URL: cloud.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_DEFAULT_PROFILE;
  Object.assign(process.env, environment);
});
after(() => cloud.stop());

const clients = () => ({
  cfn: new CloudFormationClient({ region: REGION }),
  sns: new SNSClient({ region: REGION }),
  ssm: new SSMClient({ region: REGION }),
  logs: new CloudWatchLogsClient({ region: REGION }),
});

async function run(work: (report: (event: EngineEvent) => void) => Promise<boolean>) {
  const events: EngineEvent[] = [];
  const ok = await work((event) => events.push(event));
  const done = events.find((e) => e.type === 'done') as Extract<EngineEvent, { type: 'done' }>;
  const said = events.map((e) => (e.type === 'progress' ? e.message : e.type === 'output' ? e.line : '')).filter(Boolean);
  return { ok, events, done, said, why: `${JSON.stringify(done.error)}\n${said.slice(-15).join('\n')}` };
}

test('an account without the CDK bootstrap is told how to bootstrap it, and nothing is deployed', {
  skip: labs.length === 0 && 'no lab has a stack',
}, async () => {
  const result = await run((report) => engine.deploy(labs[0].id, { solution: true, step: Number.POSITIVE_INFINITY }, report));
  assert.equal(result.done.error?.code, 'NotBootstrapped', result.why);
  assert.match(result.done.error!.message, /npx workshop bootstrap --target aws --region us-east-1/);
  const { StackSummaries = [] } = await clients().cfn.send(new ListStacksCommand({}));
  assert.deepEqual(StackSummaries, []);
});

test("a bootstrap version parameter without its stack (the local target's) is reported with what to do", async () => {
  const { ssm } = clients();
  await ssm.send(new PutParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version', Value: '30', Type: 'String' }));
  const result = await run((report) => engine.bootstrap(report));
  assert.equal(result.done.error?.code, 'BootstrapParameterExists', result.why);
  assert.match(result.done.error!.message, /npx workshop reset/);
  await ssm.send(new DeleteParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version' }));
});

test('npx workshop bootstrap --target aws creates the CDK bootstrap stack through a change set', async () => {
  const cli = async () =>
    exec(process.execPath, [join(PROJECT_ROOT, 'bin', 'workshop.mjs'), 'bootstrap', '--target', 'aws', '--yes', '--prefix', prefix], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...environment, NO_COLOR: '1' },
    });
  const first = await cli().catch((error) => assert.fail(`bootstrap failed:\n${error.stdout}\n${error.stderr}`));
  assert.match(first.stdout + first.stderr, /creating CloudFormation changeset/);
  const { cfn, ssm } = clients();
  const [toolkit] = (await cfn.send(new DescribeStacksCommand({ StackName: 'CDKToolkit' }))).Stacks!;
  assert.equal(toolkit.StackStatus, 'CREATE_COMPLETE', toolkit.StackStatusReason);
  const outputs = Object.fromEntries(toolkit.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
  assert.equal(outputs.BucketName, `cdk-hnb659fds-assets-000000000000-${REGION}`);
  assert.equal(
    (await ssm.send(new GetParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version' }))).Parameter!.Value,
    outputs.BootstrapVersion,
  );
  const again = await cli();
  assert.match(again.stdout, /already bootstrapped in us-east-1 \(CDKToolkit is CREATE_COMPLETE\)/);
});

describe('every lab with a stack, through --target aws', { concurrency: true }, () => {
  for (const lab of labs) {
    test(`${lab.id}: deploy the solution, verify it, destroy it, and nothing tagged is left`, { timeout: 240_000 }, async () => {
      // The lab's local values of its stack parameters (Lab 3's delays and deadline: seconds, not
      // half a minute), given as a learner's overrides are: the toolkit passes them on.
      const parameters = Object.fromEntries(
        Object.entries((await engine.lab(lab.id)).parameters ?? {}).map(([name, p]) => [name, String(p.local)]),
      );
      const deployed = await run((report) =>
        engine.deploy(lab.id, { solution: true, step: Number.POSITIVE_INFINITY }, report, { parameters }),
      );
      assert.ok(deployed.ok, `deploy failed: ${deployed.why}`);
      assert.ok(Object.keys(deployed.done.outputs ?? {}).length > 0, 'the toolkit returns the stack outputs');
      const { Stacks = [] } = await clients().cfn.send(new DescribeStacksCommand({ StackName: `${prefix}-${lab.id}` }));
      const given = new Map((Stacks[0]?.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
      for (const [name, value] of Object.entries(parameters)) assert.equal(given.get(name), value, `the stack's ${name}`);

      const verified = await run((report) => engine.verify(lab.id, report));
      const failing = verified.events.filter((e): e is Extract<EngineEvent, { type: 'checkpoint' }> => e.type === 'checkpoint' && !e.ok);
      assert.ok(verified.ok, `failing checkpoints: ${failing.map((c) => `${c.id}: ${c.detail}`).join('; ') || verified.why}`);

      // While deployed, the leftovers check sees the lab's tagged resources: it is looking.
      assert.ok((await engine.leftovers(lab.id)).length > 0, 'the deployed resources are found by their tags');

      // Something the stack does not own (made by hand, say) and tagged for the lab stays after destroy.
      const { sns, cfn, logs } = clients();
      const { StackResourceSummaries = [] } = await cfn.send(new ListStackResourcesCommand({ StackName: `${prefix}-${lab.id}` }));
      const functionName = StackResourceSummaries.find((r) => r.ResourceType === 'AWS::Lambda::Function')?.PhysicalResourceId;
      const tags = [
        { Key: WORKSHOP_TAG, Value: WORKSHOP_TAG_VALUE },
        { Key: 'workshop:learner', Value: prefix },
        { Key: 'workshop:lab', Value: lab.id },
      ];
      const { TopicArn: stray } = await sns.send(new CreateTopicCommand({ Name: `${prefix}-${lab.id}-by-hand`, Tags: tags }));

      const destroyed = await run((report) => engine.destroy(lab.id, report));
      assert.ok(destroyed.ok, `destroy failed: ${destroyed.why}`);
      assert.ok(
        destroyed.said.some((line) => line.includes(stray!)),
        `destroy names what is left: ${destroyed.said.join(' | ')}`,
      );
      assert.deepEqual(await engine.leftovers(lab.id), [stray]);
      await sns.send(new DeleteTopicCommand({ TopicArn: stray }));
      assert.deepEqual(await engine.leftovers(lab.id), [], 'nothing tagged for the lab is left');
      // A log group Lambda made for one of the lab's functions (untagged, outside the stack) is a leftover too.
      if (functionName) {
        const logGroupName = `/aws/lambda/${functionName}`;
        await logs.send(new CreateLogGroupCommand({ logGroupName }));
        const left = await engine.leftovers(lab.id);
        assert.equal(left.length, 1, `only the function's log group is left: ${left.join(', ')}`);
        assert.ok(left[0].endsWith(`log-group:${logGroupName}`), left[0]);
        await logs.send(new DeleteLogGroupCommand({ logGroupName }));
        assert.deepEqual(await engine.leftovers(lab.id), []);
      }
      assert.equal((await engine.status(lab.id)).deployed, false);
    });
  }
});
