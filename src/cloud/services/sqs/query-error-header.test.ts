import assert from 'node:assert/strict';
import { test } from 'node:test';
import { awsQueryErrorHeader } from './query-error-header.ts';

test('x-amzn-query-error carries the codes AWS sends, prefixed only where AWS prefixes them', () => {
  assert.equal(awsQueryErrorHeader('AWS.SimpleQueueService.NonExistentQueue;Sender'), 'AWS.SimpleQueueService.NonExistentQueue;Sender');
  assert.equal(awsQueryErrorHeader('AWS.SimpleQueueService.QueueNameExists;Sender'), 'QueueAlreadyExists;Sender');
  assert.equal(awsQueryErrorHeader('AWS.SimpleQueueService.InvalidParameterValue;Sender'), 'InvalidParameterValue;Sender');
  assert.equal(
    awsQueryErrorHeader('AWS.SimpleQueueService.TooManyEntriesInBatchRequest;Sender'),
    'AWS.SimpleQueueService.TooManyEntriesInBatchRequest;Sender',
  );
  assert.equal(awsQueryErrorHeader('AWS.SimpleQueueService.InternalError;Receiver'), 'InternalError;Receiver');
});
