import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT_ID, parseArn } from '../aws/context.ts';
import type { EventBridgeService } from '../services/events/service.ts';
import type { IamService } from '../services/iam/service.ts';
import type { InvocationReport } from '../services/lambda/pool.ts';
import type { FunctionRecord, LambdaService } from '../services/lambda/service.ts';
import type { SnsService } from '../services/sns/service.ts';
import type { MessageAttribute } from '../services/sns/validate.ts';
import type { StepFunctionsService } from '../services/stepfunctions/service.ts';
import { type ResourcePolicy, resourcePolicyAllows } from '../shared/resource-policy.ts';
import { type QueueDirectory, type QueueMessage, QueueRefusal } from './queues.ts';

// How one service of the local cloud acts towards another, as AWS services do: SNS delivering to
// a queue or a function, EventBridge to its targets, S3 its notifications, API Gateway invoking
// its integration, Lambda sending invocation records to destinations, CloudWatch alarms
// publishing. All of it happens here, in process (no signed HTTP request to ourselves), and is
// authorized in one place (`refusal`): by the target's resource policy, or by the role the
// service assumes. Step Functions' tasks are not deliveries: they call the services' APIs with
// the state machine's role, as a client would (see stepfunctions/integrations.ts).

/** Who acts: an AWS service, on behalf of one of its resources. */
export interface Principal {
  /** The service principal, e.g. `sns.amazonaws.com`. */
  service: string;
  /** The resource it acts for (`aws:SourceArn`): the topic, the rule, the bucket, the alarm, the function. */
  sourceArn: string;
  /**
   * What allows it: by default the target's resource policy (queue, topic or function policy);
   * `role`, a role the service assumes (EventBridge's Step Functions targets); `unchecked`, an
   * authority the local cloud does not model, with the reason (say which, so it stays visible).
   */
  authority?: { role: string } | { unchecked: string };
}

/** A delivery the target refused (missing, not allowed, or the message itself): trying again cannot help. */
export class DeliveryRefused extends Error {}

/** A message one service publishes to a topic. */
export interface TopicMessage {
  message: string;
  subject?: string;
  attributes?: Record<string, MessageAttribute>;
}

/** The services deliveries reach, found when a delivery is made (they are built after this). */
export interface DeliveryTargets {
  lambda: LambdaService;
  sns: SnsService;
  stepFunctions: StepFunctionsService;
  eventBridge: EventBridgeService;
  iam: IamService;
}

/** The action each kind of target is called with, by the service named in its ARN. */
const ACTIONS: Record<string, string> = {
  sqs: 'sqs:SendMessage',
  sns: 'sns:Publish',
  lambda: 'lambda:InvokeFunction',
  states: 'states:StartExecution',
  events: 'events:PutEvents',
};

/** The one path by which a service acts towards another. */
export class Delivery {
  constructor(
    /** SQS queues, in process. */
    readonly queues: QueueDirectory,
    private readonly targets: () => DeliveryTargets,
    private readonly region: string,
  ) {}

  /** Sends a message to a queue; returns its message id. */
  async sendToQueue(queueArn: string, message: QueueMessage, principal: Principal): Promise<string> {
    const queue = await this.queues.facts(queueArn);
    if (!queue) throw new DeliveryRefused(`queue ${queueArn} does not exist`);
    await this.authorize(principal, queueArn, queue.policy);
    if (queue.fifo && !message.fifo)
      throw new DeliveryRefused(
        `queue ${queue.name} is a FIFO queue: ${principal.service} sends to FIFO queues only from FIFO sources (or with a message group id)`,
      );
    try {
      return this.queues.send(queue, queue.fifo ? message : { ...message, fifo: undefined });
    } catch (error) {
      if (error instanceof QueueRefusal) throw new DeliveryRefused(error.message);
      throw error;
    }
  }

  /** Invokes a function asynchronously: Lambda queues the event and retries it, as for SNS, S3 and EventBridge. */
  async invokeFunction(functionArn: string, event: unknown, principal: Principal): Promise<void> {
    const fn = this.fn(functionArn);
    await this.authorize(principal, fn.arn, fn.policy);
    this.targets().lambda.enqueueAsync(fn, event, triggerOf(principal));
  }

  /** Invokes a function and waits for its result, as API Gateway's proxy integration does. */
  async invokeFunctionNow(functionArn: string, event: unknown, principal: Principal): Promise<InvocationReport> {
    const fn = this.fn(functionArn);
    await this.authorize(principal, fn.arn, fn.policy);
    return this.targets().lambda.run(fn, event, triggerOf(principal));
  }

  /** Publishes to a topic; SNS answers once it has accepted the message and delivers it on its own. */
  async publishToTopic(topicArn: string, message: TopicMessage, principal: Principal): Promise<string> {
    const { sns } = this.targets();
    const topic = sns.store.topics.get(topicArn);
    if (!topic) throw new DeliveryRefused(`topic ${topicArn} does not exist`);
    await this.authorize(principal, topicArn, topic.attributes.Policy);
    const MessageAttributes = Object.entries(message.attributes ?? {}).map(([Name, Value]) => ({ Name, Value }));
    return sns.publish({ TopicArn: topicArn, Message: message.message, Subject: message.subject, MessageAttributes }).MessageId;
  }

  /** Starts an execution of a state machine; it runs on its own. */
  async startExecution(stateMachineArn: string, input: string, principal: Principal): Promise<string> {
    const { stepFunctions } = this.targets();
    if (!stepFunctions.machines.has(stateMachineArn)) throw new DeliveryRefused(`state machine ${stateMachineArn} does not exist`);
    await this.authorize(principal, stateMachineArn, undefined);
    const region = parseArn(stateMachineArn)?.region ?? this.region;
    return stepFunctions.start({ stateMachineArn, input }, { region, accountId: LOCAL_ACCOUNT_ID, requestId: randomUUID() }).executionArn;
  }

