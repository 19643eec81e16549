// What only a real AWS account shows, with SDK client mocks: the account and region named in the
// question, and the pages of DescribeStacks an account with many stacks returns. The cleanup itself
// is proven against a real local cloud in account.test.ts.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { CloudFormationClient, DeleteStackCommand, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { Target } from '../../labs/kit/target.ts';
import { cleanupClass, workshopStacks } from './account.ts';
import { answering } from './testing.ts';

const target: Target = { kind: 'aws', region: 'eu-west-1', prefix: 'instructor' };
const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
const tags = (learner: string, lab: string) => [
  { Key: 'workshop', Value: 'wild-rydes-async-messaging' },
  { Key: 'workshop:learner', Value: learner },
  { Key: 'workshop:lab', Value: lab },
];
const stack = (name: string, extra: Partial<Stack>): Stack => ({
  StackName: name,
  StackId: `arn:aws:cloudformation:eu-west-1:123456789012:stack/${name}/1`,
  StackStatus: 'CREATE_COMPLETE',
  CreationTime: new Date(),
  ...extra,
});

afterEach(() => {
  sts.reset();
  cfn.reset();
});

test("on AWS, every page of stacks is read and only the workshop's are taken (CDKToolkit and others stay)", async () => {
  cfn
    .on(DescribeStacksCommand)
    .resolvesOnce({ Stacks: [stack('ana-lab-1', { Tags: tags('ana', 'lab-1') }), stack('CDKToolkit', {})], NextToken: 'page-2' })
    .resolvesOnce({
      Stacks: [
        stack('billing-prod', { Tags: [{ Key: 'team', Value: 'billing' }] }),
        stack('bob-lab-2', { Tags: tags('bob', 'lab-2'), StackStatus: 'DELETE_FAILED' }),
      ],
    });
  assert.deepEqual(
    (await workshopStacks(target)).map((s) => [s.name, s.learner, s.lab, s.status]),
    [
      ['ana-lab-1', 'ana', 'lab-1', 'CREATE_COMPLETE'],
      ['bob-lab-2', 'bob', 'lab-2', 'DELETE_FAILED'],
    ],
  );
  assert.equal(cfn.commandCalls(DescribeStacksCommand)[1].args[0].input.NextToken, 'page-2');
});

test('on AWS, the question names the account and region, and a no deletes nothing', async () => {
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/instructor' });
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('ana-lab-1', { Tags: tags('ana', 'lab-1') })] });
  const { questions, confirm } = answering(false);
  await assert.rejects(cleanupClass(target, { report: () => undefined, confirm }), /Nothing was deleted/);
  assert.deepEqual(questions, ['Delete this stack of 1 learner and every resource in it, in AWS account 123456789012, region eu-west-1?']);
  assert.equal(cfn.commandCalls(DeleteStackCommand).length, 0);
});

test('without credentials, cleanup says how to get them before it looks at anything', async () => {
  sts.on(GetCallerIdentityCommand).rejects(new Error('Could not load credentials from any providers'));
  await assert.rejects(
    cleanupClass(target, { report: () => undefined, confirm: async () => true }),
    /No AWS credentials work for eu-west-1.*aws configure/,
  );
  assert.equal(cfn.commandCalls(DescribeStacksCommand).length, 0);
});
