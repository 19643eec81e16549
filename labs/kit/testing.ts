import { randomUUID } from 'node:crypto';
import { withLabContext } from './context.ts';
import { stackNameFor, type Target } from './target.ts';

// What a learner's own tests import (labs/<lab>/tests/*.ts, run by `npx workshop test <lab>`):
// sample events for handler tests, and the lab's context for tests against the deployed lab.

/** The variable through which `npx workshop test` tells the tests where the lab runs. */
export const TEST_TARGET_VARIABLE = 'WORKSHOP_TEST_TARGET';

/** Where the tests' lab runs: the target `npx workshop test` was given (the local cloud by default). */
export function testTarget(): Target {
  const value = process.env[TEST_TARGET_VARIABLE];
  if (!value)
    throw new Error(
      `${TEST_TARGET_VARIABLE} is not set: run the lab's tests with npx workshop test <lab> (or the Run my tests button), which sets it.`,
    );
  return JSON.parse(value) as Target;
}

/**
 * Runs `fn` against the deployed lab, as the lab's snippets run: inside it the kit's clients
 * (`sqs()`, `sns()`…), `output('TopicArn')` and `eventually(…)` reach the lab's target.
 */
export function againstDeployedLab<T>(labId: string, fn: () => Promise<T>): Promise<T> {
  const target = testTarget();
  return withLabContext(
    { target, labId, stackName: stackNameFor(target, labId), print: (line) => console.log(line), signal: new AbortController().signal },
    fn,
  );
}

/** One message of a sample SQS event: its body, and what else a test wants to fix. */
export interface SampleMessage {
  body: string;
  messageId?: string;
  /** How many times it was received, this delivery included (ApproximateReceiveCount). */
  receiveCount?: number;
  messageAttributes?: Record<string, { dataType: string; stringValue?: string }>;
}

/**
 * An event as an SQS event source mapping invokes a function with: one record per message,
 * shaped as AWS shapes them (ids, receipt handles and timestamps are made up).
 */
export function sampleSqsEvent(messages: SampleMessage[], queueArn = 'arn:aws:sqs:us-east-1:123456789012:SampleQueue') {
  const now = String(Date.now());
  return {
    Records: messages.map((message) => ({
      messageId: message.messageId ?? randomUUID(),
      receiptHandle: `sample-receipt-handle-${randomUUID()}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount ?? 1),
        SentTimestamp: now,
        SenderId: 'AIDASAMPLESENDER',
        ApproximateFirstReceiveTimestamp: now,
      },
      messageAttributes: message.messageAttributes ?? {},
      md5OfBody: '',
      eventSource: 'aws:sqs' as const,
      eventSourceARN: queueArn,
      awsRegion: queueArn.split(':')[3],
    })),
  };
}
