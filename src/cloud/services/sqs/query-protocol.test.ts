import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HttpRequest } from '../../aws/http.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';
import { isSqsQueryRequest, jsonErrorToAwsError, jsonToQueryXml, queryToJson, sqsQueryEndpoint } from './query-protocol.ts';

const form = (body: string, url = '/') => ({ url, headers: { host: 'localhost:4566' }, body: Buffer.from(body) });

describe('SQS query protocol: requests', () => {
  test('flattened message attributes, numbers and lists become the JSON input', () => {
    const { action, input } = queryToJson(
      form(
        'Action=SendMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2Fq&MessageBody=hi&DelaySeconds=2' +
          '&MessageAttribute.1.Name=color&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=red' +
          '&MessageAttribute.2.Name=raw&MessageAttribute.2.Value.DataType=Binary&MessageAttribute.2.Value.BinaryValue=aGk%3D',
      ),
    );
    assert.equal(action, 'SendMessage');
    assert.deepEqual(input, {
      QueueUrl: 'http://q',
      MessageBody: 'hi',
      DelaySeconds: 2,
      MessageAttributes: { color: { DataType: 'String', StringValue: 'red' }, raw: { DataType: 'Binary', BinaryValue: 'aGk=' } },
    });
  });

  test('queue attributes and tags of CreateQueue, attribute names of ReceiveMessage', () => {
    assert.deepEqual(
      queryToJson(form('Action=CreateQueue&QueueName=q&Attribute.1.Name=DelaySeconds&Attribute.1.Value=5&Tag.1.Key=lab&Tag.1.Value=1'))
        .input,
      {
        QueueName: 'q',
        Attributes: { DelaySeconds: '5' },
        tags: { lab: '1' },
      },
    );
    assert.deepEqual(
      queryToJson(
        form(
          'Action=ReceiveMessage&QueueUrl=u&AttributeName.1=All&MessageAttributeName.1=color&MessageAttributeName.2=size&MaxNumberOfMessages=10',
        ),
      ).input,
      {
        QueueUrl: 'u',
        AttributeNames: ['All'],
        MessageAttributeNames: ['color', 'size'],
        MaxNumberOfMessages: 10,
      },
    );
  });

  test('batch entries keep their order and their own attributes', () => {
    const { input } = queryToJson(
      form(
        'Action=SendMessageBatch&QueueUrl=u&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=y' +
          '&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=x&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=k' +
          '&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=Number&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=3',
      ),
    );
    assert.deepEqual(input.Entries, [
      { Id: 'a', MessageBody: 'x', MessageAttributes: { k: { DataType: 'Number', StringValue: '3' } } },
      { Id: 'b', MessageBody: 'y' },
    ]);
  });

  test('older SDKs post to the queue URL and leave QueueUrl out; signature parameters are not input', () => {
    const { input } = queryToJson(
      form('Action=PurgeQueue&Version=2012-11-05&AWSAccessKeyId=test&SignatureVersion=2&Signature=x', '/000000000000/orders'),
    );
    assert.deepEqual(input, { QueueUrl: 'http://localhost:4566/000000000000/orders' });
  });

  test('a GET carries the form in its query string', () => {
    assert.deepEqual(queryToJson({ ...form(''), url: '/?Action=ListQueues&QueueNamePrefix=a' }).input, { QueueNamePrefix: 'a' });
  });

  test('unknown parameters, malformed numbers and unsupported actions fail loudly', () => {
    assert.throws(() => queryToJson(form('Action=SendMessage&QueueUrl=u&MessageBody=x&Colour=red')), {
      code: 'InvalidParameterValue',
      message: /Colour/,
    });
    assert.throws(() => queryToJson(form('Action=ReceiveMessage&QueueUrl=u&MaxNumberOfMessages=ten')), {
      code: 'InvalidParameterValue',
      message: /MaxNumberOfMessages/,
    });
    assert.throws(() => queryToJson(form('Action=AddPermission&QueueUrl=u&Label=l')), {
      code: 'UnsupportedOperation',
      message: /AddPermission/,
    });
  });

  test('form posts and GETs naming an Action are query requests; JSON posts are not', () => {
    assert.equal(isSqsQueryRequest('POST', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, '/'), true);
    assert.equal(isSqsQueryRequest('GET', {}, '/000000000000/q?Action=ReceiveMessage'), true);
    assert.equal(isSqsQueryRequest('POST', { 'content-type': 'application/x-amz-json-1.0' }, '/'), false);
  });
});

