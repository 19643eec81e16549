import { AwsError } from '../../aws/errors.ts';

// What SQS checks and fauxqs does not: queue names, and queue attributes (names, ranges and the
// JSON of the policies), as the CreateQueue and SetQueueAttributes reference states them.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html

/** Queue names: 1–80 characters, alphanumeric, hyphens and underscores; a FIFO queue's name ends in `.fifo` (counted). */
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

const integer = (min: number, max: number) => (value: string) => /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max;
const oneOf =
  (...values: string[]) =>
  (value: string) =>
    values.includes(value);
const json = (check: (document: any) => boolean) => (value: string) => {
  try {
    const document = JSON.parse(value);
    return document !== null && typeof document === 'object' && !Array.isArray(document) && check(document);
  } catch {
    return false;
  }
};
const boolean = oneOf('true', 'false');

/** Each attribute a queue can be given, and what its value must be. */
const ATTRIBUTES: Record<string, (value: string) => boolean> = {
  DelaySeconds: integer(0, 900),
  // 1 KiB to 1 MiB since SQS raised its message size in 2025.
  MaximumMessageSize: integer(1_024, 1_048_576),
  MessageRetentionPeriod: integer(60, 1_209_600),
  ReceiveMessageWaitTimeSeconds: integer(0, 20),
  VisibilityTimeout: integer(0, 43_200),
  Policy: json((policy) => policy.Statement !== undefined),
  RedrivePolicy: json(
    (policy) =>
      typeof policy.deadLetterTargetArn === 'string' &&
      /^arn:[^:]+:sqs:[^:]*:\d{12}:[A-Za-z0-9_.-]{1,80}$/.test(policy.deadLetterTargetArn) &&
      integer(1, 1_000)(String(policy.maxReceiveCount)),
  ),
  RedriveAllowPolicy: json((policy) => oneOf('allowAll', 'denyAll', 'byQueue')(policy.redrivePermission)),
  KmsMasterKeyId: (value) => value.length > 0 && value.length <= 2_048,
  KmsDataKeyReusePeriodSeconds: integer(60, 86_400),
  SqsManagedSseEnabled: boolean,
  FifoQueue: boolean,
  ContentBasedDeduplication: boolean,
  DeduplicationScope: oneOf('messageGroup', 'queue'),
  FifoThroughputLimit: oneOf('perQueue', 'perMessageGroupId'),
};
// Attributes only FIFO queues have.
const FIFO_ONLY = ['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit'];

const invalidName = (name: string, fifo: boolean) =>
  new AwsError(
    'InvalidParameterValue',
    fifo
      ? `The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length; "${name.slice(0, 100)}" is not one.`
      : `Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length; "${name.slice(0, 100)}" is not a queue name.`,
  );

function checkAttributes(attributes: unknown, creating: boolean): void {
  if (attributes === undefined || attributes === null) return;
  for (const [name, value] of Object.entries(attributes as Record<string, unknown>)) {
    const check = Object.hasOwn(ATTRIBUTES, name) ? ATTRIBUTES[name] : undefined;
    if (!check) throw new AwsError('InvalidAttributeName', `Unknown Attribute ${name.slice(0, 100)}.`);
    if (!creating && name === 'FifoQueue')
      throw new AwsError('InvalidAttributeName', 'FifoQueue is set when a queue is created; it cannot be changed.');
    if (typeof value !== 'string' || !check(value))
      throw new AwsError(
        'InvalidAttributeValue',
        `Invalid value for the parameter ${name}: ${JSON.stringify(String(value).slice(0, 100))}.`,
      );
  }
}

/** Numbers each action takes, and their ranges. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html */
const RANGES: Record<string, Record<string, [number, number]>> = {
  ListQueues: { MaxResults: [1, 1_000] },
  ReceiveMessage: { MaxNumberOfMessages: [1, 10], WaitTimeSeconds: [0, 20], VisibilityTimeout: [0, 43_200] },
  SendMessage: { DelaySeconds: [0, 900] },
  ChangeMessageVisibility: { VisibilityTimeout: [0, 43_200] },
};

/**
 * Checks a JSON-protocol SQS request (its input already has its operation's shape) for what
 * fauxqs would accept although AWS refuses it.
 */
export function checkSqsRequest(action: string, input: Record<string, unknown>): void {
  for (const [name, [min, max]] of Object.entries(Object.hasOwn(RANGES, action) ? RANGES[action] : {})) {
    const value = input[name];
    if (value !== undefined && value !== null && (!Number.isInteger(value) || (value as number) < min || (value as number) > max))
      throw new AwsError(
        'InvalidParameterValue',
        `Value ${String(value).slice(0, 40)} for parameter ${name} is invalid. Reason: must be between ${min} and ${max}.`,
      );
  }
  if (action === 'CreateQueue') {
    const name = input.QueueName;
    if (typeof name !== 'string') throw new AwsError('MissingParameter', 'The request must contain the parameter QueueName.');
    const attributes = (input.Attributes ?? {}) as Record<string, unknown>;
    const fifo = attributes.FifoQueue === 'true';
    const base = fifo ? name.replace(/\.fifo$/, '') : name;
    if (name.length > 80 || !QUEUE_NAME.test(base) || (fifo && !name.endsWith('.fifo'))) throw invalidName(name, fifo);
    checkAttributes(input.Attributes, true);
    if (!fifo) {
      const only = FIFO_ONLY.find((attribute) => attributes[attribute] !== undefined);
      if (only) throw new AwsError('InvalidAttributeName', `Unknown Attribute ${only}: it is for FIFO queues only.`);
    }
  } else if (action === 'SetQueueAttributes') {
    checkAttributes(input.Attributes, false);
  } else if (action === 'GetQueueUrl' && typeof input.QueueName === 'string' && input.QueueName.length > 80) {
    throw invalidName(input.QueueName, input.QueueName.endsWith('.fifo'));
  }
}
