import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { parseArn } from './aws/context.ts';
import { wildcardMatch } from './services/iam/policy-evaluation.ts';
import type { MessageAttribute } from './services/sns/validate.ts';

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Whether a queue's policy lets `service` send to it on behalf of `sourceArn`. On AWS a topic
 * (or an EventBridge rule, or S3) cannot deliver to a queue whose policy does not allow it,
 * and the message is lost: that is what the labs' queue policies are for.
 */
export function queuePolicyAllows(policyText: string | undefined, queueArn: string, service: string, sourceArn: string): boolean {
  return resourcePolicyAllows(policyText, queueArn, 'sqs:SendMessage', service, sourceArn);
}

/**
 * Whether a resource policy (a queue's or a topic's) lets `service` perform `action` on
 * `resourceArn` on behalf of `sourceArn`. Conditions on aws:SourceArn and aws:SourceAccount are
 * understood; a statement with any other condition does not count.
 */
export function resourcePolicyAllows(policyText: string | undefined, resourceArn: string, action: string, service: string, sourceArn: string): boolean {
  if (!policyText) return false;
  let policy: any;
  try {
    policy = JSON.parse(policyText);
  } catch {
    return false;
  }
  return list<any>(policy.Statement).some((s) => {
    if (s.Effect !== 'Allow') return false;
    const principals = s.Principal === '*' ? ['*'] : [...list<string>(s.Principal?.Service), ...list<string>(s.Principal?.AWS)];
    if (!principals.some((p) => p === '*' || p === service)) return false;
    if (!list<string>(s.Action).some((a) => wildcardMatch(a, action, true))) return false;
    if (!list<string>(s.Resource ?? '*').some((r) => wildcardMatch(r, resourceArn))) return false;
    for (const [operator, conditions] of Object.entries<Record<string, unknown>>(s.Condition ?? {})) {
      for (const [key, expected] of Object.entries(conditions)) {
        const name = key.toLowerCase();
        if (name !== 'aws:sourcearn' && name !== 'aws:sourceaccount') return false;
        // The account of the source: from its ARN, or the resource's own account for S3 buckets (whose ARNs have none).
        const actual = name === 'aws:sourcearn' ? sourceArn : parseArn(sourceArn)?.accountId || parseArn(resourceArn)?.accountId || '';
        const values = list<string>(expected as string | string[]);
        const ok = operator.startsWith('ArnEquals') || operator === 'StringEquals' ? values.includes(actual) : values.some((v) => wildcardMatch(v, actual));
        if (!ok) return false;
      }
    }
    return true;
  });
}

/** Sends to the queue an ARN names, as another AWS service would: only where the queue policy allows it. */
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
  if (!queuePolicyAllows(Attributes?.Policy, queueArn, service, sourceArn)) {
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