  /** Puts one event on an event bus; its rules route it. */
  async putEvent(busArn: string, event: { source: string; detailType: string; detail: unknown }, principal: Principal): Promise<void> {
    const parsed = parseArn(busArn);
    if (parsed?.service !== 'events' || !parsed.resource.startsWith('event-bus/'))
      throw new DeliveryRefused(`${busArn} is not an event bus ARN`);
    await this.authorize(principal, busArn, undefined);
    const context = { region: parsed.region, accountId: parsed.accountId, requestId: randomUUID() };
    const entry = { EventBusName: busArn, Source: event.source, DetailType: event.detailType, Detail: JSON.stringify(event.detail) };
    const { Entries = [] } = (await this.targets().eventBridge.actions.PutEvents({ Entries: [entry] }, context)) as {
      Entries?: { ErrorMessage?: string }[];
    };
    if (Entries[0]?.ErrorMessage) throw new DeliveryRefused(`event bus ${busArn} refused the event: ${Entries[0].ErrorMessage}`);
  }

  /**
   * Sends a record to a destination named by its ARN (a queue, a topic, a function or an event
   * bus), as Lambda does with the records of asynchronous invocations and failed stream batches.
   */
  async sendRecord(
    destinationArn: string,
    record: unknown,
    principal: Principal,
    detailType = 'Lambda Function Invocation Result',
  ): Promise<void> {
    const service = parseArn(destinationArn)?.service;
    const body = JSON.stringify(record);
    if (service === 'sqs') await this.sendToQueue(destinationArn, { body }, principal);
    else if (service === 'sns') await this.publishToTopic(destinationArn, { message: body }, principal);
    else if (service === 'lambda') await this.invokeFunction(destinationArn, record, principal);
    else if (service === 'events') await this.putEvent(destinationArn, { source: 'lambda', detailType, detail: record }, principal);
    else
      throw new DeliveryRefused(
        `${destinationArn} is not a destination the local cloud delivers to (queues, topics, functions and event buses)`,
      );
  }

  /**
   * Why `principal` may not act on `resourceArn`, or undefined when it may: the one place a
   * delivery is authorized. `policy` is the target's resource policy, when it has one. S3 asks
   * this when a notification configuration is set, without sending anything.
   */
  async refusal(principal: Principal, resourceArn: string, policy?: ResourcePolicy): Promise<string | undefined> {
    const target = parseArn(resourceArn)?.service ?? '';
    const action = ACTIONS[target];
    if (!action) return `${resourceArn} is not a target the local cloud delivers to`;
    const authority = principal.authority;
    if (authority && 'unchecked' in authority) return undefined;
    if (authority && 'role' in authority) {
      const { iam } = this.targets();
      const role = iam.roleByArn(authority.role);
      if (!role || !iam.trusts(role, principal.service))
        return `role ${authority.role} does not exist or does not trust ${principal.service}`;
      if (iam.decide(role, action, resourceArn) !== 'allowed')
        return `role ${authority.role} is not allowed ${action} on ${resourceArn} (for ${principal.sourceArn})`;
      return undefined;
    }
    if (resourcePolicyAllows(policy, { service: principal.service, action, resourceArn, sourceArn: principal.sourceArn })) return undefined;
    const kind = { sqs: 'queue', sns: 'topic', lambda: 'function' }[target] ?? 'resource';
    const fix = {
      sqs: 'add a queue policy statement allowing sqs:SendMessage with an aws:SourceArn condition',
      sns: 'add a topic policy statement allowing sns:Publish',
      lambda: "add a lambda:InvokeFunction permission, e.g. with AddPermission or the CDK's grantInvoke",
    }[target];
    return `the policy of ${kind} ${resourceArn} does not allow ${principal.service} to ${action} on behalf of ${principal.sourceArn}${fix ? ` (${fix})` : ''}`;
  }

  /** The policy of the resource an ARN names, as `refusal` needs it (S3 validates destinations with it). */
  async policyOf(resourceArn: string): Promise<{ exists: boolean; policy?: ResourcePolicy }> {
    const service = parseArn(resourceArn)?.service;
    if (service === 'sqs') {
      const queue = await this.queues.facts(resourceArn);
      return { exists: queue !== undefined, policy: queue?.policy };
    }
    if (service === 'sns') {
      const topic = this.targets().sns.store.topics.get(resourceArn);
      return { exists: topic !== undefined, policy: topic?.attributes.Policy };
    }
    if (service === 'lambda') {
      const fn = this.targets().lambda.functions.get(parseArn(resourceArn)!.resource.split(':')[1] ?? '');
      return { exists: fn !== undefined, policy: fn?.policy };
    }
    return { exists: false };
  }

  private async authorize(principal: Principal, resourceArn: string, policy: ResourcePolicy): Promise<void> {
    const reason = await this.refusal(principal, resourceArn, policy);
    if (reason) throw new DeliveryRefused(reason);
  }

  private fn(functionArn: string): FunctionRecord {
    const parsed = parseArn(functionArn);
    const fn = parsed?.service === 'lambda' ? this.targets().lambda.functions.get(parsed.resource.split(':')[1] ?? '') : undefined;
    if (!fn) throw new DeliveryRefused(`function ${functionArn} does not exist`);
    return fn;
  }
}

/** How Lambda's activity names what invoked a function: `sns`, `events`, `s3`, `apigateway`, `lambda`… */
function triggerOf(principal: Principal): string {
  return principal.service.replace(/\.amazonaws\.com$/, '');
}
