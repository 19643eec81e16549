/**
 * What the collector reads of a deployed stack through public AWS APIs, before it becomes a graph.
 * Plain data, so the graph building is a pure function tested without a cloud.
 */
export interface StackSnapshot {
  region: string;
  account: string;
  /** ListStackResources. */
  resources: { logicalId: string; type: string; physicalId: string }[];
  /** GetTemplate (the deployed template), for API integrations and the functions' role policies. */
  template: { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  topics: { arn: string; fifo: boolean; subscriptions: SubscriptionFacts[] }[];
  queues: { arn: string; url: string; fifo: boolean; deadLetterTargetArn?: string; maxReceiveCount?: number }[];
  functions: FunctionFacts[];
  buckets: { name: string; targets: { arn: string; events: string[] }[] }[];
  rules: { arn: string; name: string; eventBusName: string; targets: { arn: string; deadLetterArn?: string }[] }[];
  stateMachines: { arn: string; name: string; type: 'STANDARD' | 'EXPRESS'; definition: string }[];
  streams: { arn: string; name: string; shards: number; mode: 'PROVISIONED' | 'ON_DEMAND'; createdAt?: number }[];
  tables: { arn: string; name: string; billingMode?: string }[];
  eventBuses: { arn: string; name: string }[];
  apis: { id: string; name: string; stages: string[] }[];
  /** What could not be read, in words. */
  notes: string[];
}

export interface SubscriptionFacts {
  arn: string;
  protocol: string;
  endpoint: string;
  filterPolicy?: string;
  rawDelivery: boolean;
  deadLetterTargetArn?: string;
}

export interface FunctionFacts {
  arn: string;
  name: string;
  memoryMb: number;
  timeoutSeconds: number;
  onFailure?: string;
  onSuccess?: string;
  deadLetterTargetArn?: string;
  mappings: { uuid: string; eventSourceArn: string; batchSize?: number; onFailure?: string; state?: string }[];
}
