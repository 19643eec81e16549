import { ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { BatchWriteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import {
  type Checkpoint,
  check,
  cloudformation,
  dynamodb,
  eventually,
  fail,
  functionLogLines,
  iam,
  type LabContext,
  labContext,
  lambda,
  output,
  probeDeadlineMs,
  probeId,
  sns,
  sqs,
  ssm,
} from '../kit/index.ts';
import type { CloseRequest, QuoteNotification } from './functions/events.ts';
import { pollIntervalMs, queryRfq, type RfqView, SAMPLE_REQUEST, submitRfq, timing } from './rfq-client.ts';

// ---- Finding what the learner deployed -------------------------------------------------------

/** A resource of the lab's stack by type and the name its physical id ends with (ARN or URL). */
async function stackResource(type: string, name: string, what: string): Promise<string> {
  const { stackName, target } = labContext();
  const { StackResourceSummaries = [] } = await cloudformation().send(new ListStackResourcesCommand({ StackName: stackName }));
  const full = `${target.prefix}-${name}`;
  const found = StackResourceSummaries.find(
    (r) => r.ResourceType === type && (r.PhysicalResourceId?.endsWith(`:${full}`) || r.PhysicalResourceId?.endsWith(`/${full}`)),
  );
  if (!found) fail(`The stack has no ${what} named ${full}.`);
  return found.PhysicalResourceId!;
}

const requestTopic = () => stackResource('AWS::SNS::Topic', 'RequestForQuotesTopic', 'SNS topic');
const responseQueue = () => stackResource('AWS::SQS::Queue', 'RequestForQuotesResponseQueue', 'queue');
const aggregatorQueue = () => stackResource('AWS::SQS::Queue', 'QuoteAggregatorQueue', 'queue');
const notificationTopic = () => stackResource('AWS::SNS::Topic', 'CustomerNotificationTopic', 'SNS topic');

async function configuration(functionName: string) {
  return lambda().send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
}

const providerNames = async () => (await output('ProviderFunctionNames')).split(',');

/** Whether IAM's policy simulator allows the function's role `action` on `resource`. */
async function allowed(functionName: string, action: string, resource: string): Promise<boolean> {
  const { Role } = await configuration(functionName);
  const { EvaluationResults = [] } = await iam().send(
    new SimulatePrincipalPolicyCommand({ PolicySourceArn: Role, ActionNames: [action], ResourceArns: [resource] }),
  );
  return EvaluationResults[0]?.EvalDecision === 'allowed';
}

async function queueArn(queueUrl: string): Promise<string> {
  const { Attributes } = await sqs().send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'RedrivePolicy'] }),
  );
  return Attributes!.QueueArn!;
}

/** Fails unless `queueUrl` feeds `functionName` through an enabled mapping that reports partial batch failures. */
async function requireMapping(queueUrl: string, functionName: string, code: string): Promise<void> {
  const arn = await queueArn(queueUrl);
  const { EventSourceMappings = [] } = await lambda().send(new ListEventSourceMappingsCommand({ FunctionName: functionName }));
  const mapping = EventSourceMappings.find((m) => m.EventSourceArn === arn);
  check(mapping, `Nothing reads ${arn.split(':').pop()}: ${functionName} has no event source mapping on it (${code}).`);
  check(mapping.State === 'Enabled', `The mapping from ${arn.split(':').pop()} to ${functionName} is ${mapping.State}.`);
  check(
    mapping.FunctionResponseTypes?.includes('ReportBatchItemFailures'),
    `The mapping to ${functionName} does not report partial batch failures: one bad message would make SQS retry the whole batch (reportBatchItemFailures: true).`,
  );
}

/** Fails unless the queue has a dead-letter queue: an answer that cannot be stored must wait somewhere. */
async function requireDeadLetterQueue(queueUrl: string): Promise<void> {
  const { Attributes = {} } = await sqs().send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }));
  check(
    Attributes.RedrivePolicy,
    `${queueUrl.split('/').pop()} has no dead-letter queue: give it deadLetterQueue: { queue, maxReceiveCount: 5 }.`,
  );
}