describe('SQS query protocol: responses', () => {
  test('messages render with flattened attributes and message attributes', () => {
    const xml = jsonToQueryXml(
      'ReceiveMessage',
      {
        Messages: [
          {
            MessageId: 'm1',
            ReceiptHandle: 'r&1',
            MD5OfBody: 'md5',
            Body: '<b>',
            Attributes: { SentTimestamp: '1' },
            MessageAttributes: { color: { StringValue: 'red', DataType: 'String' } },
          },
        ],
      },
      'req-1',
    );
    assert.equal(
      xml,
      '<?xml version="1.0"?>\n<ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ReceiveMessageResult>' +
        '<Message><MessageId>m1</MessageId><ReceiptHandle>r&amp;1</ReceiptHandle><MD5OfBody>md5</MD5OfBody><Body>&lt;b&gt;</Body>' +
        '<Attribute><Name>SentTimestamp</Name><Value>1</Value></Attribute>' +
        '<MessageAttribute><Name>color</Name><Value><StringValue>red</StringValue><DataType>String</DataType></Value></MessageAttribute></Message>' +
        '</ReceiveMessageResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></ReceiveMessageResponse>',
    );
  });

  test('lists repeat their element, batch failures carry booleans, empty results only the request id', () => {
    assert.match(
      jsonToQueryXml('ListQueues', { QueueUrls: ['a', 'b'] }, 'r'),
      /<ListQueuesResult><QueueUrl>a<\/QueueUrl><QueueUrl>b<\/QueueUrl><\/ListQueuesResult>/,
    );
    assert.match(
      jsonToQueryXml(
        'DeleteMessageBatch',
        { Successful: [{ Id: '1' }], Failed: [{ Id: '2', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'bad' }] },
        'r',
      ),
      /<DeleteMessageBatchResultEntry><Id>1<\/Id><\/DeleteMessageBatchResultEntry><BatchResultErrorEntry><Id>2<\/Id><SenderFault>true<\/SenderFault><Code>ReceiptHandleIsInvalid<\/Code>/,
    );
    assert.match(
      jsonToQueryXml('DeleteQueue', {}, 'r'),
      /^<\?xml version="1.0"\?>\n<DeleteQueueResponse [^>]+><ResponseMetadata><RequestId>r<\/RequestId><\/ResponseMetadata><\/DeleteQueueResponse>$/,
    );
  });

  test('JSON error shapes map to the codes query clients match on', () => {
    assert.equal(
      jsonErrorToAwsError(400, '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"gone"}').code,
      'AWS.SimpleQueueService.NonExistentQueue',
    );
    assert.equal(jsonErrorToAwsError(400, '{"__type":"com.amazonaws.sqs#QueueNameExists","message":"x"}').code, 'QueueAlreadyExists');
    assert.equal(
      jsonErrorToAwsError(400, '{"__type":"com.amazonaws.sqs#InvalidParameterValue","message":"x"}').code,
      'InvalidParameterValue',
    );
    assert.equal(jsonErrorToAwsError(500, 'oops').senderFault, false);
  });

  test('the endpoint calls the JSON action and answers XML, errors included', async () => {
    const calls: HttpRequest[] = [];
    const endpoint = sqsQueryEndpoint(async (request) => {
      calls.push(request);
      return request.headers['x-amz-target'] === 'AmazonSQS.GetQueueUrl'
        ? {
            status: 400,
            headers: {},
            body: '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}',
          }
        : { status: 200, headers: {}, body: '{"QueueUrl":"http://localhost/000000000000/q"}' };
    });
    const request = (body: string): HttpRequest => ({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'h' },
      body: Buffer.from(body),
      region: 'us-east-1',
    });
    const created = await endpoint(request('Action=CreateQueue&QueueName=q'));
    assert.equal(created.status, 200);
    assert.match(String(created.body), /<CreateQueueResult><QueueUrl>http:\/\/localhost\/000000000000\/q<\/QueueUrl><\/CreateQueueResult>/);
    assert.equal(calls[0].headers['content-type'], 'application/x-amz-json-1.0');
    assert.deepEqual(JSON.parse(calls[0].body.toString()), { QueueName: 'q' });
    const missing = await endpoint(request('Action=GetQueueUrl&QueueName=nope'));
    assert.equal(missing.status, 400);
    assert.match(
      String(missing.body),
      /<Error><Type>Sender<\/Type><Code>AWS.SimpleQueueService.NonExistentQueue<\/Code><Message>The specified queue does not exist.<\/Message><\/Error>/,
    );
  });
});

