import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceRows } from './deploy.utils.ts';

test('one row per resource with its latest status; a failure stays shown', () => {
  let rows = resourceRows([], { type: 'resource', logicalId: 'Topic', resourceType: 'AWS::SNS::Topic', status: 'CREATE_IN_PROGRESS' });
  rows = resourceRows(rows, { type: 'resource', logicalId: 'Topic', resourceType: 'AWS::SNS::Topic', status: 'CREATE_COMPLETE' });
  rows = resourceRows(rows, {
    type: 'resource',
    logicalId: 'Fn',
    resourceType: 'AWS::Lambda::Function',
    status: 'CREATE_FAILED',
    reason: 'bad',
  });
  rows = resourceRows(rows, { type: 'resource', logicalId: 'Fn', resourceType: 'AWS::Lambda::Function', status: 'DELETE_COMPLETE' });
  assert.deepEqual(
    rows.map((r) => [r.logicalId, r.tone, r.status]),
    [
      ['Topic', 'complete', 'CREATE_COMPLETE'],
      ['Fn', 'failed', 'CREATE_FAILED'],
    ],
  );
});
