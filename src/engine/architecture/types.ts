/**
 * A lab's deployed architecture as a graph: what the lab API answers and the site draws. The
 * shapes are the lab API's contract (the site imports them as types only).
 */

/** What a node stands for; the site picks its icon and colour from it. */
export type NodeKind =
  | 'api'
  | 'function'
  | 'topic'
  | 'queue'
  | 'table'
  | 'state-machine'
  | 'stream'
  | 'bucket'
  | 'rule'
  | 'event-bus'
  | 'endpoint';

export interface ArchNode {
  /** The resource's ARN (an API's id), the key events name it by. */
  id: string;
  kind: NodeKind;
  /** Its short name, as a learner reads it. */
  label: string;
  /** Its logical id in the stack; absent for things outside the stack (the default event bus, an HTTP endpoint). */
  logicalId?: string;
  /** Other names the event stream may use for it: a queue URL, a function's bare name, an API stage. */
  aliases: string[];
  /** Facts the diagram and the cost panel use: memory, FIFO, dead-letter queue, shards, workflow type… */
  facts: NodeFacts;
}

export interface NodeFacts {
  memoryMb?: number;
  timeoutSeconds?: number;
  fifo?: boolean;
  /** A queue that some other queue or subscription sends its failures to. */
  deadLetter?: boolean;
  shards?: number;
  streamMode?: 'PROVISIONED' | 'ON_DEMAND';
  /** Epoch ms the resource was created, when the service says (streams bill by the hour from then). */
  createdAt?: number;
  workflowType?: 'STANDARD' | 'EXPRESS';
  /** A state machine's states in definition order. */
  states?: string[];
  billingMode?: string;
  url?: string;
}

/** How two resources are linked; each kind is a real link of the deployed resources. */
export type EdgeKind =
  | 'subscription' // an SNS subscription: the topic delivers to the endpoint
  | 'mapping' // a Lambda event source mapping: Lambda polls the source and invokes the function
  | 'notification' // an S3 event notification
  | 'target' // an EventBridge rule target, or the bus feeding a rule
  | 'integration' // an API Gateway method integration
  | 'task' // a Step Functions Task state calls a resource
  | 'dead-letter' // where failures go: a queue's redrive policy, a subscription's DLQ, a rule target's DLQ
  | 'destination' // a Lambda asynchronous or event-source-mapping on-failure/on-success destination
  | 'sends'; // a function is allowed (by its role's policy) to publish, send, put or start on the resource

export interface ArchEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  /** A short caption: the API route, the filter policy, the Task state names, the batch size… */
  label?: string;
  facts: EdgeFacts;
}

export interface EdgeFacts {
  protocol?: string;
  filterPolicy?: string;
  rawDelivery?: boolean;
  /** The subscription or mapping behind the edge (events name it). */
  subscriptionArn?: string;
  mappingUuid?: string;
  batchSize?: number;
  /** Task states that call the target (state-entered events name them). */
  states?: string[];
  method?: string;
  path?: string;
  /** IAM actions behind a `sends` edge. */
  actions?: string[];
  condition?: 'on-failure' | 'on-success';
  maxReceiveCount?: number;
}

export interface Architecture {
  lab: string;
  stackName: string;
  /** False when the stack does not exist (nodes and edges are then empty). */
  deployed: boolean;
  status: string | null;
  region: string;
  nodes: ArchNode[];
  edges: ArchEdge[];
  /** Links that could not be read, said rather than dropped (a describe call refused, a type unknown). */
  notes: string[];
}
