import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../../../labs/kit/clients.ts';
import { bootstrapTarget } from '../../cloud/testing/stacks.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../cloud/testing/test-cloud.ts';
import type { EngineEvent } from '../events.ts';
import { publishLargeTemplate, TEMPLATE_BODY_LIMIT } from './assets.ts';
import { assetsBucket } from './bootstrap.ts';
import { applyStack } from './stack-operations.ts';

let cloud: TestCloud;
let s3: S3Client;
let cfn: CloudFormationClient;
const accountId = '000000000000';

before(async () => {
  cloud = await startTestCloud();
  s3 = new S3Client({ ...clientConfig(cloud.target), forcePathStyle: true });
  cfn = new CloudFormationClient(clientConfig(cloud.target));
  await bootstrapTarget(cloud.target);
});
after(() => cloud.stop());

/** A template with `topics` topics, each with a long description of the ride it announces. */
function template(topics: number, label: string): string {
  const resources = Object.fromEntries(
    Array.from({ length: topics }, (_, i) => [
      `Topic${i}`,
      { Type: 'AWS::SNS::Topic', Properties: { DisplayName: `${label} ${i}`.padEnd(90, '.') } },
    ]),
  );
  return JSON.stringify({ Resources: resources }, null, 1);
}

describe('the deployer and templates over the TemplateBody limit', () => {
  test('a template that fits is sent as TemplateBody', async () => {
    const body = template(2, 'small');
    assert.equal(
      await publishLargeTemplate(
        s3,
        { templateBody: body, assets: [] },
        { endpoint: cloud.endpoint, accountId, region: 'us-east-1' },
        () => undefined,
      ),
      undefined,
    );
  });

  test('a larger one goes to the bootstrap bucket and deploys from its TemplateURL, as cdk deploy does', async () => {
    const stackName = uniqueName('large');
    const body = template(400, 'large');
    assert.ok(Buffer.byteLength(body) > TEMPLATE_BODY_LIMIT, `the template is ${Buffer.byteLength(body)} bytes`);
    const messages: string[] = [];
    const templateAsset = {
      id: 'tpl',
      path: '/tmp/Stack.template.json',
      packaging: 'file' as const,
      bucketName: 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}',
      objectKey: 'abc123.json',
    };
    const url = await publishLargeTemplate(
      s3,
      { templateBody: body, assets: [templateAsset] },
      { endpoint: cloud.endpoint, accountId, region: 'us-east-1' },
      (m) => messages.push(m),
    );
    assert.equal(url, `${cloud.endpoint}/${assetsBucket(accountId, 'us-east-1')}/abc123.json`);
    assert.match(messages[0], /Published the template/);
    const object = await s3.send(new GetObjectCommand({ Bucket: assetsBucket(accountId, 'us-east-1'), Key: 'abc123.json' }));
    assert.equal(await object.Body!.transformToString(), body);

    const events: EngineEvent[] = [];
    const stack = await applyStack(cfn, { stackName, templateBody: body, templateUrl: url, tags: {} }, (e) => events.push(e), 50);
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE', stack.StackStatusReason);
    assert.equal(events.filter((e) => e.type === 'resource' && e.status === 'CREATE_COMPLETE').length, 400);
    assert.equal((await cfn.send(new GetTemplateCommand({ StackName: stackName }))).TemplateBody, body);
    // Without the upload, CloudFormation refuses it.
    await assert.rejects(
      applyStack(cfn, { stackName: uniqueName('large'), templateBody: body, tags: {} }, () => undefined, 50),
      /less than or equal to 51200/,
    );
  });
});
