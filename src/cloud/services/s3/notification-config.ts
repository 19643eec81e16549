import { randomUUID } from 'node:crypto';
import { parseArn } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import { escapeXml } from '../../aws/xml.ts';
import { childrenNamed, childText, type XmlElement } from './xml.ts';

/** Where one configuration sends its events. */
export type DestinationKind = 'queue' | 'topic' | 'lambda';

/** One Queue-, Topic- or LambdaFunctionConfiguration of a bucket. */
export interface NotificationRule {
  id: string;
  kind: DestinationKind;
  /** Queue, topic or function ARN. */
  arn: string;
  /** As configured, e.g. `s3:ObjectCreated:*`. */
  events: string[];
  prefix?: string;
  suffix?: string;
}

/** A bucket's notification configuration, as PutBucketNotificationConfiguration sets it. */
export interface NotificationConfiguration {
  rules: NotificationRule[];
}

/** The events the local cloud emits (it has no versioning, replication, restores, lifecycle or tagging events). */
export const SUPPORTED_EVENTS = [
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
];

// Valid on AWS but never produced here: refused by name rather than accepted and never sent.
const AWS_ONLY_EVENT =
  /^s3:(ObjectRemoved:DeleteMarkerCreated|ObjectRestore:(\*|Post|Completed|Delete)|ReducedRedundancyLostObject|Replication:.+|LifecycleExpiration:.+|LifecycleTransition|IntelligentTiering|ObjectTagging:.+|ObjectAcl:Put)$/;

const invalidArgument = (message: string) => new AwsError('InvalidArgument', message);

const ELEMENTS: Record<DestinationKind, { element: string; arn: string }> = {
  queue: { element: 'QueueConfiguration', arn: 'Queue' },
  topic: { element: 'TopicConfiguration', arn: 'Topic' },
  // S3's XML names Lambda configurations by their old name, CloudFunction.
  lambda: { element: 'CloudFunctionConfiguration', arn: 'CloudFunction' },
};

const SERVICE_OF: Record<DestinationKind, string> = { queue: 'sqs', topic: 'sns', lambda: 'lambda' };

/** S3 can send every event to EventBridge; the local cloud does not, and says so wherever it is asked. */
export const eventBridgeNotSupported = () =>
  new AwsError(
    'NotImplemented',
    'The local cloud does not send S3 events to EventBridge: EventBridgeConfiguration is not supported. Use queue, topic or Lambda function configurations, or the AWS target.',
    501,
  );

/** An Id as S3 generates one when the request has none (a base64 string). */
const generatedId = () => Buffer.from(randomUUID()).toString('base64').replace(/=+$/, '');

/** Reads `<NotificationConfiguration>` as the PutBucketNotificationConfiguration request body carries it. */
export function configurationFromXml(root: XmlElement): NotificationConfiguration {
  if (root.name !== 'NotificationConfiguration')
    throw new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  if (childrenNamed(root, 'EventBridgeConfiguration').length > 0) throw eventBridgeNotSupported();
  const rules: NotificationRule[] = [];
  for (const kind of ['queue', 'topic', 'lambda'] as const) {
    for (const element of childrenNamed(root, ELEMENTS[kind].element)) {
      const filterRules = childrenNamed(element, 'Filter')
        .flatMap((filter) => childrenNamed(filter, 'S3Key'))
        .flatMap((key) => childrenNamed(key, 'FilterRule'));
      rules.push(
        rule(
          kind,
          childText(element, ELEMENTS[kind].arn),
          childText(element, 'Id'),
          childrenNamed(element, 'Event').map((e) => e.text.trim()),
          filterRules.map((r) => ({ Name: childText(r, 'Name')?.trim(), Value: childText(r, 'Value') })),
        ),
      );
    }
  }
  return validated({ rules });
}

/**
 * Reads the SDK's (and the CDK custom resource's) JSON shape: QueueConfigurations,
 * TopicConfigurations, LambdaFunctionConfigurations with Events and Filter.Key.FilterRules.
 */
export function configurationFromJson(input: any): NotificationConfiguration {
  if (input?.EventBridgeConfiguration !== undefined) throw eventBridgeNotSupported();
  const list = (value: unknown): any[] => (Array.isArray(value) ? value : []);
  const rules = [
    ...list(input?.QueueConfigurations).map((c) => rule('queue', c.QueueArn, c.Id, c.Events, c.Filter?.Key?.FilterRules)),
    ...list(input?.TopicConfigurations).map((c) => rule('topic', c.TopicArn, c.Id, c.Events, c.Filter?.Key?.FilterRules)),
    ...list(input?.LambdaFunctionConfigurations).map((c) =>
      rule('lambda', c.LambdaFunctionArn, c.Id, c.Events, c.Filter?.Key?.FilterRules),
    ),
  ];
  return validated({ rules });
}

/** The same configuration in the SDK's JSON shape (what GetBucketNotificationConfiguration returns). */
export function configurationToJson(configuration: NotificationConfiguration): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const keys = {
    queue: ['QueueConfigurations', 'QueueArn'],
    topic: ['TopicConfigurations', 'TopicArn'],
    lambda: ['LambdaFunctionConfigurations', 'LambdaFunctionArn'],
  } as const;
  for (const r of configuration.rules) {
    const [list, arnKey] = keys[r.kind];
    const FilterRules = filterRulesOf(r);
    out[list] ??= [];
    out[list].push({
      Id: r.id,
      [arnKey]: r.arn,
      Events: r.events,
      ...(FilterRules.length > 0 ? { Filter: { Key: { FilterRules } } } : {}),
    });
  }
  return out;
}

