import { GetQueueAttributesCommand, GetQueueUrlCommand, QueueDoesNotExist, type SQSClient } from '@aws-sdk/client-sqs';
import { parseArn } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';

/**
 * AWS: a queue's dead-letter queue is of its own kind, a FIFO queue's a FIFO queue and a standard
 * queue's a standard queue, and it must exist. fauxqs keeps whatever RedrivePolicy it is given, so
 * this is checked before a queue is created or changed; `redrivePolicy` is the attribute's JSON
 * (or the object a template holds).
 */
export async function checkRedriveTarget(sqs: SQSClient, sourceIsFifo: boolean, redrivePolicy: unknown): Promise<void> {
  if (redrivePolicy === undefined || redrivePolicy === '') return;
  const policy = typeof redrivePolicy === 'string' ? JSON.parse(redrivePolicy) : redrivePolicy;
  const invalid = (reason: string) =>
    new AwsError('InvalidParameterValue', `Value ${JSON.stringify(policy)} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
  const target = parseArn(String(policy?.deadLetterTargetArn ?? ''));
  if (target?.service !== 'sqs') throw invalid('deadLetterTargetArn must be the ARN of an SQS queue.');
  let attributes: Record<string, string>;
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: target.resource, QueueOwnerAWSAccountId: target.accountId }));
    attributes = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['FifoQueue'] }))).Attributes ?? {};
  } catch (error) {
    if (error instanceof QueueDoesNotExist) throw invalid(`Dead letter target does not exist: ${target.resource}.`);
    throw error;
  }
  const targetIsFifo = attributes.FifoQueue === 'true';
  if (sourceIsFifo && !targetIsFifo)
    throw invalid(`the dead-letter queue of a FIFO queue must be a FIFO queue; ${target.resource} is a standard queue.`);
  if (!sourceIsFifo && targetIsFifo)
    throw invalid(`the dead-letter queue of a standard queue must be a standard queue; ${target.resource} is a FIFO queue.`);
}
