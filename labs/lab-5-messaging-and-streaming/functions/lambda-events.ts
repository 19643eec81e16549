// The small part of the Lambda event shapes these handlers read (the aws-lambda types package
// is not needed for that).

/** The event an SQS event source mapping sends: one record per message of the batch. */
export interface SqsEvent {
  Records: {
    messageId: string;
    receiptHandle: string;
    body: string;
    /** FIFO queues add MessageGroupId, MessageDeduplicationId and SequenceNumber. */
    attributes: Record<string, string>;
    eventSourceARN: string;
  }[];
}

/** The event a Kinesis event source mapping sends: one record per stream record of the batch. */
export interface KinesisEvent {
  Records: {
    eventID: string;
    eventSourceARN: string;
    kinesis: {
      partitionKey: string;
      sequenceNumber: string;
      /** The record's data, base64-encoded. */
      data: string;
      approximateArrivalTimestamp: number;
    };
  }[];
}