// ---- The paths a probe needs, checked first so that a missing piece fails at once -------------

async function requireScatter(): Promise<void> {
  const topic = await requestTopic();
  const { Environment } = await configuration(await output('RequestForQuotesFunctionName'));
  check(
    Environment?.Variables?.TOPIC_ARN === topic,
    'The Request for Quotes Service does not publish to the topic: its TOPIC_ARN is not the topic (step 1).',
  );
  const { Subscriptions = [] } = await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }));
  check(
    Subscriptions.filter((s) => s.Protocol === 'lambda').length >= 10,
    `Requests reach ${Subscriptions.length} provider(s), not ten (step 1).`,
  );
}

async function requireGather(): Promise<void> {
  await requireScatter();
  const queueUrl = await responseQueue();
  for (const name of await providerNames()) {
    const { Environment } = await configuration(name);
    check(
      Environment?.Variables?.RESPONSE_QUEUE_URL === queueUrl,
      `${name} has nowhere to answer: its RESPONSE_QUEUE_URL is not the response queue (step 2).`,
    );
  }
  await requireMapping(queueUrl, await output('QuotesResponseFunctionName'), 'step 2');
}

async function requireAggregator(): Promise<void> {
  await requireGather();
  const queueUrl = await aggregatorQueue();
  const { Environment } = await configuration(await output('QuotesResponseFunctionName'));
  check(
    Environment?.Variables?.AGGREGATOR_QUEUE_URL === queueUrl,
    'The Quotes Response Service never asks the aggregator to close a request: its AGGREGATOR_QUEUE_URL is not the QuoteAggregatorQueue (step 4).',
  );
  await requireMapping(queueUrl, await output('QuotesAggregatorFunctionName'), 'step 4');
  const topic = await notificationTopic();
  const aggregator = await configuration(await output('QuotesAggregatorFunctionName'));
  check(
    aggregator.Environment?.Variables?.NOTIFICATION_TOPIC_ARN === topic,
    'The aggregator cannot notify anyone: its NOTIFICATION_TOPIC_ARN is not the CustomerNotificationTopic (step 4).',
  );
  const { Subscriptions = [] } = await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }));
  const { FunctionArn } = await configuration(await output('QuoteNotificationFunctionName'));
  check(
    Subscriptions.some((s) => s.Endpoint === FunctionArn),
    'The Quote Notification Service is not subscribed to the CustomerNotificationTopic (step 4).',
  );
}

// ---- Probes --------------------------------------------------------------------------------

/** Submits a probe request (a unique customer), so the checkpoint finds its own request and nothing else. */
const submitProbe = (label: string) => submitRfq({ ...SAMPLE_REQUEST, customer: probeId(label) });

/** The rows of a request in RidesBooking, read directly (the query endpoint arrives in step 3). */
async function bookingRows(rfqId: string) {
  const { Items = [] } = await dynamodb().send(
    new QueryCommand({
      TableName: await output('RidesBookingTableName'),
      KeyConditionExpression: 'id = :id',
      ExpressionAttributeValues: { ':id': { S: rfqId } },
      ConsistentRead: true,
    }),
  );
  return Items;
}

/** Removes a probe's request and answers from RidesBooking. */
async function removeProbe(rfqId: string): Promise<void> {
  const TableName = await output('RidesBookingTableName');
  const rows = await bookingRows(rfqId);
  for (let i = 0; i < rows.length; i += 25) {
    const deleteRequest = (row: (typeof rows)[number]) => ({ DeleteRequest: { Key: { id: row.id, responder: row.responder } } });
    await dynamodb().send(new BatchWriteItemCommand({ RequestItems: { [TableName]: rows.slice(i, i + 25).map(deleteRequest) } }));
  }
}

/** Waits for `probe` to find what it looks for, polling as often as the target answers. */
function soon<T>(description: string, probe: () => Promise<T | undefined>, timeoutMs = probeDeadlineMs()): Promise<T> {
  return eventually(description, probe, { timeoutMs, maxIntervalMs: pollIntervalMs() });
}

