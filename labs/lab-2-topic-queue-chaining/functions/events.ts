// The part of Lambda's SQS event shapes these handlers read and return (the aws-lambda types
// package is not needed for that).

/** One message of a batch that an SQS event source mapping hands a function. */
export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  /** The message body: with raw delivery, exactly what was published to the topic. */
  body: string;
  attributes: {
    /** How many times the message was received, this delivery included. */
    ApproximateReceiveCount: string;
    SentTimestamp: string;
    ApproximateFirstReceiveTimestamp?: string;
    [name: string]: string | undefined;
  };
  messageAttributes: Record<string, { dataType: string; stringValue?: string; binaryValue?: string }>;
  md5OfBody?: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

/** The event an SQS event source mapping invokes a function with: a batch of messages. */
export interface SqsEvent {
  Records: SqsRecord[];
}

/**
 * The answer of a function whose mapping has ReportBatchItemFailures: the messages that failed.
 * Lambda deletes the others; the failed ones return to the queue and are received again.
 */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}
