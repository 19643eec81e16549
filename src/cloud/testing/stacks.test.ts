import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import { waitForStack } from './stacks.ts';

/** A client whose DescribeStacks answers with `statuses` in turn, then the last one forever. */
function describing(...statuses: Partial<Stack>[]): CloudFormationClient {
  let call = 0;
  return { send: async () => ({ Stacks: [statuses[Math.min(call++, statuses.length - 1)]] }) } as unknown as CloudFormationClient;
}

describe('waitForStack', () => {
  test('resolves with the stack once its status is no longer in progress', async () => {
    const stack = await waitForStack(
      describing(
        { StackStatus: 'CREATE_IN_PROGRESS' },
        { StackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' },
        { StackStatus: 'UPDATE_COMPLETE' },
      ),
      'rides',
      { intervalMs: 1 },
    );
    assert.equal(stack.StackStatus, 'UPDATE_COMPLETE');
  });

  test('past its deadline, fails with the status and reason the stack is stuck on', async () => {
    const stuck = describing({ StackStatus: 'CREATE_IN_PROGRESS', StackStatusReason: 'User Initiated' });
    await assert.rejects(
      waitForStack(stuck, 'rides', { timeoutMs: 20, intervalMs: 5 }),
      /stack rides is still CREATE_IN_PROGRESS after 20 ms: User Initiated/,
    );
  });
});