/**
 * How long to wait for every normal provider to answer: their longest delay, plus delivery, twice
 * over: the first request after a deploy starts ten providers' execution environments at once.
 */
async function answersDeadlineMs(): Promise<number> {
  return (await timing()).maxDelaySeconds * 1000 + 2 * probeDeadlineMs();
}

/** Waits until the request is closed, and returns it. */
async function closed(rfqId: string, timeoutMs: number): Promise<RfqView> {
  return soon(
    `Request ${rfqId} was not closed`,
    async () => {
      const view = await queryRfq(rfqId);
      return view.status === 'closed' ? view : undefined;
    },
    timeoutMs,
  );
}

/** Lines a function logged for a request, with the given action. */
async function logged(outputName: string, rfqId: string, action: string): Promise<number> {
  const lines = await functionLogLines(await output(outputName), rfqId);
  return lines.filter((line) => line.includes(`"action":"${action}"`)).length;
}

/**
 * One request closed because everyone answered, shared by the checkpoints of step 4 within one
 * verification: the slowest part of a probe is waiting for the providers.
 */
const closedProbes = new WeakMap<LabContext, Promise<RfqView>>();
function closedProbe(): Promise<RfqView> {
  const context = labContext();
  let probe = closedProbes.get(context);
  if (!probe) {
    probe = (async () => {
      await requireAggregator();
      const rfqId = await submitProbe('probe');
      return closed(rfqId, await answersDeadlineMs());
    })();
    closedProbes.set(context, probe);
  }
  return probe;
}

/** The best quote as the checkpoints expect it: the lowest quote of the providers that answered in time. */
function expectedBest(view: RfqView): { responder: string; quote: number } | null {
  const inTime = view.quotes.filter((q) => !q.late);
  if (inTime.length === 0) return null;
  return inTime.reduce((best, q) => (q.quote < best.quote || (q.quote === best.quote && q.responder < best.responder) ? q : best));
}

const sameBest = (a: RfqView['best'], b: RfqView['best']) =>
  (a ?? null) === (b ?? null) || (a?.responder === b?.responder && a?.quote === b?.quote);
const describeBest = (best: RfqView['best']) => (best ? `${best.responder} at ${best.quote}` : 'none');

