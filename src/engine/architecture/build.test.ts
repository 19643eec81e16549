import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildArchitecture, kindOfArn, tasksOf, unqualifiedFunctionArn } from './build.ts';
import type { StackSnapshot } from './snapshot.ts';

const A = 'arn:aws:%s:us-east-1:000000000000:';
const arn = (service: string, rest: string) => `${A.replace('%s', service)}${rest}`;

/** A small stack: a function publishing to a topic that feeds a queue (with its DLQ) drained by another function. */
function snapshot(): StackSnapshot {
  const topic = arn('sns', 'alice-Rides');
  const queue = arn('sqs', 'alice-Work');
  const dlq = arn('sqs', 'alice-WorkDLQ');
  return {
    region: 'us-east-1',
    account: '000000000000',
    resources: [
      { logicalId: 'Topic', type: 'AWS::SNS::Topic', physicalId: topic },
      { logicalId: 'Queue', type: 'AWS::SQS::Queue', physicalId: 'http://q/alice-Work' },
      { logicalId: 'Dlq', type: 'AWS::SQS::Queue', physicalId: 'http://q/alice-WorkDLQ' },
      { logicalId: 'Publisher', type: 'AWS::Lambda::Function', physicalId: 'alice-Publisher' },
      { logicalId: 'Worker', type: 'AWS::Lambda::Function', physicalId: 'alice-Worker' },
      { logicalId: 'PublisherRole', type: 'AWS::IAM::Role', physicalId: 'role' },
      { logicalId: 'Policy', type: 'AWS::IAM::Policy', physicalId: 'policy' },
      { logicalId: 'Widget', type: 'AWS::Glue::Job', physicalId: 'job' },
    ],
    template: {
      Resources: {
        Publisher: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['PublisherRole', 'Arn'] } } },
        Policy: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            Roles: [{ Ref: 'PublisherRole' }],
            PolicyDocument: {
              Statement: [
                { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: 'Topic' } },
                { Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: '*' },
              ],
            },
          },
        },
      },
    },
    topics: [
      {
        arn: topic,
        fifo: false,
        subscriptions: [
          { arn: `${topic}:sub-1`, protocol: 'sqs', endpoint: queue, rawDelivery: true, filterPolicy: '{"fare":[{"numeric":[">=",50]}]}' },
        ],
      },
    ],
    queues: [
      { arn: queue, url: 'http://q/alice-Work', fifo: false, deadLetterTargetArn: dlq, maxReceiveCount: 5 },
      { arn: dlq, url: 'http://q/alice-WorkDLQ', fifo: false },
    ],
    functions: [
      { arn: arn('lambda', 'function:alice-Publisher'), name: 'alice-Publisher', memoryMb: 256, timeoutSeconds: 10, mappings: [] },
      {
        arn: arn('lambda', 'function:alice-Worker'),
        name: 'alice-Worker',
        memoryMb: 512,
        timeoutSeconds: 10,
        mappings: [{ uuid: 'm-1', eventSourceArn: queue, batchSize: 10 }],
      },
    ],
    buckets: [],
    rules: [],
    stateMachines: [],
    streams: [],
    tables: [],
    eventBuses: [],
    apis: [],
    notes: [],
  };
}

test('a stack becomes nodes for its resources and edges for their links', () => {
  const graph = buildArchitecture('lab-2', 'alice-lab-2', 'CREATE_COMPLETE', snapshot());
  const label = (id: string) => graph.nodes.find((n) => n.id === id)!.label;
  assert.deepEqual(graph.edges.map((e) => `${label(e.source)} -${e.kind}-> ${label(e.target)}`).sort(), [
    'Publisher -sends-> Rides',
    'Rides -subscription-> Work',
    'Work -dead-letter-> WorkDLQ',
    'Work -mapping-> Worker',
  ]);
  const subscription = graph.edges.find((e) => e.kind === 'subscription')!;
  assert.equal(subscription.facts.rawDelivery, true);
  assert.equal(subscription.facts.subscriptionArn, arn('sns', 'alice-Rides:sub-1'));
  assert.equal(graph.edges.find((e) => e.kind === 'sends')!.label, 'publishes');
  assert.equal(graph.edges.find((e) => e.kind === 'mapping')!.facts.batchSize, 10);
  assert.equal(graph.nodes.find((n) => n.label === 'WorkDLQ')!.facts.deadLetter, true);
  assert.equal(graph.nodes.find((n) => n.label === 'Worker')!.facts.memoryMb, 512);
  assert.deepEqual(graph.nodes.find((n) => n.label === 'Work')!.aliases, ['http://q/alice-Work']);
  assert.deepEqual(graph.notes, ['Widget (AWS::Glue::Job) is not drawn.']);
});

test('links to something outside the stack add a node for it', () => {
  const s = snapshot();
  s.topics[0].subscriptions.push({ arn: 'sub-2', protocol: 'https', endpoint: 'https://example.com/hook', rawDelivery: false });
  const graph = buildArchitecture('lab-2', 'alice-lab-2', 'CREATE_COMPLETE', s);
  assert.equal(graph.nodes.find((n) => n.id === 'https://example.com/hook')!.kind, 'endpoint');
});

test('Task states name what they call, in every integration form', () => {
  const definition = JSON.stringify({
    StartAt: 'A',
    States: {
      A: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: arn('lambda', 'function:charge'), 'Payload.$': '$' },
        Next: 'B',
      },
      B: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: { TableName: 'Fares' }, Next: 'P' },
      P: {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: 'C',
            States: { C: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn: arn('sns', 't') }, End: true } },
          },
        ],
        Next: 'D',
      },
      D: { Type: 'Task', Resource: arn('lambda', 'function:direct'), End: true },
      E: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { 'QueueUrl.$': '$.queue' }, End: true },
    },
  });
  assert.deepEqual(
    tasksOf(definition).map((t) => [t.state, t.targets]),
    [
      ['A', [arn('lambda', 'function:charge')]],
      ['B', ['Fares']],
      ['P', []],
      ['C', [arn('sns', 't')]],
      ['D', [arn('lambda', 'function:direct')]],
      ['E', []],
    ].filter(([state]) => state !== 'P'),
  );
});

test('ARNs tell what they are; function qualifiers are dropped', () => {
  assert.equal(kindOfArn(arn('sqs', 'q')), 'queue');
  assert.equal(kindOfArn(arn('events', 'event-bus/default')), 'event-bus');
  assert.equal(kindOfArn(arn('events', 'rule/r')), 'rule');
  assert.equal(unqualifiedFunctionArn(arn('lambda', 'function:f:live')), arn('lambda', 'function:f'));
});
