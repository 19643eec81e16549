import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CloudFormationClient,
  CreateStackCommand,
  GetTemplateCommand,
  UpdateStackCommand,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { waitForStack } from '../../testing/stacks.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';
import { parseTemplateUrl } from './template-source.ts';

let cloud: TestCloud;
let cfn: CloudFormationClient;
let s3: S3Client;
const Bucket = 'cfn-templates-test';

before(async () => {
  cloud = await startTestCloud();
  cfn = new CloudFormationClient(clientConfig(cloud.target));
  s3 = new S3Client({ ...clientConfig(cloud.target), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket }));
});
after(() => cloud.stop());

/** A valid template of at least `bytes` bytes (padded with Metadata, which CloudFormation keeps as is). */
function templateOfSize(bytes: number, displayName = 'Rides'): string {
  const base = { Metadata: { Padding: '' }, Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: displayName } } } };
  base.Metadata.Padding = 'x'.repeat(Math.max(0, bytes - JSON.stringify(base).length));
  return JSON.stringify(base);
}

async function upload(Key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket, Key, Body: body }));
}

describe('CloudFormation templates from S3 (TemplateURL) and the template size limits', () => {
  test('a TemplateBody over 51,200 bytes is refused with AWS’s constraint message', async () => {
    const body = templateOfSize(51_201);
    await assert.rejects(
      cfn.send(new CreateStackCommand({ StackName: uniqueName('big'), TemplateBody: body })),
      /at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to 51200/,
    );
    await assert.rejects(cfn.send(new ValidateTemplateCommand({ TemplateBody: body })), /less than or equal to 51200/);
    const fits = templateOfSize(51_200);
    assert.equal(Buffer.byteLength(fits), 51_200);
    assert.ok(await cfn.send(new ValidateTemplateCommand({ TemplateBody: fits })));
  });

  test('creates from a local path-style TemplateURL and updates from an https virtual-hosted one', async () => {
    const StackName = uniqueName('url');
    const first = templateOfSize(120_000);
    await upload(`${StackName}/v1.json`, first);
    await cfn.send(new CreateStackCommand({ StackName, TemplateURL: `${cloud.endpoint}/${Bucket}/${StackName}/v1.json` }));
    const created = await waitForStack(cfn, StackName);
    assert.equal(created.StackStatus, 'CREATE_COMPLETE', created.StackStatusReason);
    assert.equal((await cfn.send(new GetTemplateCommand({ StackName }))).TemplateBody, first);

    const second = templateOfSize(120_000, 'Rides v2');
    await upload(`${StackName}/v2.json`, second);
    await cfn.send(new UpdateStackCommand({ StackName, TemplateURL: `https://${Bucket}.s3.us-east-1.amazonaws.com/${StackName}/v2.json` }));
    const updated = await waitForStack(cfn, StackName);
    assert.equal(updated.StackStatus, 'UPDATE_COMPLETE', updated.StackStatusReason);
    const topic = [...cloud.services.sns.store.topics.values()].find((t) => t.name.startsWith(`${StackName}-Topic`));
    assert.equal(topic?.attributes.DisplayName, 'Rides v2');
    await assert.rejects(
      cfn.send(new UpdateStackCommand({ StackName, TemplateURL: `https://s3.amazonaws.com/${Bucket}/${StackName}/v2.json` })),
      /No updates are to be performed/,
    );
  });

  test('ValidateTemplate reads a TemplateURL too', async () => {
    await upload(
      'validate.json',
      JSON.stringify({
        Description: 'from S3',
        Parameters: { Env: { Type: 'String', Default: 'dev' } },
        Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
      }),
    );
    const result = await cfn.send(
      new ValidateTemplateCommand({ TemplateURL: `https://s3.us-east-1.amazonaws.com/${Bucket}/validate.json` }),
    );
    assert.equal(result.Description, 'from S3');
    assert.deepEqual(
      result.Parameters?.map((p) => p.ParameterKey),
      ['Env'],
    );
  });

  test('refuses URLs that are not S3, objects that are missing, and objects over 1 MB, as AWS does', async () => {
    const create = (TemplateURL: string) => cfn.send(new CreateStackCommand({ StackName: uniqueName('url'), TemplateURL }));
    await assert.rejects(create(`s3://${Bucket}/validate.json`), /TemplateURL must be an Amazon S3 URL\./);
    await assert.rejects(create('https://example.com/template.json'), /TemplateURL must be an Amazon S3 URL\./);
    await assert.rejects(
      create(`${cloud.endpoint}/${Bucket}/missing.json`),
      /TemplateURL must reference a valid S3 object to which you have access\./,
    );
    await upload('huge.json', templateOfSize(1_000_001));
    await assert.rejects(create(`${cloud.endpoint}/${Bucket}/huge.json`), /Template may not exceed 1000000 bytes in size\./);
    await assert.rejects(
      cfn.send(
        new CreateStackCommand({
          StackName: uniqueName('url'),
          TemplateBody: '{}',
          TemplateURL: `${cloud.endpoint}/${Bucket}/validate.json`,
        }),
      ),
      /Exactly one of TemplateBody, TemplateUrl/,
    );
    await assert.rejects(
      cfn.send(new CreateStackCommand({ StackName: uniqueName('url') })),
      /Either Template URL or Template Body must be specified/,
    );
  });

  test('parses the URL forms S3 documents', () => {
    assert.deepEqual(parseTemplateUrl('https://s3.amazonaws.com/b/k/t.json'), { bucket: 'b', key: 'k/t.json' });
    assert.deepEqual(parseTemplateUrl('https://s3-eu-west-1.amazonaws.com/b/t.json'), { bucket: 'b', key: 't.json' });
    assert.deepEqual(parseTemplateUrl('https://my.bucket.s3.eu-west-1.amazonaws.com/a%20b.json'), { bucket: 'my.bucket', key: 'a b.json' });
    assert.deepEqual(parseTemplateUrl('https://b.s3.amazonaws.com/t.json'), { bucket: 'b', key: 't.json' });
    assert.deepEqual(parseTemplateUrl('http://localhost:4566/cdk-hnb659fds-assets-000000000000-us-east-1/abc.json'), {
      bucket: 'cdk-hnb659fds-assets-000000000000-us-east-1',
      key: 'abc.json',
    });
    assert.throws(() => parseTemplateUrl('http://s3.amazonaws.com/b/t.json'), /must be an Amazon S3 URL/);
  });
});
