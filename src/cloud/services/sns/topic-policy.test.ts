import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { topicPolicyAllows } from './topic-policy.ts';

const topic = 'arn:aws:sns:us-east-1:000000000000:alerts';
const rule = 'arn:aws:events:us-east-1:000000000000:rule/closed';
const policy = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

describe('topic access policies for service deliveries', () => {
  test('the statement the CDK adds for an EventBridge target lets the rule publish', () => {
    assert.equal(
      topicPolicyAllows(
        policy({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: topic }),
        topic,
        'events.amazonaws.com',
        rule,
      ),
      true,
    );
  });

  test('without it (no policy, or AWS’s default owner-only policy) EventBridge may not publish', () => {
    assert.equal(topicPolicyAllows(undefined, topic, 'events.amazonaws.com', rule), false);
    const ownerOnly = policy({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['SNS:Publish'],
      Resource: topic,
      Condition: { StringEquals: { 'AWS:SourceOwner': '000000000000' } },
    });
    assert.equal(topicPolicyAllows(ownerOnly, topic, 'events.amazonaws.com', rule), false);
  });

  test('aws:SourceArn conditions and explicit denies are honoured', () => {
    const scoped = (arn: string) =>
      policy({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topic,
        Condition: { ArnLike: { 'aws:SourceArn': arn } },
      });
    assert.equal(topicPolicyAllows(scoped('arn:aws:events:us-east-1:000000000000:rule/*'), topic, 'events.amazonaws.com', rule), true);
    assert.equal(topicPolicyAllows(scoped('arn:aws:events:us-east-1:000000000000:rule/other'), topic, 'events.amazonaws.com', rule), false);
    const denied = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 'sns:*', Resource: '*' },
        { Effect: 'Deny', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: topic },
      ],
    });
    assert.equal(topicPolicyAllows(denied, topic, 'events.amazonaws.com', rule), false);
  });
});