export const checkpoints: Checkpoint[] = [
  {
    id: 'request-topic',
    step: 1,
    title: 'RequestForQuotesTopic exists and is a standard topic',
    hint: "In stack.ts, add `const topic = new sns.Topic(this, 'RequestForQuotesTopic', { topicName: `${props.prefix}-RequestForQuotesTopic` })` and deploy.",
    async run() {
      const arn = await requestTopic();
      const { Attributes = {} } = await sns().send(new GetTopicAttributesCommand({ TopicArn: arn }));
      check(Attributes.FifoTopic !== 'true', 'The topic is a FIFO topic; this lab scatters through a standard topic.');
      return arn;
    },
  },
  {
    id: 'request-service-publishes',
    step: 1,
    title: 'The Request for Quotes Service publishes to the topic (TOPIC_ARN, sns:Publish)',
    hint: "In stack.ts, add `services.requestService.addEnvironment('TOPIC_ARN', topic.topicArn)` and `topic.grantPublish(services.requestService)`.",
    async run() {
      const arn = await requestTopic();
      const functionName = await output('RequestForQuotesFunctionName');
      const value = (await configuration(functionName)).Environment?.Variables?.TOPIC_ARN;
      check(
        value === arn,
        value ? `TOPIC_ARN is ${value}, not the topic's ARN ${arn}.` : 'The function has no TOPIC_ARN environment variable.',
      );
      check(await allowed(functionName, 'sns:Publish', arn), `The function's role may not sns:Publish to ${arn}.`);
    },
  },
  {
    id: 'ten-subscriptions',
    step: 1,
    title: 'The ten unicorn providers are subscribed to the topic',
    hint: 'In stack.ts, subscribe each provider: `for (const provider of services.providers) topic.addSubscription(new subscriptions.LambdaSubscription(provider))`.',
    async run() {
      const arn = await requestTopic();
      const { Subscriptions = [] } = await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }));
      const missing: string[] = [];
      for (const name of await providerNames()) {
        const { FunctionArn } = await configuration(name);
        if (!Subscriptions.some((s) => s.Protocol === 'lambda' && s.Endpoint === FunctionArn))
          missing.push(name.slice(name.indexOf('-') + 1));
      }
      check(missing.length === 0, `Not subscribed: ${missing.join(', ')} (the topic has ${Subscriptions.length} subscription(s)).`);
      return `${Subscriptions.length} subscriptions`;
    },
  },
  {
    id: 'response-queue',
    step: 2,
    title: 'Providers answer on RequestForQuotesResponseQueue, which feeds the Quotes Response Service',
    hint: 'In stack.ts, add the queue `RequestForQuotesResponseQueue` (with a dead-letter queue), give each provider `RESPONSE_QUEUE_URL` and `responses.grantSendMessages(provider)`, and `services.quotesResponseService.addEventSource(new SqsEventSource(responses, { reportBatchItemFailures: true }))`.',
    async run() {
      const queueUrl = await responseQueue();
      await requireDeadLetterQueue(queueUrl);
      const arn = await queueArn(queueUrl);
      for (const name of await providerNames()) {
        const value = (await configuration(name)).Environment?.Variables?.RESPONSE_QUEUE_URL;
        check(
          value === queueUrl,
          value ? `${name}'s RESPONSE_QUEUE_URL is ${value}, not ${queueUrl}.` : `${name} has no RESPONSE_QUEUE_URL.`,
        );
        check(
          await allowed(name, 'sqs:SendMessage', arn),
          `${name}'s role may not sqs:SendMessage to the response queue (responses.grantSendMessages(provider)).`,
        );
      }
      await requireMapping(
        queueUrl,
        await output('QuotesResponseFunctionName'),
        'services.quotesResponseService.addEventSource(new SqsEventSource(responses, ...))',
      );
    },
  },
  {
    id: 'every-answer-lands',
    step: 2,
    title: 'A request gets an answer or an explicit decline from every provider, stored in RidesBooking',
    hint: 'Every provider must be subscribed (step 1) and answer on the response queue, which the Quotes Response Service reads (step 2). Run the "request-quote" snippet to see which rows arrive.',
    async run() {
      await requireGather();
      const rfqId = await submitProbe('probe');
      try {
        const expected = (await providerNames()).length;
        const rows = await soon(
          `Request ${rfqId} did not get ${expected} answers in RidesBooking`,
          async () => {
            const answers = (await bookingRows(rfqId)).filter((row) => row.responder?.S !== '-');
            return answers.length >= expected ? answers : undefined;
          },
          await answersDeadlineMs(),
        );
        const declines = rows.filter((row) => row.declined).length;
        return `${rows.length - declines} quotes, ${declines} declines`;
      } finally {
        await removeProbe(rfqId);
      }
    },
  },
  {
    id: 'query-returns-quotes',
    step: 3,
    title: 'GET /query-instant-ride-rfq/{id} returns the request with its quotes',
    hint: "In stack.ts, add the route: `services.api.root.addResource('query-instant-ride-rfq').addResource('{id}').addMethod('GET', new apigateway.LambdaIntegration(services.queryService))`, and the output QueryRfqUrl.",
    async run() {
      await output('QueryRfqUrl');
      const customer = probeId('probe');
      const rfqId = await submitRfq({ ...SAMPLE_REQUEST, customer });
      try {
        const view = await soon(
          `GET /query-instant-ride-rfq/${rfqId} showed no quote`,
          async () => {
            const current = await queryRfq(rfqId);
            return current.quotes.length > 0 ? current : undefined;
          },
          await answersDeadlineMs(),
        );
        check(
          view['rfq-id'] === rfqId && view.customer === customer && view.from === SAMPLE_REQUEST.from && view.to === SAMPLE_REQUEST.to,
          `The query returned ${JSON.stringify(view).slice(0, 200)}, not request ${rfqId} of ${customer}.`,
        );
        check(
          view.quotes.every((q) => typeof q.responder === 'string' && typeof q.quote === 'number'),
          `Quotes must be {"responder", "quote"}: ${JSON.stringify(view.quotes[0])}.`,
        );
        return `${view.quotes.length} quote(s) so far`;
      } finally {
        await removeProbe(rfqId);
      }
    },
  },
  {
    id: 'closed-once-best-quote',
    step: 4,
    title: 'When every provider has answered or declined, the aggregator closes the request exactly once, with the best quote',
    hint: 'In stack.ts, add the QuoteAggregatorQueue; give the Quotes Response Service `AGGREGATOR_QUEUE_URL` and `closeRequests.grantSendMessages(...)`; `services.aggregator.addEventSource(new SqsEventSource(closeRequests, { reportBatchItemFailures: true }))`; and the CustomerNotificationTopic (NOTIFICATION_TOPIC_ARN, grantPublish, the Quote Notification Service subscribed).',
    async run() {
      const view = await closedProbe();
      const rfqId = view['rfq-id'];
      check(
        view.closedBy === 'all-answered',
        `Request ${rfqId} was closed by ${view.closedBy}, though every provider answers within ProviderMaxDelaySeconds.`,
      );
      check(view.waitingFor.length === 0, `Request ${rfqId} closed while waiting for ${view.waitingFor.join(', ')}.`);
      check(
        sameBest(view.best, expectedBest(view)),
        `The best quote is ${describeBest(view.best)}; the lowest quote that arrived is ${describeBest(expectedBest(view))}.`,
      );
      // SQS may deliver an ask twice, and the deadline comes too: ask again, twice, as they would.
      const queueUrl = await aggregatorQueue();
      for (const reason of ['all-answered', 'deadline'] as const) {
        const ask: CloseRequest = { 'rfq-id': rfqId, reason };
        await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(ask) }));
      }
      await soon(`The aggregator did not handle the repeated asks to close ${rfqId}`, async () =>
        (await logged('QuotesAggregatorFunctionName', rfqId, 'already-closed')) >= 2 ? true : undefined,
      );
      const closes = await logged('QuotesAggregatorFunctionName', rfqId, 'closed-request');
      check(
        closes === 1,
        `The aggregator closed request ${rfqId} ${closes} times: the close must be one conditional write (ConditionExpression '#status = :open').`,
      );
      const after = await queryRfq(rfqId);
      check(
        after.closedAt === view.closedAt && sameBest(after.best, view.best),
        `Request ${rfqId} changed after it was closed: ${JSON.stringify({ closedAt: after.closedAt, best: after.best })}.`,
      );
      return `best ${describeBest(view.best)} of ${view.quotes.length} quotes, ${view.declined.length} declines`;
    },
  },
  {
    id: 'customer-notified-once',
    step: 4,
    title: 'The customer is notified once, even when the notification is delivered twice',
    hint: 'Subscribe the Quote Notification Service to the CustomerNotificationTopic (`notifications.addSubscription(new subscriptions.LambdaSubscription(services.quoteNotification))`) and give the aggregator NOTIFICATION_TOPIC_ARN and `notifications.grantPublish(services.aggregator)`.',
    async run() {
      const view = await closedProbe();
      const rfqId = view['rfq-id'];
      try {
        await soon(`The customer of ${rfqId} was not notified`, async () =>
          (await logged('QuoteNotificationFunctionName', rfqId, 'notified-customer')) >= 1 ? true : undefined,
        );
        // SNS delivers at least once: deliver the same notification again, as it may.
        const notification: QuoteNotification = {
          'rfq-id': rfqId,
          customer: view.customer,
          from: view.from,
          to: view.to,
          best: view.best ?? null,
          closedBy: view.closedBy!,
          answered: view.quotes.length + view.declined.length,
          asked: view.quotes.length + view.declined.length + view.waitingFor.length,
        };
        await sns().send(new PublishCommand({ TopicArn: await notificationTopic(), Message: JSON.stringify(notification) }));
        await soon(`The repeated notification of ${rfqId} did not arrive`, async () =>
          (await logged('QuoteNotificationFunctionName', rfqId, 'skipped-duplicate')) >= 1 ? true : undefined,
        );
        const notified = await logged('QuoteNotificationFunctionName', rfqId, 'notified-customer');
        check(notified === 1, `The customer of ${rfqId} was notified ${notified} times.`);
      } finally {
        await removeProbe(rfqId);
      }
    },
  },
  {
    id: 'deadline-closes-silent',
    step: 5,
    title: 'When providers stay silent, the deadline closes the request with the answers that arrived',
    hint: "In stack.ts, add `const deadline = new CfnParameter(this, 'DeadlineSeconds', { type: 'Number', default: 30, minValue: 1, maxValue: 900 })`, give the Request for Quotes Service `DEADLINE_SECONDS` (deadline.valueAsString) and `AGGREGATOR_QUEUE_URL`, and `closeRequests.grantSendMessages(services.requestService)`.",
    async run() {
      await requireAggregator();
      const { Environment } = await configuration(await output('RequestForQuotesFunctionName'));
      const queueUrl = await aggregatorQueue();
      check(Environment?.Variables?.DEADLINE_SECONDS, 'The Request for Quotes Service starts no deadline: it has no DEADLINE_SECONDS.');
      check(
        Environment?.Variables?.AGGREGATOR_QUEUE_URL === queueUrl,
        'The Request for Quotes Service cannot send the deadline: its AGGREGATOR_QUEUE_URL is not the QuoteAggregatorQueue.',
      );
      check(
        await allowed(await output('RequestForQuotesFunctionName'), 'sqs:SendMessage', await queueArn(queueUrl)),
        'The Request for Quotes Service may not sqs:SendMessage to the QuoteAggregatorQueue.',
      );
      const { deadlineSeconds = Number(Environment.Variables.DEADLINE_SECONDS) } = await timing();

      // Three providers stay silent for this request: the switch is read when the request is made.
      const silent = (await providerNames()).slice(0, 3).map((name) => name.slice(name.indexOf('-') + 1));
      const parameter = await output('SimulationParameterName');
      const { Parameter } = await ssm().send(new GetParameterCommand({ Name: parameter }));
      await ssm().send(
        new PutParameterCommand({
          Name: parameter,
          Value: JSON.stringify(Object.fromEntries(silent.map((name) => [name, 'silent']))),
          Type: 'String',
          Overwrite: true,
        }),
      );
      let rfqId: string;
      try {
        rfqId = await submitProbe('probe');
      } finally {
        await ssm().send(new PutParameterCommand({ Name: parameter, Value: Parameter?.Value ?? '{}', Type: 'String', Overwrite: true }));
      }
      try {
        const view = await closed(rfqId, deadlineSeconds * 1000 + probeDeadlineMs());
        check(view.closedBy === 'deadline', `Request ${rfqId} was closed by ${view.closedBy}, while ${silent.join(', ')} stayed silent.`);
        check(
          silent.every((name) => view.waitingFor.includes(name)),
          `Silent providers answered: ${JSON.stringify(view.waitingFor)}.`,
        );
        const closedAfter = (Date.parse(view.closedAt!) - Date.parse(view.requestedAt)) / 1000;
        check(
          closedAfter >= deadlineSeconds - 0.5,
          `Request ${rfqId} closed after ${closedAfter.toFixed(1)} s, before its deadline of ${deadlineSeconds} s.`,
        );
        check(
          view.quotes.length + view.declined.length === 10 - silent.length,
          `Request ${rfqId} closed with ${view.quotes.length + view.declined.length} answers; ${10 - silent.length} providers answer.`,
        );
        check(
          sameBest(view.best, expectedBest(view)),
          `The best quote is ${describeBest(view.best)}; the lowest quote that arrived is ${describeBest(expectedBest(view))}.`,
        );
        await soon(`The customer of ${rfqId} was not notified`, async () =>
          (await logged('QuoteNotificationFunctionName', rfqId, 'notified-customer')) >= 1 ? true : undefined,
        );
        return `closed after ${closedAfter.toFixed(1)} s with ${view.quotes.length} quotes; best ${describeBest(view.best)}`;
      } finally {
        await removeProbe(rfqId);
      }
    },
  },
];
