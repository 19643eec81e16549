import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteObjectCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App, Stack as CdkStack, CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { publishAssets } from '../../../engine/deploy/assets.ts';
import { bootstrapTarget, waitForStack } from '../../testing/stacks.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

process.env.CDK_VALIDATION ??= 'false';

let cloud: TestCloud;
let cfn: CloudFormationClient;
let s3Client: S3Client;
let sqsClient: SQSClient;

before(async () => {
  cloud = await startTestCloud();
  cfn = new CloudFormationClient(clientConfig(cloud.target));
  s3Client = new S3Client({ ...clientConfig(cloud.target), forcePathStyle: true });
  sqsClient = new SQSClient(clientConfig(cloud.target));
  await bootstrapTarget(cloud.target);
});
after(() => cloud.stop());

/** A bucket notifying a queue, a topic (read through a queue) and a function, emptied on delete. */
function synthesize(stackName: string, options: { autoDeleteObjects: boolean }) {
  const outdir = mkdtempSync(join(tmpdir(), 's3-stack-'));
  const app = new App({ outdir });
  const stack = new CdkStack(app, 'S3Stack', { stackName, env: { region: 'us-east-1' } });
  const bucket = new s3.Bucket(stack, 'Uploads', { autoDeleteObjects: options.autoDeleteObjects, removalPolicy: RemovalPolicy.DESTROY });
  const rides = new sqs.Queue(stack, 'Rides');
  const removals = new sns.Topic(stack, 'Removals');
  const removalsQueue = new sqs.Queue(stack, 'RemovalsQueue');
  removals.addSubscription(new subscriptions.SqsSubscription(removalsQueue, { rawMessageDelivery: true }));
  const onPhoto = new lambda.Function(stack, 'OnPhoto', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async (event) => { console.log("EVENT " + JSON.stringify(event)); };'),
  });
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(rides), { prefix: 'rides/', suffix: '.json' });
  bucket.addEventNotification(s3.EventType.OBJECT_REMOVED, new s3n.SnsDestination(removals));
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED_PUT, new s3n.LambdaDestination(onPhoto), { prefix: 'photos/' });
  new CfnOutput(stack, 'BucketName', { value: bucket.bucketName });
  new CfnOutput(stack, 'RidesUrl', { value: rides.queueUrl });
  new CfnOutput(stack, 'RemovalsUrl', { value: removalsQueue.queueUrl });
  new CfnOutput(stack, 'FunctionName', { value: onPhoto.functionName });
  const artifact = app.synth().getStackByName(stackName);
  const manifest = JSON.parse(readFileSync(join(outdir, `${artifact.id}.assets.json`), 'utf8'));
  const assets = Object.entries<any>(manifest.files).flatMap(([id, file]) =>
    Object.values<any>(file.destinations).map((d) => ({
      id,
      path: join(outdir, file.source.path),
      packaging: file.source.packaging,
      bucketName: d.bucketName,
      objectKey: d.objectKey,
    })),
  );
  return { templateBody: readFileSync(join(outdir, artifact.templateFile), 'utf8'), assets };
}

async function deploy(options: { autoDeleteObjects: boolean }) {
  const StackName = uniqueName('s3-stack');
  const { templateBody, assets } = synthesize(StackName, options);
  await publishAssets(s3Client, assets, '000000000000', 'us-east-1', () => undefined);
  await cfn.send(new CreateStackCommand({ StackName, TemplateBody: templateBody, Capabilities: ['CAPABILITY_IAM'] }));
  const stack = await waitForStack(cfn, StackName);
  assert.equal(stack.StackStatus, 'CREATE_COMPLETE', stack.StackStatusReason);
  return { StackName, stack, outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!])) };
}

async function receiveRecords(QueueUrl: string): Promise<any[]> {
  const records: any[] = [];
  for (const deadline = Date.now() + 3_000; records.length === 0 && Date.now() < deadline; ) {
    const { Messages = [] } = await sqsClient.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    records.push(...Messages.map((m) => JSON.parse(m.Body!)).flatMap((body) => body.Records ?? []));
  }
  return records;
}

describe('S3 in CloudFormation', () => {
  test('a CDK bucket with queue, topic and function notifications and autoDeleteObjects deploys, notifies and is deleted', async () => {
    const { StackName, stack, outputs } = await deploy({ autoDeleteObjects: true });
    const Bucket = outputs.BucketName;
    const configuration = await s3Client.send(new GetBucketNotificationConfigurationCommand({ Bucket }));
    assert.equal(configuration.QueueConfigurations?.length, 1);
    assert.equal(configuration.TopicConfigurations?.length, 1);
    assert.equal(configuration.LambdaFunctionConfigurations?.length, 1);
    const { TagSet = [] } = await s3Client.send(new GetBucketTaggingCommand({ Bucket }));
    assert.ok(TagSet.some((t) => t.Key === 'aws-cdk:auto-delete-objects' && t.Value === 'true'));
    assert.match((await s3Client.send(new GetBucketPolicyCommand({ Bucket }))).Policy!, /s3:DeleteObject\*/);

    await s3Client.send(new PutObjectCommand({ Bucket, Key: 'rides/ride-1.json', Body: '{"ride":1}' }));
    await s3Client.send(new PutObjectCommand({ Bucket, Key: 'photos/p.jpg', Body: 'jpg' }));
    const [record] = await receiveRecords(outputs.RidesUrl);
    assert.equal(record.eventName, 'ObjectCreated:Put');
    assert.equal(record.s3.bucket.name, Bucket);
    assert.equal(record.s3.object.key, 'rides/ride-1.json');

    const logs = new CloudWatchLogsClient(clientConfig(cloud.target));
    let logged: string | undefined;
    for (const deadline = Date.now() + 5_000; !logged && Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const { events = [] } = await logs
        .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${outputs.FunctionName}` }))
        .catch(() => ({ events: [] }));
      logged = events.find((e) => e.message?.includes('photos/p.jpg'))?.message;
    }
    assert.ok(logged, 'the function received the photo event');

    await cfn.send(new DeleteStackCommand({ StackName }));
    const deleted = await waitForStack(cfn, stack.StackId!);
    assert.equal(deleted.StackStatus, 'DELETE_COMPLETE', deleted.StackStatusReason);
    await assert.rejects(s3Client.send(new HeadBucketCommand({ Bucket })), 'the bucket is gone, its objects emptied first');
  });

  test('the topic destination receives removals, and a bucket with objects but no auto-delete fails to delete like AWS', async () => {
    const { StackName, stack, outputs } = await deploy({ autoDeleteObjects: false });
    const Bucket = outputs.BucketName;
    await s3Client.send(new PutObjectCommand({ Bucket, Key: 'keep.txt', Body: 'x' }));
    await s3Client.send(new PutObjectCommand({ Bucket, Key: 'gone.txt', Body: 'x' }));
    await s3Client.send(new DeleteObjectCommand({ Bucket, Key: 'gone.txt' }));
    const [removed] = await receiveRecords(outputs.RemovalsUrl);
    assert.equal(removed.eventName, 'ObjectRemoved:Delete');
    assert.equal(removed.s3.object.key, 'gone.txt');

    await cfn.send(new DeleteStackCommand({ StackName }));
    const failed = await waitForStack(cfn, stack.StackId!);
    assert.equal(failed.StackStatus, 'DELETE_FAILED');
    assert.match(failed.StackStatusReason!, /BucketNotEmpty|not empty/);
    await s3Client.send(new HeadBucketCommand({ Bucket }));
  });
});