/** `<NotificationConfiguration>` as GetBucketNotificationConfiguration answers it. */
export function configurationToXml(configuration: NotificationConfiguration): string {
  const parts = configuration.rules.map((r) => {
    const { element, arn } = ELEMENTS[r.kind];
    const rules = filterRulesOf(r)
      .map((f) => `<FilterRule><Name>${f.Name}</Name><Value>${escapeXml(f.Value)}</Value></FilterRule>`)
      .join('');
    const filter = rules ? `<Filter><S3Key>${rules}</S3Key></Filter>` : '';
    return `<${element}><Id>${escapeXml(r.id)}</Id><${arn}>${escapeXml(r.arn)}</${arn}>${r.events.map((e) => `<Event>${escapeXml(e)}</Event>`).join('')}${filter}</${element}>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts.join('')}</NotificationConfiguration>`;
}

// AWS answers filter rule names capitalised, whatever case they were sent in.
function filterRulesOf(r: NotificationRule): { Name: 'Prefix' | 'Suffix'; Value: string }[] {
  return [
    ...(r.prefix !== undefined ? [{ Name: 'Prefix' as const, Value: r.prefix }] : []),
    ...(r.suffix !== undefined ? [{ Name: 'Suffix' as const, Value: r.suffix }] : []),
  ];
}

function rule(kind: DestinationKind, arn: unknown, id: unknown, events: unknown, filterRules: unknown): NotificationRule {
  if (typeof arn !== 'string' || arn === '')
    throw invalidArgument(`A ${ELEMENTS[kind].element} needs the ARN of its destination (${ELEMENTS[kind].arn}).`);
  if (parseArn(arn)?.service !== SERVICE_OF[kind]) throw invalidArgument(`The ARN is not well formed: ${arn}`);
  const eventList = Array.isArray(events) ? events.map(String) : [];
  if (eventList.length === 0) throw invalidArgument(`A ${ELEMENTS[kind].element} needs at least one Event.`);
  for (const event of eventList) {
    if (AWS_ONLY_EVENT.test(event)) {
      throw new AwsError(
        'NotImplemented',
        `The local cloud does not produce ${event} events (it has no versioning, restores, replication, lifecycle, tagging or ACL events); it supports: ${SUPPORTED_EVENTS.join(', ')}.`,
        501,
      );
    }
    if (!SUPPORTED_EVENTS.includes(event)) throw invalidArgument('The event is not supported for notifications');
  }
  const result: NotificationRule = {
    id: typeof id === 'string' && id !== '' ? id : generatedId(),
    kind,
    arn,
    events: [...new Set(eventList)],
  };
  for (const f of Array.isArray(filterRules) ? filterRules : []) {
    const name = String(f?.Name ?? '').toLowerCase();
    if (name !== 'prefix' && name !== 'suffix') throw invalidArgument('filter rule name must be either prefix or suffix');
    if (result[name] !== undefined) throw invalidArgument(`Cannot specify more than one ${name} rule in a filter.`);
    const value = String(f?.Value ?? '');
    if (value.length > 1024) throw invalidArgument('The filter rule value is longer than 1024 characters.');
    result[name] = value;
  }
  return result;
}

/** Whether two configured event names can describe the same event (`s3:ObjectCreated:*` covers `s3:ObjectCreated:Put`). */
function eventsOverlap(a: string, b: string): boolean {
  const [typeA, detailA] = a.split(':').slice(1);
  const [typeB, detailB] = b.split(':').slice(1);
  return typeA === typeB && (detailA === '*' || detailB === '*' || detailA === detailB);
}

/**
 * AWS's checks across configurations: unique Ids, and no two configurations that could both
 * match one event (overlapping event types whose prefixes and suffixes overlap too).
 */
function validated(configuration: NotificationConfiguration): NotificationConfiguration {
  const ids = new Set<string>();
  for (const r of configuration.rules) {
    if (ids.has(r.id)) throw invalidArgument('Same ID used for multiple configurations');
    ids.add(r.id);
  }
  const rules = configuration.rules;
  for (let i = 0; i < rules.length; i++) {
    for (let j = i + 1; j < rules.length; j++) {
      const [a, b] = [rules[i], rules[j]];
      if (!a.events.some((ea) => b.events.some((eb) => eventsOverlap(ea, eb)))) continue;
      const [pa, pb, sa, sb] = [a.prefix ?? '', b.prefix ?? '', a.suffix ?? '', b.suffix ?? ''];
      const prefixes = pa.startsWith(pb) || pb.startsWith(pa);
      const suffixes = sa.endsWith(sb) || sb.endsWith(sa);
      if (!prefixes || !suffixes) continue;
      if (!pa && !pb && !sa && !sb)
        throw invalidArgument('Configurations overlap. Configurations on the same bucket cannot share a common event type.');
      throw invalidArgument(
        'Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.',
      );
    }
  }
  return configuration;
}

/** Whether a rule wants an event (`ObjectCreated:Put`) on `key` (the key itself, not URL-encoded). */
export function ruleMatches(r: NotificationRule, eventName: string, key: string): boolean {
  const event = `s3:${eventName}`;
  if (!r.events.some((configured) => configured === event || (configured.endsWith(':*') && event.startsWith(configured.slice(0, -1)))))
    return false;
  return key.startsWith(r.prefix ?? '') && key.endsWith(r.suffix ?? '');
}
