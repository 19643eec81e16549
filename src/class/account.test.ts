// The shared account, as the instructor cleans it up: stacks of several learners deployed on a real
// local cloud through the endpoint target, listed, verified by prefix and deleted through the same
// public APIs as on AWS, the Resource Groups Tagging API included. What the local cloud cannot
// stand in for (AWS's pages, its minutes of lag after a delete, an account that refuses the call)
// comes from an SDK client mock in the tests that need it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import type { Target } from '../../labs/kit/target.ts';
import { startTestCloud, type TestCloud } from '../cloud/testing/test-cloud.ts';
import { LabEngine } from '../engine/engine.ts';
import type { EngineEvent } from '../engine/events.ts';
import { PROJECT_ROOT } from '../engine/paths.ts';
import { cleanupClass, resourceType, verifyLearners, workshopResources, workshopStacks } from './account.ts';
import { answering } from './testing.ts';

const exec = promisify(execFile);
/** The Tagging API as AWS answers in the cases a local cloud does not show; restored after each test. */
const taggingMock = () => mockClient(ResourceGroupsTaggingAPIClient);
let tagging: ReturnType<typeof taggingMock> | undefined;
const mockTagging = () => (tagging = taggingMock());
let cloud: TestCloud;
let target: Target;
const tagged = (arn: string, learner: string, lab = 'lab-1') => ({
  ResourceARN: arn,
  Tags: [
    { Key: 'workshop', Value: 'wild-rydes-async-messaging' },
    { Key: 'workshop:lab', Value: lab },
    { Key: 'workshop:learner', Value: learner },
  ],
});

before(async () => {
  cloud = await startTestCloud();
  target = { kind: 'endpoint', endpoint: cloud.endpoint, region: 'us-east-1', prefix: 'instructor' };
  for (const prefix of ['ana', 'bob']) {
    const events: EngineEvent[] = [];
    const ok = await new LabEngine({ ...target, prefix }).deploy('lab-1', { solution: true, step: 1 }, (e) => events.push(e));
    assert.ok(ok, JSON.stringify(events.at(-1)));
  }
});

afterEach(() => {
  tagging?.restore();
  tagging = undefined;
});
after(() => cloud?.stop());

