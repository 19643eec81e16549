import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  EventBridgeClient,
  InvalidEventPatternException,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';
import { renderTemplate } from './input-transformer.ts';

let cloud: TestCloud;
let events: EventBridgeClient;
let sqs: SQSClient;
before(async () => {
  cloud = await startTestCloud();
  events = new EventBridgeClient(clientConfig(cloud.target));
  sqs = new SQSClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

const LAB1_PATTERN = { source: ['wildrydes.rides'], detail: { fare: [{ numeric: ['>=', 50] }], distance: [{ numeric: ['>=', 20] }] } };

async function queueFor(ruleArn: string | undefined) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('extraordinary') }));
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  if (ruleArn) {
    const Policy = JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
        },
      ],
    });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy } }));
  }
  return { QueueUrl: QueueUrl!, queueArn };
}

const ride = (fare: number, distance: number) => ({
  Source: 'wildrydes.rides',
  DetailType: 'RideCompleted',
  Detail: JSON.stringify({ id: `r-${fare}-${distance}`, fare, distance }),
});
const bodies = async (QueueUrl: string) =>
  ((await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages ?? []).map((m) => JSON.parse(m.Body!));

describe('EventBridge', () => {
  test('a rule routes matching events to its target, the envelope as AWS builds it', async () => {
    const Name = uniqueName('extraordinary');
    const { RuleArn } = await events.send(new PutRuleCommand({ Name, EventPattern: JSON.stringify(LAB1_PATTERN) }));
    const { QueueUrl, queueArn } = await queueFor(RuleArn);
    await events.send(new PutTargetsCommand({ Rule: Name, Targets: [{ Id: 'queue', Arn: queueArn }] }));
    const result = await events.send(new PutEventsCommand({ Entries: [ride(256.5, 600), ride(12, 600), ride(256.5, 3)] }));
    assert.equal(result.FailedEntryCount, 0);
    const received = await bodies(QueueUrl);
    assert.equal(received.length, 1);
    assert.deepEqual(Object.keys(received[0]).sort(), [
      'account',
      'detail',
      'detail-type',
      'id',
      'region',
      'resources',
      'source',
      'time',
      'version',
    ]);
    assert.equal(received[0].detail.id, 'r-256.5-600');
    assert.equal(received[0]['detail-type'], 'RideCompleted');
  });

  test('an input transformer shapes what the target receives', async () => {
    const Name = uniqueName('shaped');
    const { RuleArn } = await events.send(new PutRuleCommand({ Name, EventPattern: JSON.stringify({ source: ['wildrydes.rides'] }) }));
    const { QueueUrl, queueArn } = await queueFor(RuleArn);
    await events.send(
      new PutTargetsCommand({
        Rule: Name,
        Targets: [
          {
            Id: 'q',
            Arn: queueArn,
            InputTransformer: {
              InputPathsMap: { ride: '$.detail.id', fare: '$.detail.fare' },
              InputTemplate: '{"ride": <ride>, "fare": <fare>, "label": "ride <ride>"}',
            },
          },
        ],
      }),
    );
    await events.send(new PutEventsCommand({ Entries: [ride(70, 30)] }));
    const [body] = await bodies(QueueUrl);
    assert.deepEqual(body, { ride: 'r-70-30', fare: 70, label: 'ride r-70-30' });
  });

  test('a queue whose policy does not allow the rule receives nothing', async () => {
    const Name = uniqueName('denied');
    await events.send(new PutRuleCommand({ Name, EventPattern: JSON.stringify({ source: ['wildrydes.rides'] }) }));
    const { QueueUrl, queueArn } = await queueFor(undefined);
    await events.send(new PutTargetsCommand({ Rule: Name, Targets: [{ Id: 'q', Arn: queueArn }] }));
    await events.send(new PutEventsCommand({ Entries: [ride(70, 30)] }));
    assert.deepEqual(await bodies(QueueUrl), []);
  });

  test('TestEventPattern, and invalid patterns refused by name', async () => {
    const event = JSON.stringify({
      id: '1',
      account: '000000000000',
      source: 'wildrydes.rides',
      time: '2026-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      'detail-type': 'RideCompleted',
      detail: { fare: 60, distance: 25 },
    });
    assert.equal(
      (await events.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(LAB1_PATTERN), Event: event }))).Result,
      true,
    );
    await assert.rejects(
      events.send(new PutRuleCommand({ Name: uniqueName('bad'), EventPattern: '{"detail":{"fare":[{"numeric":[">=","x"]}]}}' })),
      InvalidEventPatternException,
    );
  });
});

test('input templates: strings in quotes go in as they are, other values as JSON', () => {
  const event = { detail: { id: 'r1', fare: 70, tags: ['a'] } };
  assert.equal(
    renderTemplate(
      '{"id": "<id>", "fare": <fare>, "tags": <tags>}',
      { id: '$.detail.id', fare: '$.detail.fare', tags: '$.detail.tags' },
      event,
      'arn:aws:events:us-east-1:0:rule/r',
    ),
    '{"id": "r1", "fare": 70, "tags": ["a"]}',
  );
  assert.equal(renderTemplate('Ride <id> cost <fare>', { id: '$.detail.id', fare: '$.detail.fare' }, event, 'arn'), 'Ride r1 cost 70');
});
