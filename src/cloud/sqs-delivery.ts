import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { parseArn } from './aws/context.ts';
import type { MessageAttribute } from './services/sns/validate.ts';
import { resourcePolicyAllows } from './shared/resource-policy.ts';

/**
 * Sends to the queue an ARN names, as another AWS service would: only where the queue policy lets
 * `service` send on behalf of `sourceArn`. On AWS a topic (or an EventBridge rule, or S3) cannot
 * deliver to a queue whose policy does not allow it, and the message is lost: that is what the
 * labs' queue policies are for.
 */
export async function sendToQueueAsService(
  sqs: (region: string) => SQSClient,
  queueArn: string,
  service: string,
  sourceArn: string,
  body: string,
  attributes: Record<string, MessageAttribute>,
  fifo?: { groupId: string; dedupId: string },
): Promise<void> {
  const parsed = parseArn(queueArn);
  if (!parsed || parsed.service !== 'sqs') throw new Error(`${queueArn} is not an SQS queue ARN`);
  const client = sqs(parsed.region);
  const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: parsed.resource, QueueOwnerAWSAccountId: parsed.accountId }));
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }));
  if (!resourcePolicyAllows(Attributes?.Policy, { service, action: 'sqs:SendMessage', resourceArn: queueArn, sourceArn })) {
    throw new Error(`the policy of queue ${parsed.resource} does not allow ${service} to send messages on behalf of ${sourceArn} (add a queue policy statement allowing sqs:SendMessage with an aws:SourceArn condition)`);
  }
  await client.send(
    new SendMessageCommand({
      QueueUrl,
      MessageBody: body,
      MessageAttributes: Object.keys(attributes).length > 0 ? Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v.DataType.startsWith('Binary') ? { DataType: v.DataType, BinaryValue: Buffer.from(v.BinaryValue!, 'base64') } : { DataType: v.DataType, StringValue: v.StringValue }])) : undefined,
      MessageGroupId: fifo?.groupId,
      MessageDeduplicationId: fifo?.dedupId,
    }),
  );
}
