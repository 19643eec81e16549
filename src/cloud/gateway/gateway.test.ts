import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, describe, test } from 'node:test';
import { CreateTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientConfig } from '../../../labs/kit/clients.ts';
import { startTestCloud, type TestCloud } from '../testing/test-cloud.ts';

let cloud: TestCloud;
before(async () => {
  cloud = await startTestCloud();
});
after(() => cloud.stop());

describe('the gateway', () => {
  test('answers STS GetCallerIdentity', async () => {
    const identity = await new STSClient(clientConfig(cloud.target)).send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Account, '000000000000');
  });

  test('names a service it does not emulate', async () => {
    const response = await fetch(`${cloud.endpoint}/`, {
      method: 'POST',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/glacier/aws4_request, SignedHeaders=host, Signature=x',
      },
    });
    assert.equal(response.status, 400);
    assert.match((await response.json()).message, /does not emulate the AWS service "glacier"/);
  });

  test('an unknown action is an AWS-shaped error, and a malformed body does not take the cloud down', async () => {
    const sign = {
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=x',
      'content-type': 'application/x-www-form-urlencoded',
    };
    // An SNS action the local cloud does not emulate is named as such; a name SNS does not have is AWS's InvalidAction.
    const unsupported = await fetch(`${cloud.endpoint}/`, {
      method: 'POST',
      headers: sign,
      body: 'Action=CreatePlatformApplication&Version=2010-03-31',
    });
    assert.equal(unsupported.status, 501);
    assert.match(await unsupported.text(), /<Code>UnsupportedOperation<\/Code>.*does not support SNS CreatePlatformApplication/s);
    const unknown = await fetch(`${cloud.endpoint}/`, { method: 'POST', headers: sign, body: 'Action=LaunchRocket&Version=2010-03-31' });
    assert.equal(unknown.status, 400);
    assert.match(await unknown.text(), /<Code>InvalidAction<\/Code>.*The action LaunchRocket is not valid/s);
    const garbage = await fetch(`${cloud.endpoint}/`, {
      method: 'POST',
      headers: {
        ...sign,
        authorization: sign.authorization.replace('/sns/', '/logs/'),
        'x-amz-target': 'Logs_20140328.DescribeLogGroups',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{not json',
    });
    assert.equal(garbage.status, 400);
    assert.equal((await garbage.json()).__type, 'SerializationException');
    const identity = await new STSClient(clientConfig(cloud.target)).send(new GetCallerIdentityCommand({}));
    assert.ok(identity.Account);
  });

  test('speaks HTTP/2 cleartext on the same port', async () => {
    const session = http2.connect(cloud.endpoint);
    const body = await new Promise<string>((resolve, reject) => {
      const stream = session.request({ ':path': '/_workshop/health' });
      let data = '';
      stream.on('data', (chunk) => (data += chunk));
      stream.on('end', () => resolve(data));
      stream.on('error', reject);
    });
    session.close();
    assert.equal(JSON.parse(body).status, 'ok');
  });

  test('streams cloud events as server-sent events with a stable shape', async () => {
    const controller = new AbortController();
    const response = await fetch(`${cloud.endpoint}/_workshop/events`, { signal: controller.signal });
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const reader = response.body!.getReader();
    await new SNSClient(clientConfig(cloud.target)).send(new CreateTopicCommand({ Name: 'events-shape' }));
    let text = '';
    while (!text.includes('topic-created')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const data = JSON.parse(/data: (.*)\n/.exec(text.slice(text.indexOf('event: sns.topic-created')))![1]);
    assert.deepEqual(Object.keys(data).sort(), ['detail', 'resource', 'seq', 'service', 'time', 'type']);
    assert.equal(data.resource, 'arn:aws:sns:us-east-1:000000000000:events-shape');
  });

  test('reset empties the cloud', async () => {
    const sns = new SNSClient(clientConfig(cloud.target));
    await sns.send(new CreateTopicCommand({ Name: 'before-reset' }));
    const response = await fetch(`${cloud.endpoint}/_workshop/reset`, { method: 'POST' });
    assert.equal(response.status, 200);
    assert.deepEqual((await sns.send(new ListTopicsCommand({}))).Topics, []);
  });
});