describe('SQS query protocol through the gateway', () => {
  let cloud: TestCloud;
  before(async () => {
    cloud = await startTestCloud();
  });
  after(() => cloud.stop());

  // Signed the way any SDK signs: the gateway reads the service and region from the credential scope.
  const authorization = 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0';
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${cloud.endpoint}${path}`, { ...init, headers: { authorization, ...(init.headers as Record<string, string>) } });
  const post = (path: string, body: string) =>
    call(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  test('an old client posting to the queue URL, and a GET with the form in the query string', async () => {
    const name = uniqueName('old');
    const created = await (await post('/', `Action=CreateQueue&Version=2012-11-05&QueueName=${name}`)).text();
    const queueUrl = /<QueueUrl>([^<]+)<\/QueueUrl>/.exec(created)![1];
    const path = new URL(queueUrl).pathname;
    assert.equal((await post(path, 'Action=SendMessage&Version=2012-11-05&MessageBody=from-the-path')).status, 200);
    const received = await (await call(`${path}?Action=ReceiveMessage&Version=2012-11-05&AttributeName.1=All`)).text();
    assert.match(received, /<Body>from-the-path<\/Body>/);
    assert.match(received, /<Attribute><Name>ApproximateReceiveCount<\/Name><Value>1<\/Value><\/Attribute>/);
    // Receives through the query protocol count in CloudWatch like any other.
    await call(`${path}?Action=ReceiveMessage&Version=2012-11-05`);
    const sums = (metric: string) =>
      cloud.services.cloudWatch.metrics.statistics('AWS/SQS', metric, { QueueName: name }, 0, Date.now() + 1, 3600, 'Sum')[0]?.value;
    assert.deepEqual([sums('NumberOfMessagesReceived'), sums('NumberOfEmptyReceives')], [1, 1]);
  });

  test('a queue is created in the region the request was signed for', async () => {
    const name = uniqueName('eu');
    const euAuthorization = authorization.replace('us-east-1', 'eu-west-1');
    const headers = { authorization: euAuthorization, 'content-type': 'application/x-www-form-urlencoded' };
    const created = await (
      await fetch(`${cloud.endpoint}/`, { method: 'POST', headers, body: `Action=CreateQueue&QueueName=${name}` })
    ).text();
    const queueUrl = /<QueueUrl>([^<]+)<\/QueueUrl>/.exec(created)![1];
    const body = `Action=GetQueueAttributes&QueueUrl=${encodeURIComponent(queueUrl)}&AttributeName.1=QueueArn`;
    const attributes = await (await fetch(`${cloud.endpoint}/`, { method: 'POST', headers, body })).text();
    assert.match(
      attributes,
      new RegExp(`<Attribute><Name>QueueArn</Name><Value>arn:aws:sqs:eu-west-1:000000000000:${name}</Value></Attribute>`),
    );
  });

  test('errors come back as query-protocol XML', async () => {
    const answer = await post('/', `Action=GetQueueUrl&Version=2012-11-05&QueueName=${uniqueName('missing')}`);
    assert.equal(answer.status, 400);
    assert.equal(answer.headers.get('content-type'), 'text/xml');
    assert.match(await answer.text(), /<Code>AWS.SimpleQueueService.NonExistentQueue<\/Code>/);
  });

  test('message move tasks are served too', async () => {
    const empty = await post(
      '/',
      `Action=ListMessageMoveTasks&Version=2012-11-05&SourceArn=arn:aws:sqs:us-east-1:000000000000:${uniqueName('dlq')}`,
    );
    assert.equal(empty.status, 200);
    assert.match(await empty.text(), /<ListMessageMoveTasksResponse [^>]+><ListMessageMoveTasksResult><\/ListMessageMoveTasksResult>/);

    const dlq = uniqueName('dlq');
    const dlqArn = `arn:aws:sqs:us-east-1:000000000000:${dlq}`;
    const dlqUrl = /<QueueUrl>([^<]+)</.exec(await (await post('/', `Action=CreateQueue&QueueName=${dlq}`)).text())![1];
    const redrive = encodeURIComponent(JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }));
    await post('/', `Action=CreateQueue&QueueName=${uniqueName('source')}&Attribute.1.Name=RedrivePolicy&Attribute.1.Value=${redrive}`);
    await post('/', `Action=SendMessage&QueueUrl=${encodeURIComponent(dlqUrl)}&MessageBody=failed`);
    const started = await (await post('/', `Action=StartMessageMoveTask&SourceArn=${dlqArn}&MaxNumberOfMessagesPerSecond=50`)).text();
    assert.match(started, /<StartMessageMoveTaskResult><TaskHandle>[^<]+<\/TaskHandle><\/StartMessageMoveTaskResult>/);
    const listed = await (await post('/', `Action=ListMessageMoveTasks&SourceArn=${dlqArn}&MaxResults=10`)).text();
    assert.match(
      listed,
      new RegExp(
        `<Results>(<TaskHandle>[^<]+</TaskHandle>)?<Status>(RUNNING|COMPLETED)</Status><SourceArn>${dlqArn}</SourceArn><MaxNumberOfMessagesPerSecond>50</MaxNumberOfMessagesPerSecond>`,
      ),
    );
    assert.match(listed, /<StartedTimestamp>\d+<\/StartedTimestamp><\/Results>/);
  });
});
