import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { clientConfig } from '../../labs/kit/clients.ts';
import { handlerZip, TEST_ROLE } from '../cloud/testing/lambda-zip.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../cloud/testing/test-cloud.ts';
import { labMetrics } from './metrics.ts';

let cloud: TestCloud;
before(async () => {
  cloud = await startTestCloud();
});
after(() => cloud.stop());

const total = (values: number[]) => values.reduce((a, b) => a + b, 0);

test('a chart line can sum one metric over several resources: a list of outputs, or an output that lists names', async () => {
  const lambda = new LambdaClient(clientConfig(cloud.target));
  const names = [uniqueName('provider'), uniqueName('provider'), uniqueName('provider')];
  for (const FunctionName of names)
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName,
        Runtime: 'nodejs22.x',
        Role: TEST_ROLE,
        Handler: 'index.handler',
        Code: { ZipFile: handlerZip('exports.handler = async () => "quote";') },
      }),
    );
  // 1 + 2 + 3 invocations.
  for (const [i, FunctionName] of names.entries()) for (let n = 0; n <= i; n++) await lambda.send(new InvokeCommand({ FunctionName }));
  const outputs = { ProviderNames: names.join(','), FirstName: names[0], SecondName: names[1] };
  const answer = await labMetrics(
    cloud.target,
    {
      periodSeconds: 3600,
      minutes: 5,
      series: [
        { output: 'ProviderNames', namespace: 'AWS/Lambda', metric: 'Invocations', stat: 'Sum', label: 'all providers' },
        { output: ['FirstName', 'SecondName'], namespace: 'AWS/Lambda', metric: 'Invocations', stat: 'Sum' },
        { output: 'SecondName', namespace: 'AWS/Lambda', metric: 'Invocations', stat: 'Sum', label: 'second' },
        { output: ['FirstName', 'NotYetDeployed'], namespace: 'AWS/Lambda', metric: 'Invocations', stat: 'Sum' },
      ],
    },
    async () => outputs,
  );
  assert.deepEqual(
    answer.series.map((s) => [s.label, total(s.values), s.missing]),
    [
      ['all providers', 6, undefined],
      ['FirstName + SecondName Invocations', 3, undefined],
      ['second', 2, undefined],
      ['FirstName + NotYetDeployed Invocations', 0, 'the stack has no output NotYetDeployed yet'],
    ],
  );
});

test('a series without an output, or with too many, is refused with the reason', async () => {
  const outputs = async () => ({});
  await assert.rejects(
    labMetrics(cloud.target, { series: [{ output: [], metric: 'Invocations', namespace: 'AWS/Lambda' }] }, outputs),
    /one stack output, or a list of up to 20/,
  );
  const many = Array.from({ length: 21 }, (_, i) => `Name${i}`);
  await assert.rejects(
    labMetrics(cloud.target, { series: [{ output: many, metric: 'Invocations', namespace: 'AWS/Lambda' }] }, outputs),
    /one stack output, or a list of up to 20/,
  );
});
