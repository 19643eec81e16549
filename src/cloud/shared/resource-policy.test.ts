import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resourcePolicyAllows, type ServiceRequest } from './resource-policy.ts';

const queue = 'arn:aws:sqs:us-east-1:000000000000:rides';
const topic = 'arn:aws:sns:us-east-1:000000000000:rides';
const bucket = 'arn:aws:s3:::uploads';
const fromTopic: ServiceRequest = { service: 'sns.amazonaws.com', action: 'sqs:SendMessage', resourceArn: queue, sourceArn: topic };
const fromBucket: ServiceRequest = { service: 's3.amazonaws.com', action: 'sqs:SendMessage', resourceArn: queue, sourceArn: bucket };
const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const allow = (extra: object = {}) => ({
  Effect: 'Allow',
  Principal: { Service: 'sns.amazonaws.com' },
  Action: 'sqs:SendMessage',
  Resource: queue,
  ...extra,
});

describe('resource policies for service deliveries', () => {
  test('no policy, or one that does not parse, allows nothing', () => {
    assert.equal(resourcePolicyAllows(undefined, fromTopic), false);
    assert.equal(resourcePolicyAllows('', fromTopic), false);
    assert.equal(resourcePolicyAllows('{not json', fromTopic), false);
  });

  test('the statement the CDK writes for an SQS subscription (ArnEquals aws:SourceArn) admits that topic only', () => {
    const cdk = policy(allow({ Condition: { ArnEquals: { 'aws:SourceArn': topic } } }));
    assert.equal(resourcePolicyAllows(cdk, fromTopic), true);
    assert.equal(resourcePolicyAllows(cdk, { ...fromTopic, sourceArn: `${topic}-other` }), false);
  });

  test('principals: "*", {AWS: "*"} and the matching Service admit the service; another service does not', () => {
    assert.equal(resourcePolicyAllows(policy(allow({ Principal: '*' })), fromTopic), true);
    assert.equal(resourcePolicyAllows(policy(allow({ Principal: { AWS: '*' } })), fromTopic), true);
    assert.equal(
      resourcePolicyAllows(policy(allow({ Principal: { Service: ['events.amazonaws.com', 'sns.amazonaws.com'] } })), fromTopic),
      true,
    );
    assert.equal(resourcePolicyAllows(policy(allow({ Principal: { Service: 'events.amazonaws.com' } })), fromTopic), false);
  });

  test('actions match with wildcards and without regard to case; resources match with wildcards', () => {
    assert.equal(resourcePolicyAllows(policy(allow({ Action: 'SQS:*' })), fromTopic), true);
    assert.equal(resourcePolicyAllows(policy(allow({ Action: ['sqs:ReceiveMessage', 'sqs:Send*'] })), fromTopic), true);
    assert.equal(resourcePolicyAllows(policy(allow({ Action: 'sqs:ReceiveMessage' })), fromTopic), false);
    assert.equal(resourcePolicyAllows(policy(allow({ Resource: 'arn:aws:sqs:us-east-1:000000000000:*' })), fromTopic), true);
    assert.equal(resourcePolicyAllows(policy(allow({ Resource: 'arn:aws:sqs:us-east-1:000000000000:other' })), fromTopic), false);
  });

  test('ArnLike / StringLike compare with wildcards, StringEquals exactly', () => {
    assert.equal(
      resourcePolicyAllows(policy(allow({ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:000000000000:ri*' } } })), fromTopic),
      true,
    );
    assert.equal(
      resourcePolicyAllows(policy(allow({ Condition: { StringLike: { 'aws:SourceArn': 'arn:aws:sns:*:111111111111:*' } } })), fromTopic),
      false,
    );
    assert.equal(
      resourcePolicyAllows(policy(allow({ Condition: { StringEquals: { 'aws:SourceAccount': '000000000000' } } })), fromTopic),
      true,
    );
    assert.equal(
      resourcePolicyAllows(policy(allow({ Condition: { StringEquals: { 'aws:SourceAccount': '00000000000*' } } })), fromTopic),
      false,
    );
    assert.equal(resourcePolicyAllows(policy(allow({ Condition: { ArnEqualsIfExists: { 'aws:SourceArn': topic } } })), fromTopic), true);
  });

  test('the statement S3 needs: a bucket ARN has no account, so aws:SourceAccount is the resource’s own', () => {
    const s3 = policy({
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: queue,
      Condition: { ArnLike: { 'aws:SourceArn': bucket }, StringEquals: { 'aws:SourceAccount': '000000000000' } },
    });
    assert.equal(resourcePolicyAllows(s3, fromBucket), true);
    assert.equal(resourcePolicyAllows(s3, { ...fromBucket, resourceArn: 'arn:aws:sqs:us-east-1:111111111111:rides' }), false);
  });

  test('a condition on a key or with an operator it does not model makes the statement not apply', () => {
    assert.equal(
      resourcePolicyAllows(policy(allow({ Condition: { StringEquals: { 'AWS:SourceOwner': '000000000000' } } })), fromTopic),
      false,
    );
    assert.equal(resourcePolicyAllows(policy(allow({ Condition: { NumericLessThan: { 'aws:SourceAccount': '1' } } })), fromTopic), false);
    // Not applying cuts both ways: such a Deny does not take an Allow away.
    const guarded = policy(allow(), {
      Effect: 'Deny',
      Principal: '*',
      Action: 'sqs:*',
      Resource: '*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    assert.equal(resourcePolicyAllows(guarded, fromTopic), true);
  });

  test('an explicit Deny that applies wins over any Allow', () => {
    const denied = policy(
      { Effect: 'Allow', Principal: '*', Action: 'sqs:*', Resource: '*' },
      {
        Effect: 'Deny',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queue,
        Condition: { ArnEquals: { 'aws:SourceArn': topic } },
      },
    );
    assert.equal(resourcePolicyAllows(denied, fromTopic), false);
    assert.equal(resourcePolicyAllows(denied, { ...fromTopic, sourceArn: `${topic}-other` }), true, 'the Deny is scoped to one topic');
  });
});
