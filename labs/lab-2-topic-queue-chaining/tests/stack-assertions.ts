// CDK assertions on your stack: the template your labs/lab-2-topic-queue-chaining/stack.ts
// synthesizes, checked without deploying anything. Run your tests with: npx workshop test lab-2
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TopicQueueChainingStack } from '../stack.ts';

// CDK's own template validation takes seconds to start and adds nothing here.
process.env.CDK_VALIDATION ??= 'false';
const template = Template.fromStack(new TopicQueueChainingStack(new App(), 'Test', { prefix: 'test' }));

test("exactly one subscription filters, with Lab 1's filter policy (fare >= 50 AND distance >= 20)", () => {
  const filtered = Object.values(template.findResources('AWS::SNS::Subscription')).filter((s) => s.Properties.FilterPolicy);
  assert.equal(filtered.length, 1);
  assert.deepEqual(filtered[0].Properties.FilterPolicy, { fare: [{ numeric: ['>=', 50] }], distance: [{ numeric: ['>=', 20] }] });
});
