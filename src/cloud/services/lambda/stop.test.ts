import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { createTestFunction } from '../../testing/lambda-zip.ts';
import { startTestCloud } from '../../testing/test-cloud.ts';

test('a stopped cloud starts no execution environment for an invocation that arrives late (a poller, a retry)', async () => {
  const cloud = await startTestCloud();
  const lambda = new LambdaClient(clientConfig(cloud.target));
  await createTestFunction(lambda, 'late', 'exports.handler = async () => "ran";');
  await lambda.send(new InvokeCommand({ FunctionName: 'late', Payload: '{}' }));
  const fn = cloud.services.lambda.functions.get('late')!;
  assert.equal(cloud.services.lambda.environmentCount('late'), 1);
  await cloud.stop();
  const report = await cloud.services.lambda.run(fn, {}, 'sqs');
  assert.equal(report.error?.errorType, 'ServiceException');
  assert.equal(cloud.services.lambda.environmentCount('late'), 0, 'no process was started: nothing keeps the stopped cloud alive');
});
