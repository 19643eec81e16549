/**
 * The shapes of SQS's query protocol (API version 2012-11-05), written from the SQS API reference
 * and the botocore service model of the query era. SQS flattens every list and map on the wire:
 * a list is repeated under its element name (`AttributeName.1=All`, `<QueueUrl>…</QueueUrl>`
 * repeated), a map is repeated entries (`Attribute.1.Name=…&Attribute.1.Value=…`,
 * `<Attribute><Name/><Value/></Attribute>` repeated). Members keep the JSON protocol's names, so
 * one table translates both ways.
 */

export type Scalar = 'string' | 'integer' | 'long' | 'boolean' | 'blob';

/** A flattened list: each element travels as `<element>.N` (request) or `<element>` (response). */
export interface ListShape {
  kind: 'list';
  element: string;
  of: Shape;
}

/** A flattened map: each entry travels as `<entry>.N.<key>` / `<entry>.N.<value>`. */
export interface MapShape {
  kind: 'map';
  entry: string;
  key: string;
  value: string;
  of: Shape;
}

export interface StructShape {
  kind: 'struct';
  /** JSON member name → shape, in the order the service writes them. */
  members: Record<string, Shape>;
}

export type Shape = Scalar | ListShape | MapShape | StructShape;

const list = (element: string, of: Shape = 'string'): ListShape => ({ kind: 'list', element, of });
const map = (entry: string, key: string, value: string, of: Shape = 'string'): MapShape => ({ kind: 'map', entry, key, value, of });
const struct = (members: Record<string, Shape>): StructShape => ({ kind: 'struct', members });

/** The element a struct member travels under: lists and maps name their own elements. */
export function wireName(member: string, shape: Shape): string {
  if (typeof shape === 'object' && shape.kind === 'list') return shape.element;
  if (typeof shape === 'object' && shape.kind === 'map') return shape.entry;
  return member;
}

const messageAttributeValue = struct({
  StringValue: 'string',
  BinaryValue: 'blob',
  StringListValues: list('StringListValue'),
  BinaryListValues: list('BinaryListValue', 'blob'),
  DataType: 'string',
});
const messageAttributes = map('MessageAttribute', 'Name', 'Value', messageAttributeValue);
const messageSystemAttributes = map('MessageSystemAttribute', 'Name', 'Value', messageAttributeValue);
const queueAttributes = map('Attribute', 'Name', 'Value');
const tags = map('Tag', 'Key', 'Value');
const batchError = list('BatchResultErrorEntry', struct({ Id: 'string', SenderFault: 'boolean', Code: 'string', Message: 'string' }));
const sendFields = {
  MessageBody: 'string',
  DelaySeconds: 'integer',
  MessageAttributes: messageAttributes,
  MessageSystemAttributes: messageSystemAttributes,
  MessageDeduplicationId: 'string',
  MessageGroupId: 'string',
} satisfies Record<string, Shape>;
const sendResultFields = {
  MD5OfMessageBody: 'string',
  MD5OfMessageAttributes: 'string',
  MD5OfMessageSystemAttributes: 'string',
  MessageId: 'string',
  SequenceNumber: 'string',
} satisfies Record<string, Shape>;

export interface Operation {
  input: StructShape;
  /** Absent for actions whose response carries only the request id. */
  output?: StructShape;
}

/**
 * Every SQS action the local cloud serves over the query protocol: what fauxqs implements plus
 * the message-move-task actions. AddPermission, RemovePermission and ListDeadLetterSourceQueues
 * are absent on purpose (fauxqs lacks them), so they fail loudly rather than half-work.
 */
