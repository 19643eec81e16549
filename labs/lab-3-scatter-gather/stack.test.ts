import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { loadLab } from '../../src/engine/registry.ts';
import { labTemplates } from '../../src/engine/testing/lab-templates.ts';

const { starter, steps } = await labTemplates('lab-3');
const lab = await loadLab('lab-3');
const full = steps[5];

type Resource = { Type: string; Properties: Record<string, any> };
const resources = (template: Template, type: string) => Object.values(template.findResources(type)) as Resource[];
const functionNamed = (template: Template, name: string) =>
  resources(template, 'AWS::Lambda::Function').find((f) => f.Properties.FunctionName === `alice-${name}`)!;
const queueNamed = (template: Template, name: string) =>
  Object.entries(template.findResources('AWS::SQS::Queue')).find(([, q]) => q.Properties.QueueName === `alice-${name}`)!;
/** The policy statements of every IAM policy of a template. */
const statements = (template: Template) =>
  resources(template, 'AWS::IAM::Policy').flatMap(
    (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
  );
const grants = (template: Template, action: string, resource: RegExp) =>
  statements(template).some((s) => [s.Action].flat().includes(action) && resource.test(JSON.stringify(s.Resource)));

describe('Lab 3 stacks', () => {
  test('the starter: the booking table, the simulation switch, the API with its POST route, and fifteen functions connected to nothing', () => {
    starter.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'alice-RidesBooking',
      KeySchema: [
        { AttributeName: 'id', KeyType: 'HASH' },
        { AttributeName: 'responder', KeyType: 'RANGE' },
      ],
    });
    starter.hasResourceProperties('AWS::SSM::Parameter', { Name: '/wild-rydes/alice/provider-simulation', Type: 'String', Value: '{}' });
    starter.resourceCountIs('AWS::Lambda::Function', 15);
    starter.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'submit-instant-ride-rfq' });
    starter.resourceCountIs('AWS::ApiGateway::Method', 1);
    for (const type of ['AWS::SNS::Topic', 'AWS::SQS::Queue', 'AWS::Lambda::EventSourceMapping']) starter.resourceCountIs(type, 0);
    const inventory = (template: Template) =>
      Object.values(template.toJSON().Resources as Record<string, { Type: string }>)
        .map((r) => r.Type)
        .sort();
    assert.deepEqual(inventory(steps[0]), inventory(starter), 'step 0 of the solution is the starter');
  });

  test('provider delays and the deadline are stack parameters whose defaults are the AWS values the workshop passes', () => {
    const declared = full.toJSON().Parameters as Record<string, { Type: string; Default: unknown; MinValue?: number; MaxValue?: number }>;
    for (const [name, parameter] of Object.entries(lab.parameters ?? {})) {
      assert.equal(declared[name]?.Type, 'Number', `${name} is a Number parameter of the stack`);
      assert.equal(String(declared[name].Default), String(parameter.aws), `${name}'s default is the value lab.ts passes on AWS`);
      assert.ok(Number(parameter.local) <= Number(parameter.aws), `${name} is shorter locally`);
      assert.equal(declared[name].MaxValue, 900, `${name} is at most 900 s, the longest message delay SQS allows`);
    }
    assert.equal(starter.toJSON().Parameters.DeadlineSeconds, undefined, 'the deadline arrives in step 5');
    for (const name of ['ProviderMaxDelaySeconds', 'SlowProviderDelaySeconds']) {
      const env = functionNamed(starter, 'UnicornManagementResource4').Properties.Environment.Variables;
      assert.ok(
        Object.values(env).some((v) => JSON.stringify(v) === JSON.stringify({ Ref: name })),
        `the providers read ${name}`,
      );
    }
  });

  test('step 1 (scatter): a standard topic, the Request for Quotes Service publishing to it, ten providers subscribed', () => {
    steps[1].hasResourceProperties('AWS::SNS::Topic', { TopicName: 'alice-RequestForQuotesTopic', FifoTopic: Match.absent() });
    const subscriptions = resources(steps[1], 'AWS::SNS::Subscription');
    assert.equal(subscriptions.length, 10);
    assert.ok(
      subscriptions.every(
        (s) => s.Properties.Protocol === 'lambda' && /UnicornManagementResource\d+/.test(JSON.stringify(s.Properties.Endpoint)),
      ),
    );
    assert.match(
      JSON.stringify(functionNamed(steps[1], 'RequestForQuotesService').Properties.Environment.Variables.TOPIC_ARN),
      /^\{"Ref":"RequestForQuotesTopic\w+"\}$/,
    );
    assert.ok(grants(steps[1], 'sns:Publish', /RequestForQuotesTopic/));
  });

  test('step 2 (gather): the response queue with its dead-letter queue, the providers answering on it, the Quotes Response Service reading it', () => {
    const [id, queue] = queueNamed(steps[2], 'RequestForQuotesResponseQueue');
    const timeout = functionNamed(steps[2], 'QuotesResponseService').Properties.Timeout;
    assert.ok(
      queue.Properties.VisibilityTimeout >= 6 * timeout,
      `visibility timeout ${queue.Properties.VisibilityTimeout} s is at least six times the consumer's ${timeout} s`,
    );
    assert.equal(queue.Properties.RedrivePolicy.maxReceiveCount, 5);
    assert.match(JSON.stringify(queue.Properties.RedrivePolicy.deadLetterTargetArn), /RequestForQuotesResponseDLQ/);
    steps[2].hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [id, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    for (let i = 1; i <= 10; i++)
      assert.deepEqual(functionNamed(steps[2], `UnicornManagementResource${i}`).Properties.Environment.Variables.RESPONSE_QUEUE_URL, {
        Ref: id,
      });
    assert.ok(grants(steps[2], 'sqs:SendMessage', new RegExp(id)));
  });

  test('step 3: GET /query-instant-ride-rfq/{id} reaches the Quotes Query Service', () => {
    steps[3].hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'query-instant-ride-rfq' });
    steps[3].hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{id}' });
    steps[3].hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', Integration: Match.objectLike({ Type: 'AWS_PROXY' }) });
    assert.match(
      JSON.stringify(
        resources(steps[3], 'AWS::ApiGateway::Method').find((m) => m.Properties.HttpMethod === 'GET')!.Properties.Integration.Uri,
      ),
      /QuotesQueryService/,
    );
  });

  test('step 4: the aggregator reads its queue, which the Quotes Response Service writes to; it notifies through a topic the Quote Notification Service hears', () => {
    const [id] = queueNamed(steps[4], 'QuoteAggregatorQueue');
    steps[4].hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [id, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    assert.deepEqual(functionNamed(steps[4], 'QuotesResponseService').Properties.Environment.Variables.AGGREGATOR_QUEUE_URL, { Ref: id });
    steps[4].hasResourceProperties('AWS::SNS::Topic', { TopicName: 'alice-CustomerNotificationTopic' });
    assert.ok(grants(steps[4], 'sns:Publish', /CustomerNotificationTopic/));
    assert.ok(
      resources(steps[4], 'AWS::SNS::Subscription').some((s) => /QuoteNotificationService/.test(JSON.stringify(s.Properties.Endpoint))),
    );
    assert.equal(functionNamed(steps[4], 'RequestForQuotesService').Properties.Environment.Variables.DEADLINE_SECONDS, undefined);
  });

  test('step 5: the Request for Quotes Service starts each deadline on the aggregator queue, for DeadlineSeconds', () => {
    const [id] = queueNamed(full, 'QuoteAggregatorQueue');
    const env = functionNamed(full, 'RequestForQuotesService').Properties.Environment.Variables;
    assert.deepEqual(env.DEADLINE_SECONDS, { Ref: 'DeadlineSeconds' });
    assert.deepEqual(env.AGGREGATOR_QUEUE_URL, { Ref: id });
    full.hasParameter('DeadlineSeconds', { Type: 'Number', MinValue: 1, MaxValue: 900 });
  });

  test('every name carries the learner prefix, and nothing is kept on destroy', () => {
    const names = [
      'AWS::Lambda::Function:FunctionName',
      'AWS::SQS::Queue:QueueName',
      'AWS::SNS::Topic:TopicName',
      'AWS::DynamoDB::Table:TableName',
      'AWS::Logs::LogGroup:LogGroupName',
      'AWS::ApiGateway::RestApi:Name',
    ];
    for (const entry of names) {
      const [type, property] = [entry.slice(0, entry.lastIndexOf(':')), entry.slice(entry.lastIndexOf(':') + 1)];
      for (const resource of resources(full, type))
        assert.match(String(resource.Properties[property]), /(^|\/)alice-/, `${type} ${resource.Properties[property]}`);
    }
    for (const [id, resource] of Object.entries(full.toJSON().Resources as Record<string, { DeletionPolicy?: string }>)) {
      assert.notEqual(resource.DeletionPolicy, 'Retain', `${id} would be kept on destroy`);
    }
  });
});
