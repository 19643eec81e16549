// The small part of the Lambda event shapes these handlers read (the aws-lambda types package
// is not needed for that).

/** API Gateway's Lambda proxy event (REST API, payload format 1.0), as far as we read it. */
export interface ApiGatewayProxyEvent {
  httpMethod: string;
  path: string;
  body: string | null;
  isBase64Encoded: boolean;
  pathParameters?: Record<string, string> | null;
}

export interface ApiGatewayProxyResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

/** The event SNS sends a subscribed function: one record per delivery. */
export interface SnsEvent {
  Records: {
    EventSource: 'aws:sns';
    Sns: {
      MessageId: string;
      TopicArn: string;
      Message: string;
      MessageAttributes?: Record<string, { Type: string; Value: string }>;
    };
  }[];
}

/** The event an SQS event source mapping sends: a batch of messages. */
export interface SqsEvent {
  Records: { messageId: string; body: string; attributes: { ApproximateReceiveCount: string } }[];
}

/** What a handler of an SQS batch answers with ReportBatchItemFailures: the messages to retry. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** A request for quotes, as the Request for Quotes Service publishes it to the topic. */
export interface QuoteRequest {
  'rfq-id': string;
  from: string;
  to: string;
  customer: string;
}

/** A provider's answer on the response queue: a quote, or an explicit decline. */
export type ProviderAnswer =
  | { responder: string; 'rfq-id': string; quote: number }
  | { responder: string; 'rfq-id': string; declined: true; reason: string };

/** What the aggregator is asked to do: close a request, because everyone answered or its deadline passed. */
export interface CloseRequest {
  'rfq-id': string;
  reason: 'all-answered' | 'deadline';
}

/** What the customer is told once a request closes. */
export interface QuoteNotification {
  'rfq-id': string;
  customer: string;
  from: string;
  to: string;
  best: { responder: string; quote: number } | null;
  closedBy: CloseRequest['reason'];
  answered: number;
  asked: number;
}

/** A JSON answer of an API handler. */
export function answer(statusCode: number, body: unknown): ApiGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** One JSON log line: the checkpoints, the snippets and the page's log view read them. */
export function log(fields: Record<string, unknown>): void {
  console.log(JSON.stringify(fields));
}