export const SQS_QUERY_OPERATIONS: Record<string, Operation> = {
  CreateQueue: { input: struct({ QueueName: 'string', Attributes: queueAttributes, tags }), output: struct({ QueueUrl: 'string' }) },
  DeleteQueue: { input: struct({ QueueUrl: 'string' }) },
  GetQueueUrl: { input: struct({ QueueName: 'string', QueueOwnerAWSAccountId: 'string' }), output: struct({ QueueUrl: 'string' }) },
  ListQueues: {
    input: struct({ QueueNamePrefix: 'string', NextToken: 'string', MaxResults: 'integer' }),
    output: struct({ QueueUrls: list('QueueUrl'), NextToken: 'string' }),
  },
  GetQueueAttributes: {
    input: struct({ QueueUrl: 'string', AttributeNames: list('AttributeName') }),
    output: struct({ Attributes: queueAttributes }),
  },
  SetQueueAttributes: { input: struct({ QueueUrl: 'string', Attributes: queueAttributes }) },
  PurgeQueue: { input: struct({ QueueUrl: 'string' }) },
  SendMessage: { input: struct({ QueueUrl: 'string', ...sendFields }), output: struct(sendResultFields) },
  SendMessageBatch: {
    input: struct({ QueueUrl: 'string', Entries: list('SendMessageBatchRequestEntry', struct({ Id: 'string', ...sendFields })) }),
    output: struct({ Successful: list('SendMessageBatchResultEntry', struct({ Id: 'string', ...sendResultFields })), Failed: batchError }),
  },
  ReceiveMessage: {
    input: struct({
      QueueUrl: 'string',
      AttributeNames: list('AttributeName'),
      MessageSystemAttributeNames: list('MessageSystemAttributeName'),
      MessageAttributeNames: list('MessageAttributeName'),
      MaxNumberOfMessages: 'integer',
      VisibilityTimeout: 'integer',
      WaitTimeSeconds: 'integer',
      ReceiveRequestAttemptId: 'string',
    }),
    output: struct({
      Messages: list(
        'Message',
        struct({
          MessageId: 'string',
          ReceiptHandle: 'string',
          MD5OfBody: 'string',
          Body: 'string',
          Attributes: map('Attribute', 'Name', 'Value'),
          MD5OfMessageAttributes: 'string',
          MessageAttributes: messageAttributes,
        }),
      ),
    }),
  },
  DeleteMessage: { input: struct({ QueueUrl: 'string', ReceiptHandle: 'string' }) },
  DeleteMessageBatch: {
    input: struct({
      QueueUrl: 'string',
      Entries: list('DeleteMessageBatchRequestEntry', struct({ Id: 'string', ReceiptHandle: 'string' })),
    }),
    output: struct({ Successful: list('DeleteMessageBatchResultEntry', struct({ Id: 'string' })), Failed: batchError }),
  },
  ChangeMessageVisibility: { input: struct({ QueueUrl: 'string', ReceiptHandle: 'string', VisibilityTimeout: 'integer' }) },
  ChangeMessageVisibilityBatch: {
    input: struct({
      QueueUrl: 'string',
      Entries: list(
        'ChangeMessageVisibilityBatchRequestEntry',
        struct({ Id: 'string', ReceiptHandle: 'string', VisibilityTimeout: 'integer' }),
      ),
    }),
    output: struct({ Successful: list('ChangeMessageVisibilityBatchResultEntry', struct({ Id: 'string' })), Failed: batchError }),
  },
  TagQueue: { input: struct({ QueueUrl: 'string', Tags: tags }) },
  UntagQueue: { input: struct({ QueueUrl: 'string', TagKeys: list('TagKey') }) },
  ListQueueTags: { input: struct({ QueueUrl: 'string' }), output: struct({ Tags: tags }) },
  StartMessageMoveTask: {
    input: struct({ SourceArn: 'string', DestinationArn: 'string', MaxNumberOfMessagesPerSecond: 'integer' }),
    output: struct({ TaskHandle: 'string' }),
  },
  CancelMessageMoveTask: { input: struct({ TaskHandle: 'string' }), output: struct({ ApproximateNumberOfMessagesMoved: 'long' }) },
  ListMessageMoveTasks: {
    input: struct({ SourceArn: 'string', MaxResults: 'integer' }),
    // The model flattens Results without naming its element, so each entry is a <Results>.
    output: struct({
      Results: list(
        'Results',
        struct({
          TaskHandle: 'string',
          Status: 'string',
          SourceArn: 'string',
          DestinationArn: 'string',
          MaxNumberOfMessagesPerSecond: 'integer',
          ApproximateNumberOfMessagesMoved: 'long',
          ApproximateNumberOfMessagesToMove: 'long',
          FailureReason: 'string',
          StartedTimestamp: 'long',
        }),
      ),
    }),
  },
};

/**
 * Error codes that differ between the protocols: the JSON protocol names the error shape, the
 * query protocol the code older clients match on (`AWS.SimpleQueueService.NonExistentQueue`).
 * Codes not listed here are the same in both (InvalidParameterValue, MissingParameter, …).
 */
export const QUERY_ERROR_CODES: Record<string, string> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  QueueNameExists: 'QueueAlreadyExists',
  BatchEntryIdsNotDistinct: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  BatchRequestTooLong: 'AWS.SimpleQueueService.BatchRequestTooLong',
  EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
  InvalidBatchEntryId: 'AWS.SimpleQueueService.InvalidBatchEntryId',
  MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
  PurgeQueueInProgress: 'AWS.SimpleQueueService.PurgeQueueInProgress',
  QueueDeletedRecently: 'AWS.SimpleQueueService.QueueDeletedRecently',
  TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation',
};
