import type { StackSnapshot } from './snapshot.ts';
import type { ArchEdge, Architecture, ArchNode, EdgeKind, NodeKind } from './types.ts';

/** The short name of an ARN, a queue URL or a name: what the diagram writes on a node. */
export function shortLabel(id: string): string {
  const tail = id.split(/[:/]/).filter(Boolean).pop() ?? id;
  return tail;
}

const arnKind: [RegExp, NodeKind][] = [
  [/^arn:[^:]+:lambda:/, 'function'],
  [/^arn:[^:]+:sns:/, 'topic'],
  [/^arn:[^:]+:sqs:/, 'queue'],
  [/^arn:[^:]+:dynamodb:/, 'table'],
  [/^arn:[^:]+:states:/, 'state-machine'],
  [/^arn:[^:]+:kinesis:/, 'stream'],
  [/^arn:[^:]+:s3:/, 'bucket'],
  [/^arn:[^:]+:events:[^:]*:[^:]*:rule\//, 'rule'],
  [/^arn:[^:]+:events:[^:]*:[^:]*:event-bus\//, 'event-bus'],
];

/** What an ARN outside the stack is, from its service. */
export function kindOfArn(arn: string): NodeKind {
  return arnKind.find(([pattern]) => pattern.test(arn))?.[1] ?? 'endpoint';
}

/** A function ARN without its version or alias qualifier (`…:function:name:live` → `…:function:name`). */
export function unqualifiedFunctionArn(arn: string): string {
  const parts = arn.split(':');
  return parts[2] === 'lambda' && parts.length > 7 ? parts.slice(0, 7).join(':') : arn;
}

/** The Resource properties a Task state names, per service integration, as ARNs or names. */
function taskTargets(state: Record<string, unknown>): string[] {
  const resource = String(state.Resource ?? '');
  const parameters = (state.Parameters ?? state.Arguments ?? {}) as Record<string, unknown>;
  const first = (...keys: string[]) =>
    keys.map((k) => parameters[k] ?? parameters[`${k}.$`]).find((v) => typeof v === 'string') as string | undefined;
  if (/^arn:[^:]+:lambda:/.test(resource)) return [resource];
  const integration = /^arn:[^:]+:states:::([a-z0-9-]+):/.exec(resource)?.[1];
  const named = {
    lambda: first('FunctionName'),
    sns: first('TopicArn', 'TargetArn'),
    sqs: first('QueueUrl'),
    dynamodb: first('TableName'),
    states: first('StateMachineArn'),
    events: undefined,
    kinesis: first('StreamName', 'StreamARN'),
  }[integration ?? ''];
  return named && !named.startsWith('$') ? [named] : [];
}

/** Every Task state of an ASL definition (in Parallel branches and Map iterators too), with what it calls. */
export function tasksOf(definition: string): { state: string; targets: string[]; resource: string }[] {
  const found: { state: string; targets: string[]; resource: string }[] = [];
  const walk = (states: Record<string, Record<string, unknown>> | undefined) => {
    for (const [name, state] of Object.entries(states ?? {})) {
      if (state.Type === 'Task') found.push({ state: name, targets: taskTargets(state), resource: String(state.Resource ?? '') });
      for (const branch of (state.Branches as { States?: Record<string, Record<string, unknown>> }[] | undefined) ?? [])
        walk(branch.States);
      const processor = (state.ItemProcessor ?? state.Iterator) as { States?: Record<string, Record<string, unknown>> } | undefined;
      walk(processor?.States);
    }
  };
  try {
    walk(JSON.parse(definition).States);
  } catch {
    // a definition that does not parse has no Task states to draw
  }
  return found;
}

/** State names of an ASL definition in order, top level first. */
function statesOf(definition: string): string[] {
  try {
    return Object.keys(JSON.parse(definition).States ?? {});
  } catch {
    return [];
  }
}

/** The write actions that make a `sends` edge from a function to a resource: what moves a message. */
const SENDING_ACTIONS =
  /^(sns:Publish|sqs:SendMessage|events:PutEvents|states:StartExecution|states:StartSyncExecution|kinesis:PutRecords?|dynamodb:(PutItem|UpdateItem|BatchWriteItem|DeleteItem)|s3:PutObject)$/i;

type TemplateValue = unknown;

/**
 * Builds the graph of a deployed stack: one node per resource that holds or moves messages, and
 * one edge per link between them (subscriptions, event source mappings, notifications, rule
 * targets, API integrations, Task states, dead-letter queues, destinations), plus `sends` edges
 * from functions to what their role's policy lets them publish or send to.
 */
export function buildArchitecture(lab: string, stackName: string, status: string, snapshot: StackSnapshot): Architecture {
  const nodes = new Map<string, ArchNode>();
  const aliases = new Map<string, string>();
  const edges = new Map<string, ArchEdge>();
  const notes = [...snapshot.notes];
  const logicalToNode = new Map<string, string>();
  const physicalOf = new Map(snapshot.resources.map((r) => [r.logicalId, r.physicalId]));
  const arn = (service: string, resource: string) => `arn:aws:${service}:${snapshot.region}:${snapshot.account}:${resource}`;

  const addNode = (node: Omit<ArchNode, 'aliases' | 'facts'> & Partial<Pick<ArchNode, 'aliases' | 'facts'>>) => {
    const full: ArchNode = { aliases: [], facts: {}, ...node };
    nodes.set(full.id, full);
    for (const alias of [full.id, ...full.aliases]) aliases.set(alias, full.id);
    return full;
  };
  const logicalOf = (physical: string) => snapshot.resources.find((r) => r.physicalId === physical)?.logicalId;
  /** The node an ARN, URL or name refers to, adding a node outside the stack when it is none of ours. */
  const nodeFor = (ref: string): string => {
    const known = aliases.get(ref) ?? aliases.get(unqualifiedFunctionArn(ref));
    if (known) return known;
    const kind = /^https?:\/\//.test(ref) ? 'endpoint' : kindOfArn(ref);
    return addNode({ id: ref, kind, label: shortLabel(ref) }).id;
  };
  const addEdge = (source: string, target: string, kind: EdgeKind, facts: ArchEdge['facts'] = {}, label?: string) => {
    const id = `${kind}:${source}->${target}${facts.subscriptionArn ? `#${facts.subscriptionArn}` : facts.mappingUuid ? `#${facts.mappingUuid}` : ''}`;
    const existing = edges.get(id);
    if (existing) {
      // Several Task states calling one resource share an edge that names them all.
      if (facts.states) existing.facts.states = [...new Set([...(existing.facts.states ?? []), ...facts.states])];
      if (facts.actions) existing.facts.actions = [...new Set([...(existing.facts.actions ?? []), ...facts.actions])];
      if (existing.facts.states) existing.label = existing.facts.states.join(', ');
      return;
    }
    edges.set(id, { id, source, target, kind, facts, label });
  };

  // Nodes: every resource of the stack that holds, moves or processes messages.
  for (const t of snapshot.topics)
    addNode({ id: t.arn, kind: 'topic', label: shortLabel(t.arn), logicalId: logicalOf(t.arn), facts: { fifo: t.fifo } });
  for (const q of snapshot.queues)
    addNode({
      id: q.arn,
      kind: 'queue',
      label: shortLabel(q.arn),
      logicalId: logicalOf(q.url),
      aliases: [q.url],
      facts: { fifo: q.fifo, url: q.url },
    });
  for (const f of snapshot.functions) {
    addNode({
      id: f.arn,
      kind: 'function',
      label: f.name,
      logicalId: logicalOf(f.name),
      aliases: [f.name],
      facts: { memoryMb: f.memoryMb, timeoutSeconds: f.timeoutSeconds },
    });
  }
  for (const t of snapshot.tables)
    addNode({
      id: t.arn,
      kind: 'table',
      label: t.name,
      logicalId: logicalOf(t.name),
      aliases: [t.name],
      facts: { billingMode: t.billingMode },
    });
  for (const m of snapshot.stateMachines) {
    addNode({
      id: m.arn,
      kind: 'state-machine',
      label: m.name,
      logicalId: logicalOf(m.arn),
      facts: { workflowType: m.type, states: statesOf(m.definition) },
    });
  }
  for (const s of snapshot.streams) {
    addNode({
      id: s.arn,
      kind: 'stream',
      label: s.name,
      logicalId: logicalOf(s.name),
      aliases: [s.name],
      facts: { shards: s.shards, streamMode: s.mode, createdAt: s.createdAt },
    });
  }
  for (const b of snapshot.buckets)
    addNode({ id: `arn:aws:s3:::${b.name}`, kind: 'bucket', label: b.name, logicalId: logicalOf(b.name), aliases: [b.name] });
  for (const bus of snapshot.eventBuses)
    addNode({ id: bus.arn, kind: 'event-bus', label: `${bus.name} event bus`, logicalId: logicalOf(bus.name), aliases: [bus.name] });
  for (const r of snapshot.rules) {
    addNode({
      id: r.arn,
      kind: 'rule',
      label: r.name,
      logicalId: snapshot.resources.find(
        (x) => x.type === 'AWS::Events::Rule' && (x.physicalId === r.name || x.physicalId.endsWith(`|${r.name}`) || x.physicalId === r.arn),
      )?.logicalId,
    });
  }
  for (const api of snapshot.apis) {
    addNode({
      id: api.id,
      kind: 'api',
      label: api.name,
      logicalId: logicalOf(api.id),
      aliases: api.stages.map((stage) => `${api.id}/${stage}`),
    });
  }
  for (const r of snapshot.resources) {
    const id = aliases.get(r.physicalId);
    if (id) logicalToNode.set(r.logicalId, id);
  }

  // Links read from the services.
  for (const topic of snapshot.topics) {
    for (const s of topic.subscriptions) {
      const target = nodeFor(s.endpoint);
      const filter = s.filterPolicy ? `filter ${s.filterPolicy}` : undefined;
      addEdge(
        topic.arn,
        target,
        'subscription',
        { protocol: s.protocol, filterPolicy: s.filterPolicy, rawDelivery: s.rawDelivery, subscriptionArn: s.arn },
        filter,
      );
      if (s.deadLetterTargetArn)
        addEdge(
          topic.arn,
          nodeFor(s.deadLetterTargetArn),
          'dead-letter',
          { subscriptionArn: s.arn },
          `DLQ of the ${shortLabel(s.endpoint)} subscription`,
        );
    }
  }
  for (const queue of snapshot.queues) {
    if (!queue.deadLetterTargetArn) continue;
    const dlq = nodeFor(queue.deadLetterTargetArn);
    addEdge(
      queue.arn,
      dlq,
      'dead-letter',
      { maxReceiveCount: queue.maxReceiveCount },
      queue.maxReceiveCount ? `after ${queue.maxReceiveCount} receives` : undefined,
    );
  }
  for (const f of snapshot.functions) {
    for (const m of f.mappings) {
      addEdge(
        nodeFor(m.eventSourceArn),
        f.arn,
        'mapping',
        { mappingUuid: m.uuid, batchSize: m.batchSize },
        m.batchSize ? `batches of ${m.batchSize}` : undefined,
      );
      if (m.onFailure)
        addEdge(f.arn, nodeFor(m.onFailure), 'destination', { condition: 'on-failure', mappingUuid: m.uuid }, 'failed batches');
    }
    if (f.onFailure) addEdge(f.arn, nodeFor(f.onFailure), 'destination', { condition: 'on-failure' }, 'on failure');
    if (f.onSuccess) addEdge(f.arn, nodeFor(f.onSuccess), 'destination', { condition: 'on-success' }, 'on success');
    if (f.deadLetterTargetArn) addEdge(f.arn, nodeFor(f.deadLetterTargetArn), 'dead-letter', {}, 'dead-letter queue');
  }
  for (const bucket of snapshot.buckets) {
    for (const t of bucket.targets) addEdge(`arn:aws:s3:::${bucket.name}`, nodeFor(t.arn), 'notification', {}, t.events.join(', '));
  }
  for (const rule of snapshot.rules) {
    const busArn = rule.eventBusName.startsWith('arn:') ? rule.eventBusName : arn('events', `event-bus/${rule.eventBusName}`);
    const bus =
      aliases.get(busArn) ??
      addNode({ id: busArn, kind: 'event-bus', label: `${shortLabel(busArn)} event bus`, aliases: [shortLabel(busArn)] }).id;
    addEdge(bus, rule.arn, 'target');
    for (const t of rule.targets) {
      addEdge(rule.arn, nodeFor(t.arn), 'target');
      if (t.deadLetterArn) addEdge(rule.arn, nodeFor(t.deadLetterArn), 'dead-letter', {}, 'target DLQ');
    }
  }
  for (const machine of snapshot.stateMachines) {
    for (const task of tasksOf(machine.definition)) {
      for (const target of task.targets) {
        const ref = target.startsWith('arn:') ? target : resolveName(target, aliases);
        if (ref) addEdge(machine.arn, nodeFor(ref), 'task', { states: [task.state] }, task.state);
      }
    }
  }

  // Links read from the deployed template: API integrations and what each function may send to.
  const resolve = templateResolver(snapshot, logicalToNode, physicalOf);
  const template = snapshot.template.Resources ?? {};
  for (const resource of Object.values(template)) {
    if (resource.Type === 'AWS::ApiGateway::Method') {
      const p = resource.Properties ?? {};
      const apiNode = logicalToNode.get(refOf(p.RestApiId) ?? '');
      const uri = resolve(((p.Integration ?? {}) as { Uri?: TemplateValue }).Uri);
      const fn = uri && /functions\/(arn:[^/]+)\/invocations/.exec(uri)?.[1];
      if (!apiNode || !fn) continue;
      const path = apiPath(refOf(p.ResourceId), template);
      addEdge(apiNode, nodeFor(fn), 'integration', { method: String(p.HttpMethod), path }, `${p.HttpMethod} ${path}`);
    }
  }
  const functionsByRole = new Map<string, string[]>();
  for (const [logicalId, resource] of Object.entries(template)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const role = getAttOf(resource.Properties?.Role)?.[0] ?? refOf(resource.Properties?.Role);
    const node = logicalToNode.get(logicalId);
    if (role && node) functionsByRole.set(role, [...(functionsByRole.get(role) ?? []), node]);
  }
  for (const resource of Object.values(template)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = ((resource.Properties?.Roles as TemplateValue[]) ?? []).map(refOf).filter(Boolean) as string[];
    const senders = roles.flatMap((role) => functionsByRole.get(role) ?? []);
    if (senders.length === 0) continue;
    const statements = ((resource.Properties?.PolicyDocument as { Statement?: Record<string, unknown>[] })?.Statement ?? []).filter(
      (s) => s.Effect !== 'Deny',
    );
    for (const statement of statements) {
      const actions = ([] as string[]).concat(statement.Action as string | string[]).filter((a) => SENDING_ACTIONS.test(a));
      if (actions.length === 0) continue;
      for (const value of ([] as TemplateValue[]).concat(statement.Resource as TemplateValue)) {
        const target = resolve(value);
        const node = target ? (aliases.get(target) ?? (target.includes(':event-bus/') ? nodeFor(target) : undefined)) : undefined;
        if (!node) continue;
        for (const sender of senders)
          if (sender !== node) addEdge(sender, node, 'sends', { actions }, actions.map((a) => a.split(':')[1]).join(', '));
      }
    }
  }

  for (const edge of edges.values()) if (edge.kind === 'sends') edge.label = sendingVerb(edge.facts.actions ?? []);

  // A queue that receives another's failures is a dead-letter queue, whatever its name.
  for (const edge of edges.values()) {
    const target = nodes.get(edge.target);
    if (edge.kind === 'dead-letter' && target) target.facts.deadLetter = true;
    if (edge.kind === 'destination' && edge.facts.condition === 'on-failure' && target?.kind === 'queue') target.facts.deadLetter = true;
  }
  // The learner's prefix is on every name; the diagram shows the rest (the full name is the node's id).
  const prefix = stackName.endsWith(`-${lab}`) ? `${stackName.slice(0, -lab.length - 1)}-` : undefined;
  if (prefix) for (const node of nodes.values()) if (node.label.startsWith(prefix)) node.label = node.label.slice(prefix.length);
  for (const r of snapshot.resources) {
    if (!KNOWN_TYPES.has(r.type) && !IGNORED_TYPES.test(r.type)) notes.push(`${r.logicalId} (${r.type}) is not drawn.`);
  }
  return { lab, stackName, deployed: true, status, region: snapshot.region, nodes: [...nodes.values()], edges: [...edges.values()], notes };
}

const KNOWN_TYPES = new Set([
  'AWS::SNS::Topic',
  'AWS::SNS::Subscription',
  'AWS::SQS::Queue',
  'AWS::Lambda::Function',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::DynamoDB::Table',
  'AWS::StepFunctions::StateMachine',
  'AWS::Kinesis::Stream',
  'AWS::S3::Bucket',
  'AWS::Events::Rule',
  'AWS::Events::EventBus',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Method',
]);

/** Resources that carry no messages (permissions, logs, deployments, metadata): never drawn, never noted. */
const IGNORED_TYPES =
  /^(AWS::IAM::|AWS::Logs::|AWS::Lambda::Permission|AWS::SNS::TopicPolicy|AWS::SQS::QueuePolicy|AWS::S3::BucketPolicy|AWS::ApiGateway::(Deployment|Stage|Resource|Account)|AWS::CDK::Metadata|AWS::CloudWatch::|AWS::SSM::|Custom::|AWS::CloudFormation::)/;

/** What a `sends` edge says, in a word: publishes, sends, writes… */
function sendingVerb(actions: string[]): string {
  const service = actions[0]?.split(':')[0].toLowerCase();
  return (
    {
      sns: 'publishes',
      sqs: 'sends',
      events: 'puts events',
      states: 'starts',
      kinesis: 'puts records',
      dynamodb: 'writes',
      s3: 'puts objects',
    }[service ?? ''] ?? actions.join(', ')
  );
}

function refOf(value: TemplateValue): string | undefined {
  return value && typeof value === 'object' && 'Ref' in value ? String((value as { Ref: unknown }).Ref) : undefined;
}

function getAttOf(value: TemplateValue): string[] | undefined {
  const att = value && typeof value === 'object' ? (value as Record<string, unknown>)['Fn::GetAtt'] : undefined;
  if (Array.isArray(att)) return att.map(String);
  return typeof att === 'string' ? att.split('.') : undefined;
}

/** A table, queue or stream named in a Task's parameters, found among the stack's nodes by its name or URL. */
function resolveName(name: string, aliases: Map<string, string>): string | undefined {
  return aliases.get(name);
}

/** The path of an API Gateway resource, from its PathPart and its parents in the template. */
function apiPath(resourceId: string | undefined, template: NonNullable<StackSnapshot['template']['Resources']>): string {
  const parts: string[] = [];
  let current = resourceId;
  for (let depth = 0; current && depth < 20; depth++) {
    const resource = template[current];
    if (resource?.Type !== 'AWS::ApiGateway::Resource') break;
    parts.unshift(String(resource.Properties?.PathPart));
    current = refOf(resource.Properties?.ParentId);
  }
  return `/${parts.join('/')}`;
}

/**
 * Resolves the template's intrinsic functions that name resources (Ref, Fn::GetAtt …Arn, Fn::Join,
 * Fn::Sub and the pseudo parameters) into ARNs, URLs and names, as the deployed stack has them.
 */
function templateResolver(snapshot: StackSnapshot, logicalToNode: Map<string, string>, physicalOf: Map<string, string>) {
  const pseudo: Record<string, string> = {
    'AWS::Region': snapshot.region,
    'AWS::AccountId': snapshot.account,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const resolve = (value: TemplateValue): string | undefined => {
    if (typeof value === 'string') return value;
    if (!value || typeof value !== 'object') return undefined;
    const ref = refOf(value);
    if (ref) return pseudo[ref] ?? physicalOf.get(ref);
    const att = getAttOf(value);
    if (att) return /Arn$/.test(att[1] ?? '') ? logicalToNode.get(att[0]) : undefined;
    const join = (value as Record<string, unknown>)['Fn::Join'] as [string, TemplateValue[]] | undefined;
    if (join) {
      const parts = join[1].map(resolve);
      return parts.every((p) => p !== undefined) ? parts.join(join[0]) : undefined;
    }
    const sub = (value as Record<string, unknown>)['Fn::Sub'];
    if (typeof sub === 'string')
      return sub.replace(
        /\$\{([^}]+)\}/g,
        (_, name: string) => pseudo[name] ?? physicalOf.get(name) ?? logicalToNode.get(name.replace(/\.Arn$/, '')) ?? '',
      );
    return undefined;
  };
  return resolve;
}
