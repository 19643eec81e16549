// The small part of the Lambda event shapes these handlers read (the aws-lambda types package
// is not needed for that).

/** API Gateway's Lambda proxy event (REST API, payload format 1.0), as far as we read it. */
export interface ApiGatewayProxyEvent {
  httpMethod: string;
  path: string;
  body: string | null;
  isBase64Encoded: boolean;
}

export interface ApiGatewayProxyResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

/** The part of a Lambda invocation's context these handlers read. */
export interface LambdaContext {
  /** The ARN the function was invoked with (unqualified here: no alias or version). */
  invokedFunctionArn: string;
}

/** The event SNS sends a subscribed function: one record per delivery. */
export interface SnsEvent {
  Records: {
    EventSource: 'aws:sns';
    EventSubscriptionArn: string;
    Sns: {
      MessageId: string;
      TopicArn: string;
      Message: string;
      Timestamp: string;
      MessageAttributes?: Record<string, { Type: string; Value: string }>;
    };
  }[];
}

/** A completed ride, as the Unicorn Management Service publishes it. */
export interface Ride {
  id: string;
  from: string;
  to: string;
  duration: number;
  distance: number;
  customer: string;
  fare: number;
}