describe('a shared account, as the instructor sees it', { timeout: 120_000 }, () => {
  test("lists every learner's stacks by the workshop's tags", async () => {
    assert.deepEqual(
      (await workshopStacks(target)).map(({ name, learner, lab, status }) => [name, learner, lab, status]),
      [
        ['ana-lab-1', 'ana', 'lab-1', 'CREATE_COMPLETE'],
        ['bob-lab-1', 'bob', 'lab-1', 'CREATE_COMPLETE'],
      ],
    );
  });

  test("lists every learner's tagged resources with their lab and type, from the Tagging API", async () => {
    const resources = await workshopResources(target);
    for (const learner of ['ana', 'bob']) {
      const theirs = resources.filter((r) => r.learner === learner);
      assert.ok(theirs.length > 0 && theirs.every((r) => r.lab === 'lab-1'), `${learner}: ${JSON.stringify(theirs)}`);
      assert.ok(
        theirs.some((r) => r.type === 'sns' && r.arn.endsWith(`:${learner}-RideCompletionTopic`)),
        `${learner}'s topic is listed`,
      );
      assert.ok(
        theirs.some((r) => r.type === 'lambda:function'),
        `${learner}'s functions are listed`,
      );
    }
  });

  test('follows the Tagging API page after page', async () => {
    mockTagging()
      .on(GetResourcesCommand)
      .resolvesOnce({
        ResourceTagMappingList: [tagged('arn:aws:sns:us-east-1:000000000000:bob-RideCompletionTopic', 'bob')],
        PaginationToken: 'next',
      })
      .resolvesOnce({
        ResourceTagMappingList: [tagged('arn:aws:lambda:us-east-1:000000000000:function:ana-UnicornManagement', 'ana')],
        PaginationToken: '',
      });
    const resources = await workshopResources(target);
    assert.deepEqual(
      resources.map((r) => [r.learner, r.lab, r.type]),
      [
        ['ana', 'lab-1', 'lambda:function'],
        ['bob', 'lab-1', 'sns'],
      ],
    );
    const filters = tagging!.commandCalls(GetResourcesCommand).map((c) => c.args[0].input);
    assert.deepEqual(filters[0].TagFilters, [{ Key: 'workshop', Values: ['wild-rydes-async-messaging'] }], 'every learner, not one');
    assert.equal(filters[1].PaginationToken, 'next');
    assert.equal(resourceType('arn:aws:dynamodb:us-east-1:1:table/ana-Rides'), 'dynamodb:table');
  });

  test("runs any learner's checkpoints against their prefix", async () => {
    const results = await verifyLearners(target, 'lab-1', ['ana', 'bob', 'zoe']);
    assert.deepEqual(
      results.map((r) => [r.prefix, r.passed, r.total, r.failing[0]?.id]),
      [
        ['ana', 1, 8, 'publisher-configured'],
        ['bob', 1, 8, 'publisher-configured'],
        ['zoe', 0, 8, 'topic-exists'],
      ],
    );
    assert.match(results[0].failing[0].hint, /TOPIC_ARN/);
  });

  test('cleanup asks first: no, or no way to ask, deletes nothing', async () => {
    await assert.rejects(cleanupClass(target, { report: () => undefined }), /needs your confirmation \(pass --yes in a script\)/);
    const { questions, confirm } = answering(false);
    await assert.rejects(cleanupClass(target, { report: () => undefined, confirm }), /Nothing was deleted/);
    assert.match(
      questions[0],
      /^Delete these 2 stacks of 2 learners and every resource in them, in http:\/\/localhost:\d+ \(account 000000000000, region us-east-1\)\?$/,
    );
    const cli = await exec(
      process.execPath,
      [join(PROJECT_ROOT, 'bin', 'workshop.mjs'), 'class', 'cleanup', '--endpoint', cloud.endpoint],
      { cwd: PROJECT_ROOT, env: { ...process.env, NO_COLOR: '1' } },
    ).catch((e) => e);
    assert.equal(cli.code, 1);
    assert.match(cli.stdout, /ana-lab-1 +learner ana/);
    assert.match(cli.stderr, /Nothing was deleted: cleaning up needs your confirmation/);
    assert.equal((await workshopStacks(target)).length, 2);
  });

  test("cleanup deletes every learner's stacks, then waits until nothing tagged is left", async () => {
    // AWS keeps listing a deleted resource for a while: the first look still finds one.
    mockTagging()
      .on(GetResourcesCommand)
      .resolvesOnce({ ResourceTagMappingList: [tagged('arn:aws:sns:us-east-1:000000000000:bob-RideCompletionTopic', 'bob')] })
      .resolves({ ResourceTagMappingList: [] });
    const lines: string[] = [];
    const result = await cleanupClass(target, {
      confirm: async () => true,
      report: (e) => lines.push(e.type === 'progress' ? e.message : e.type === 'output' ? e.line : ''),
      settleMs: 10_000,
      pollMs: 20,
    });
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.destroyed.sort(), ['ana-lab-1', 'bob-lab-1']);
    assert.deepEqual(result.leftovers, []);
    assert.equal(result.ok, true);
    assert.deepEqual(await workshopStacks(target), []);
    assert.equal(cloud.services.cloudformation.stacks.size, 0);
    assert.ok(
      lines.some((l) => /1 resource is still tagged by the workshop; AWS takes a few minutes/.test(l)),
      lines.join('\n'),
    );
    assert.equal(tagging!.commandCalls(GetResourcesCommand).length, 2);
  });

  test('what is still tagged after the wait is the proof that something billable remains', async () => {
    mockTagging()
      .on(GetResourcesCommand)
      .resolves({ ResourceTagMappingList: [tagged('arn:aws:s3:::ana-uploads', 'ana', 'lab-2')] });
    const result = await cleanupClass(target, { confirm: async () => true, report: () => undefined, settleMs: 50, pollMs: 20 });
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.leftovers.map((r) => [r.learner, r.lab, r.arn]),
      [['ana', 'lab-2', 'arn:aws:s3:::ana-uploads']],
    );
  });

  test('a tagging API that cannot be asked is an error, never "nothing left"', async () => {
    mockTagging().on(GetResourcesCommand).rejects(new Error('AccessDeniedException: not authorized to perform tag:GetResources'));
    await assert.rejects(
      cleanupClass(target, { confirm: async () => true, report: () => undefined }),
      /what is left could not be checked: AccessDenied/,
    );
  });
});
