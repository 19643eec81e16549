// The event shape is declared once, by the local cloud that streams it (type-only import).
import type { CloudEvent } from '../cloud/events/bus.ts';

/** One cloud event as the local cloud streams it. */
export type FlowEvent = CloudEvent;

/** The short name of an ARN or URL: `alice-RideCompletionTopic` rather than the whole ARN. */
export function shortName(resource: string): string {
  const tail = resource.split(/[:/]/).filter(Boolean).pop() ?? resource;
  return /^[0-9a-f-]{36}$/.test(tail) ? resource.split(':').slice(-2).join(':') : tail;
}

/** What the message-flow view shows of an event, or undefined for events it leaves out. */
export function describeEvent(event: FlowEvent): { tone: 'move' | 'fail' | 'info'; text: string } | undefined {
  const d = event.detail;
  const target = typeof d.endpoint === 'string' ? shortName(d.endpoint) : typeof d.target === 'string' ? shortName(d.target) : undefined;
  const name = shortName(event.resource);
  switch (`${event.service}.${event.type}`) {
    case 'apigateway.request':
      return { tone: 'info', text: `API Gateway ← ${d.method} ${d.path}` };
    case 'sns.published':
      return { tone: 'move', text: `SNS ${name} ← published ${Array.isArray(d.attributes) && d.attributes.length ? `(attributes: ${d.attributes.join(', ')})` : ''}` };
    case 'sns.delivered':
      return { tone: 'move', text: `SNS ${name} → ${d.protocol} ${target}` };
    case 'sns.filtered-out':
      return { tone: 'info', text: `SNS ${name} ✕ filtered out for ${target}` };
    case 'sns.delivery-failed':
    case 'events.delivery-failed':
      return { tone: 'fail', text: `${event.service === 'sns' ? 'SNS' : 'EventBridge'} ${name} → ${target}: failed (${d.reason})` };
    case 'sns.dead-lettered':
      return { tone: 'fail', text: `SNS ${name} → dead-letter queue ${shortName(String(d.deadLetterQueue))}` };
    case 'sns.delivery-retry':
      return { tone: 'info', text: `SNS ${name} → ${target}: attempt ${d.attempt} failed (${d.reason}); retrying in ${d.retryInMs} ms` };
    case 'sns.confirmation-sent':
      return { tone: 'info', text: `SNS ${name} → ${target}: subscription confirmation sent` };
    case 'sns.confirmation-failed':
      return { tone: 'fail', text: `SNS ${name} → ${target}: subscription confirmation failed (${d.reason})` };
    case 'sns.subscription-confirmed':
      return { tone: 'info', text: `SNS ${name}: ${d.protocol} ${target} confirmed its subscription` };
    case 'events.put-event':
      return { tone: 'move', text: `EventBridge ${name} ← ${d.source} / ${d.detailType}` };
    case 'events.delivered':
      return { tone: 'move', text: `EventBridge rule ${name} → ${target}` };
    case 'lambda.invoked':
      return { tone: 'move', text: `λ ${name} ran (${d.trigger}${d.coldStart ? ', cold start' : ''}, ${d.durationMs} ms)` };
    case 'lambda.failed':
    case 'lambda.timed-out':
      return { tone: 'fail', text: `λ ${name} ${event.type === 'timed-out' ? 'timed out' : 'failed'} (${d.trigger}): ${(d.error as { errorMessage?: string })?.errorMessage ?? ''}` };
    case 'lambda.throttled':
      return { tone: 'fail', text: `λ ${name} throttled (${d.trigger})` };
    case 'lambda.async-retry':
      return { tone: 'info', text: `λ ${name}: Lambda retries the asynchronous event (attempt ${d.attempt})` };
    case 'lambda.async-dropped':
      return { tone: 'fail', text: `λ ${name}: event dropped after ${d.attempts} attempts` };
    case 'lambda.batch-failed':
    case 'lambda.batch-partially-failed':
      return { tone: 'fail', text: `λ batch from ${name} ${event.type === 'batch-failed' ? 'failed: it returns to the queue' : 'partly failed'}` };
    case 'sqs.redrive-started':
      return { tone: 'move', text: `SQS redrive from ${name} started` };
    case 'states.execution-started':
      return { tone: 'move', text: `Step Functions ${name} ▶ started` };
    case 'states.state-entered':
      return { tone: 'move', text: `Step Functions ${name} → ${d.state}` };
    case 'states.task-failed':
      return { tone: 'fail', text: `Step Functions ${name}: ${d.state} failed (${d.error})` };
    case 'states.state-retried':
      return { tone: 'info', text: `Step Functions ${name}: ${d.state} retried (attempt ${d.attempt})` };
    case 'states.state-caught':
      return { tone: 'info', text: `Step Functions ${name}: ${d.state} caught → ${d.next}` };
    case 'states.execution-succeeded':
      return { tone: 'move', text: `Step Functions ${name} ■ succeeded` };
    case 'states.execution-failed':
    case 'states.execution-aborted':
    case 'states.execution-timed-out':
      return { tone: 'fail', text: `Step Functions ${name} ■ ${event.type.slice('execution-'.length).replace('-', ' ')}${d.error ? ` (${d.error})` : ''}` };
    default:
      return undefined;
  }
}
