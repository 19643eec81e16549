import type { ArchEdge, ArchNode } from '@site/src/lib/architecture-activity';

export const KIND_LABEL: Record<ArchNode['kind'], string> = {
  api: 'API Gateway',
  function: 'Lambda function',
  topic: 'SNS topic',
  queue: 'SQS queue',
  table: 'DynamoDB table',
  'state-machine': 'Step Functions',
  stream: 'Kinesis stream',
  bucket: 'S3 bucket',
  rule: 'EventBridge rule',
  'event-bus': 'EventBridge',
  endpoint: 'endpoint',
};

/** The few words an edge carries on the diagram; the full filter policy is in the text twin. */
export function shortCaption(edge: ArchEdge): string | undefined {
  if (edge.kind === 'subscription') return edge.facts.filterPolicy ? 'filtered' : undefined;
  if (edge.kind === 'dead-letter') return 'DLQ';
  if (
    edge.kind === 'sends' ||
    edge.kind === 'integration' ||
    edge.kind === 'task' ||
    edge.kind === 'mapping' ||
    edge.kind === 'destination'
  )
    return edge.label;
  return undefined;
}

/** An edge in words: `subscription (lambda), filter {…}`. */
export function describeLink(edge: ArchEdge): string {
  switch (edge.kind) {
    case 'subscription':
      return `subscription (${edge.facts.protocol}${edge.facts.rawDelivery ? ', raw delivery' : ''})${edge.facts.filterPolicy ? `, filter policy ${edge.facts.filterPolicy}` : ''}`;
    case 'mapping':
      return `event source mapping${edge.label ? `, ${edge.label}` : ''}`;
    case 'notification':
      return `event notification${edge.label ? ` (${edge.label})` : ''}`;
    case 'target':
      return 'rule target';
    case 'integration':
      return `API integration ${edge.label ?? ''}`;
    case 'task':
      return `Task state ${edge.label ?? ''}`;
    case 'dead-letter':
      return `dead-letter queue${edge.label ? ` (${edge.label})` : ''}`;
    case 'destination':
      return `${edge.facts.condition ?? ''} destination`;
    case 'sends':
      return `${edge.label} (allowed by its role: ${edge.facts.actions?.join(', ')})`;
  }
}
