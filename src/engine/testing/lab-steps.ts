import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import type { Snippet } from '../../../labs/kit/lab.ts';
import { startTestCloud, type TestCloud } from '../../cloud/testing/test-cloud.ts';
import { LabEngine } from '../engine.ts';
import type { EngineEvent } from '../events.ts';

type CheckpointEvent = Extract<EngineEvent, { type: 'checkpoint' }>;

async function collect(run: (report: (event: EngineEvent) => void) => Promise<boolean>) {
  const events: EngineEvent[] = [];
  const ok = await run((event) => events.push(event));
  const done = events.find((e) => e.type === 'done') as Extract<EngineEvent, { type: 'done' }>;
  return { ok, events, done, checkpoints: events.filter((e): e is CheckpointEvent => e.type === 'checkpoint') };
}

/**
 * Runs a snippet that runs until stopped (a worker) for a bounded time: starts it, runs the
 * snippet that feeds it, waits until its output shows it did that work, stops it as the page's
 * Stop button does, and checks that it then ends cleanly.
 */
async function runUntilStopped(engine: LabEngine, labId: string, snippet: Snippet): Promise<void> {
  const { feed, proof } = snippet.untilStopped!;
  const stop = new AbortController();
  const events: EngineEvent[] = [];
  const output = () => events.flatMap((e) => (e.type === 'output' ? [e.line] : [])).join('\n');
  const running = engine.run(labId, snippet.name, (event) => events.push(event), stop.signal);
  const fed = await collect((report) => engine.run(labId, feed, report));
  assert.ok(fed.ok, `snippet ${feed}, which feeds ${snippet.name}, failed: ${JSON.stringify(fed.done.error)}`);
  const deadline = Date.now() + 30_000;
  while (!proof.test(output())) {
    const done = events.find((e) => e.type === 'done');
    assert.ok(!done, `${snippet.name} ended before it was stopped: ${JSON.stringify(done)}\n${output()}`);
    assert.ok(Date.now() < deadline, `${snippet.name} did not show ${proof} within 30 s of ${feed}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  stop.abort();
  const stopped = await Promise.race([
    running,
    new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 10_000)),
  ]);
  assert.equal(
    stopped,
    true,
    `${snippet.name} did not stop cleanly within 10 s of being stopped: ${JSON.stringify(events.find((e) => e.type === 'done'))}\n${output()}`,
  );
}

/**
 * The contract every lab with a stack keeps, tested against a real local cloud: the starter fails
 * the first checkpoint; after "solution up to step N", checkpoints of steps 1..N pass and the
 * first checkpoint of step N+1 fails with its hint; the full solution passes everything; destroy
 * leaves nothing behind. `parameters` override the lab's local values of its stack parameters in
 * every deploy (shorter waits, say).
 */
export function testLabSteps(labId: string, options: { parameters?: Record<string, string> } = {}): void {
  describe(`${labId}: step by step against the local cloud`, () => {
    let cloud: TestCloud;
    let engine: LabEngine;

    before(async () => {
      cloud = await startTestCloud();
      engine = new LabEngine(cloud.target);
    });
    after(() => cloud.stop());

    const deploy = async (choice: Parameters<LabEngine['deploy']>[1]) => {
      const result = await collect((report) => engine.deploy(labId, choice, report, { parameters: options.parameters }));
      assert.ok(result.ok, `deploy ${JSON.stringify(choice)} failed: ${JSON.stringify(result.done.error)}`);
    };

    test('the starter deploys and fails the first checkpoint with its hint', async () => {
      const lab = await engine.lab(labId);
      await deploy({ solution: false });
      const { checkpoints } = await collect((report) => engine.verify(labId, report));
      assert.equal(checkpoints.length, lab.checkpoints.length);
      assert.equal(checkpoints[0].ok, false, `checkpoint ${checkpoints[0].id} passes on the starter`);
      assert.ok(checkpoints[0].hint.length > 20, 'a failing checkpoint says what to change');
    });

    test('after each step N, checkpoints 1..N pass and N+1 fails', async () => {
      const lab = await engine.lab(labId);
      for (const { n } of lab.steps) {
        await deploy({ solution: true, step: n });
        const { checkpoints } = await collect((report) => engine.verify(labId, report));
        for (const checkpoint of checkpoints.filter((c) => c.step <= n)) {
          assert.ok(checkpoint.ok, `after step ${n}, checkpoint "${checkpoint.id}" (step ${checkpoint.step}) fails: ${checkpoint.detail}`);
        }
        const next = checkpoints.find((c) => c.step === n + 1);
        if (next) assert.equal(next.ok, false, `after step ${n}, checkpoint "${next.id}" of step ${n + 1} already passes`);
      }
    });

    test('the full solution passes every checkpoint and runs every snippet; destroy removes everything', async () => {
      await deploy({ solution: true, step: Number.POSITIVE_INFINITY });
      const verified = await collect((report) => engine.verify(labId, report));
      assert.ok(
        verified.ok,
        `failing: ${verified.checkpoints
          .filter((c) => !c.ok)
          .map((c) => `${c.id}: ${c.detail}`)
          .join('; ')}`,
      );
      // The code a page shows is the code that runs: every snippet works on the solution.
      for (const snippet of (await engine.lab(labId)).snippets) {
        if (snippet.untilStopped) {
          await runUntilStopped(engine, labId, snippet);
          continue;
        }
        const ran = await collect((report) => engine.run(labId, snippet.name, report));
        const output = ran.events.flatMap((e) => (e.type === 'output' ? [e.line] : [])).join('\n');
        assert.ok(ran.ok, `snippet ${snippet.name} failed: ${JSON.stringify(ran.done.error)}\n${output}`);
      }
      const destroyed = await collect((report) => engine.destroy(labId, report));
      assert.ok(destroyed.ok, JSON.stringify(destroyed.done.error));
      const { services } = cloud;
      assert.equal(services.cloudformation.stacks.size, 0);
      assert.equal(services.lambda.functions.size, 0, 'functions left behind');
      assert.equal(services.sns.store.topics.size, 0, 'topics left behind');
      assert.equal(services.iam.roles.size, 0, 'roles left behind');
      assert.equal(services.apigateway.apis.size, 0, 'APIs left behind');
      assert.equal(services.eventBridge.rules.size, 0, 'rules left behind');
      assert.equal(services.eventSourceMappings.mappings.size, 0, 'event source mappings left behind');
      assert.equal(services.stepFunctions.machines.size, 0, 'state machines left behind');
      assert.equal(services.cloudWatch.alarms.size, 0, 'alarms left behind');
      // The deployer's own bootstrap version parameter stays, as the CDK bootstrap stack's does on AWS.
      assert.deepEqual(
        [...services.ssm.parameters.keys()].filter((name) => !name.startsWith('/cdk-bootstrap/')),
        [],
        'Parameter Store parameters left behind',
      );
      assert.deepEqual(
        [...services.logs.groups.keys()],
        [],
        'log groups left behind (give each function its log group in the stack: labFunction does)',
      );
      const { StreamNames = [] } = await services.kinesisIn('us-east-1').send(new ListStreamsCommand({}));
      assert.deepEqual(StreamNames, [], 'streams left behind');
      const { QueueUrls = [] } = await services.sqs.send(new ListQueuesCommand({}));
      assert.deepEqual(QueueUrls, [], 'queues left behind');
      const { TableNames = [] } = await services.dynamodb.send(new ListTablesCommand({}));
      assert.deepEqual(TableNames, [], 'tables left behind');
      const { Buckets = [] } = await services.s3.send(new ListBucketsCommand({}));
      assert.deepEqual(
        Buckets.map((b) => b.Name).filter((name) => !name?.startsWith('cdk-')),
        [],
        'buckets left behind (give them removalPolicy DESTROY and autoDeleteObjects)',
      );
      assert.deepEqual(
        [...services.ssm.parameters.keys()].filter((name) => !name.startsWith('/cdk-bootstrap/')),
        [],
        'SSM parameters left behind',
      );
    });
  });
}
