import { ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import {
  type Checkpoint,
  callApi,
  check,
  cloudformation,
  eventbridge,
  eventually,
  fail,
  functionLogLines,
  iam,
  labContext,
  lambda,
  output,
  probeId,
  quietPeriodMs,
  sleep,
  sns,
  sqs as sqsClient,
} from '../kit/index.ts';
import { SAMPLE_RIDE } from './sample-ride.ts';

const EXPECTED_FILTER = { fare: [{ numeric: ['>=', 50] }], distance: [{ numeric: ['>=', 20] }] };
const SUBSCRIBERS = {
  notification: 'CustomerNotificationFunctionName',
  accounting: 'CustomerAccountingFunctionName',
  extraordinary: 'ExtraordinaryRidesFunctionName',
} as const;

/** The lab's topic, found among the stack's resources. */
async function topicArn(): Promise<string> {
  const { stackName, target } = labContext();
  const { StackResourceSummaries = [] } = await cloudformation().send(new ListStackResourcesCommand({ StackName: stackName }));
  const topics = StackResourceSummaries.filter((r) => r.ResourceType === 'AWS::SNS::Topic');
  const name = `${target.prefix}-RideCompletionTopic`;
  const topic = topics.find((r) => r.PhysicalResourceId?.endsWith(`:${name}`));
  if (!topic)
    fail(
      topics.length === 0
        ? 'The stack has no SNS topic.'
        : `The stack's topic is not named ${name} (found ${topics.map((t) => t.PhysicalResourceId?.split(':').pop()).join(', ')}).`,
    );
  return topic.PhysicalResourceId!;
}

async function functionArn(outputName: string): Promise<string> {
  const { FunctionArn } = await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: await output(outputName) }));
  return FunctionArn!;
}

/** The subscriptions of the topic, by the subscriber they deliver to. */
async function subscriptionsBySubscriber() {
  const topic = await topicArn();
  const { Subscriptions = [] } = await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }));
  const result: Partial<Record<keyof typeof SUBSCRIBERS, (typeof Subscriptions)[number]>> = {};
  for (const [key, outputName] of Object.entries(SUBSCRIBERS) as [keyof typeof SUBSCRIBERS, string][]) {
    const arn = await functionArn(outputName);
    result[key] = Subscriptions.find((s) => s.Protocol === 'lambda' && s.Endpoint === arn);
  }
  return { all: Subscriptions, ...result };
}

/** Submits a ride through the API with a unique customer, and returns its id. */
async function submitProbeRide(ride: Partial<typeof SAMPLE_RIDE>): Promise<string> {
  const response = await callApi(await output('SubmitRideUrl'), { body: { ...SAMPLE_RIDE, customer: probeId('probe'), ...ride } });
  check(response.status === 201, `POST /submit-ride-completion answered ${response.status}: ${response.text}`);
  return (response.body as { id: string }).id;
}

/** Fails at once, with the cause, when a ride could not be delivered at all: no waiting for the deadline. */
async function requireDeliveryPath(): Promise<void> {
  const { all, ...found } = await subscriptionsBySubscriber();
  const missing = Object.entries(found)
    .filter(([, s]) => !s)
    .map(([key]) => key);
  check(missing.length === 0, `Rides cannot reach ${missing.join(', ')}: no subscription (the topic has ${all.length}).`);
  const { Environment } = await lambda().send(
    new GetFunctionConfigurationCommand({ FunctionName: await output('UnicornManagementFunctionName') }),
  );
  check(Environment?.Variables?.TOPIC_ARN, 'The Unicorn Management Service does not publish: it has no TOPIC_ARN.');
}

const reached = async (outputName: string, rideId: string) => (await functionLogLines(await output(outputName), rideId)).length > 0;

export const checkpoints: Checkpoint[] = [
  {
    id: 'topic-exists',
    step: 1,
    title: 'RideCompletionTopic exists and is a standard topic',
    hint: "In stack.ts, add `const topic = new sns.Topic(this, 'RideCompletionTopic', { topicName: `${props.prefix}-RideCompletionTopic` })` and deploy.",
    async run() {
      const arn = await topicArn();
      const { Attributes = {} } = await sns().send(new GetTopicAttributesCommand({ TopicArn: arn }));
      check(Attributes.FifoTopic !== 'true', 'The topic is a FIFO topic; this lab fans out through a standard topic.');
      return arn;
    },
  },
  {
    id: 'publisher-configured',
    step: 2,
    title: 'The Unicorn Management Service knows the topic (TOPIC_ARN)',
    hint: "In stack.ts, add `services.unicornManagement.addEnvironment('TOPIC_ARN', topic.topicArn)`.",
    async run() {
      const arn = await topicArn();
      const { Environment } = await lambda().send(
        new GetFunctionConfigurationCommand({ FunctionName: await output('UnicornManagementFunctionName') }),
      );
      const value = Environment?.Variables?.TOPIC_ARN;
      check(value !== undefined, 'The function has no TOPIC_ARN environment variable.');
      check(value === arn, `TOPIC_ARN is ${value}, not the topic's ARN ${arn}.`);
    },
  },
  {
    id: 'publisher-allowed',
    step: 2,
    title: 'The Unicorn Management Service may publish to the topic (sns:Publish)',
    hint: "In stack.ts, add `topic.grantPublish(services.unicornManagement)`: the function's role needs sns:Publish on the topic.",
    async run() {
      const arn = await topicArn();
      const { Role } = await lambda().send(
        new GetFunctionConfigurationCommand({ FunctionName: await output('UnicornManagementFunctionName') }),
      );
      const { EvaluationResults = [] } = await iam().send(
        new SimulatePrincipalPolicyCommand({ PolicySourceArn: Role, ActionNames: ['sns:Publish'], ResourceArns: [arn] }),
      );
      const decision = EvaluationResults[0]?.EvalDecision;
      check(decision === 'allowed', `IAM's policy simulator says ${decision ?? 'nothing'} for sns:Publish on the topic by ${Role}.`);
    },
  },
  {
    id: 'three-subscriptions',
    step: 3,
    title: 'The three services are subscribed with the lambda protocol',
    hint: 'In stack.ts, add `topic.addSubscription(new subscriptions.LambdaSubscription(services.customerNotification))`, and the same for customerAccounting and extraordinaryRides.',
    async run() {
      const { all, ...found } = await subscriptionsBySubscriber();
      const missing = Object.entries(found)
        .filter(([, s]) => !s)
        .map(([key]) => key);
      check(missing.length === 0, `No lambda subscription for: ${missing.join(', ')} (the topic has ${all.length} subscription(s)).`);
      return `${all.length} subscriptions`;
    },
  },
  {
    id: 'long-ride-reaches-all',
    step: 3,
    title: 'A long, expensive ride reaches all three services',
    hint: 'Every service must be subscribed, and the Unicorn Management Service must publish (TOPIC_ARN and sns:Publish). Run the "tail-logs" snippet to see who received what.',
    async run() {
      await requireDeliveryPath();
      const rideId = await submitProbeRide({ fare: 256.5, distance: 600 });
      for (const [key, outputName] of Object.entries(SUBSCRIBERS)) {
        await eventually(`Ride ${rideId} did not reach the ${key} service`, async () =>
          (await reached(outputName, rideId)) ? true : undefined,
        );
      }
      return `ride ${rideId} delivered 3 times`;
    },
  },
  {
    id: 'filter-policy',
    step: 4,
    title: 'Only the Extraordinary Rides subscription has the filter (fare ≥ 50 AND distance ≥ 20)',
    hint: 'In stack.ts, pass `filterPolicy: { fare: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 50 }), distance: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: 20 }) }` to the Extraordinary Rides LambdaSubscription only.',
    async run() {
      const { notification, accounting, extraordinary } = await subscriptionsBySubscriber();
      check(notification && accounting && extraordinary, 'The three subscriptions of step 3 are missing.');
      const policyOf = async (arn: string) =>
        (await sns().send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }))).Attributes ?? {};
      const attributes = await policyOf(extraordinary.SubscriptionArn!);
      check(attributes.FilterPolicy, 'The Extraordinary Rides subscription has no filter policy.');
      check(
        (attributes.FilterPolicyScope ?? 'MessageAttributes') === 'MessageAttributes',
        `The filter policy applies to the ${attributes.FilterPolicyScope}; it must match the message attributes.`,
      );
      const policy = JSON.parse(attributes.FilterPolicy);
      check(
        JSON.stringify(normalise(policy)) === JSON.stringify(normalise(EXPECTED_FILTER)),
        `The filter policy is ${attributes.FilterPolicy}; expected ${JSON.stringify(EXPECTED_FILTER)}.`,
      );
      for (const [name, subscription] of [
        ['Customer Notification', notification],
        ['Customer Accounting', accounting],
      ] as const) {
        check(
          !(await policyOf(subscription.SubscriptionArn!)).FilterPolicy,
          `The ${name} subscription has a filter policy too; it must receive every ride.`,
        );
      }
    },
  },
  {
    id: 'short-ride-filtered',
    step: 4,
    title: 'A short, cheap ride reaches Notification and Accounting, not Extraordinary Rides',
    hint: 'The filter policy belongs on the Extraordinary Rides subscription, with both conditions (fare >= 50 and distance >= 20) as Number comparisons.',
    async run() {
      await requireDeliveryPath();
      const rideId = await submitProbeRide({ fare: 12, distance: 3, to: 'Potsdam' });
      for (const key of ['notification', 'accounting'] as const) {
        await eventually(`Ride ${rideId} did not reach the ${key} service`, async () =>
          (await reached(SUBSCRIBERS[key], rideId)) ? true : undefined,
        );
      }
      // Deliveries of one publish fan out together: wait a little for one that must not come.
      await sleep(quietPeriodMs());
      check(
        !(await reached(SUBSCRIBERS.extraordinary, rideId)),
        `Ride ${rideId} (fare 12, distance 3) reached the Extraordinary Rides Service.`,
      );
    },
  },
  {
    id: 'eventbridge-routes-extraordinary',
    step: 5,
    title: 'Bonus: an EventBridge rule routes your extraordinary rides (and only those) to a queue',
    hint: "Put each ride on the default bus (EVENT_BUS_NAME and bus.grantPutEventsTo), and add an events.Rule matching source 'wildrydes.unicorn-management', detail fare >= 50 and distance >= 20, and resources [services.unicornManagement.functionArn] (the default bus is shared), targeting the ExtraordinaryRideEvents queue (output ExtraordinaryRideEventsQueueUrl).",
    async run() {
      const queueUrl = await output('ExtraordinaryRideEventsQueueUrl');
      const long = await submitProbeRide({ fare: 256.5, distance: 600 });
      const short = await submitProbeRide({ fare: 12, distance: 3 });
      // Another learner's extraordinary ride on the same default bus: it must not reach this queue.
      const { FunctionArn } = await lambda().send(
        new GetFunctionConfigurationCommand({ FunctionName: await output('UnicornManagementFunctionName') }),
      );
      const foreign = probeId('someone-else');
      const foreignPublisher = FunctionArn!.replace(/function:.*$/, 'function:someone-else-UnicornManagementService');
      await eventbridge().send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'default',
              Source: 'wildrydes.unicorn-management',
              DetailType: 'RideCompleted',
              Resources: [foreignPublisher],
              Detail: JSON.stringify({ ...SAMPLE_RIDE, id: foreign }),
            },
          ],
        }),
      );
      const seen = new Set<string>();
      const drain = async () => {
        const { Messages = [] } = await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
        for (const message of Messages) {
          const id = (JSON.parse(message.Body ?? '{}') as { detail?: { id?: string } }).detail?.id;
          if (id === long || id === short || id === foreign) {
            seen.add(id);
            await sqsClient().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
          }
        }
      };
      await eventually(`Ride ${long} did not arrive in the queue through the rule`, async () => {
        await drain();
        return seen.has(long) ? true : undefined;
      });
      await sleep(quietPeriodMs());
      await drain();
      check(!seen.has(short), `Ride ${short} (fare 12, distance 3) was routed to the queue too: the rule's pattern does not filter.`);
      check(
        !seen.has(foreign),
        "Another publisher's extraordinary ride reached your queue: on the shared default bus, the rule must also match resources: [services.unicornManagement.functionArn].",
      );
    },
  },
];

/** Numbers in filter policies may be written 50 or 50.0: compare them as numbers. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, normalise(v)]),
    );
  return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}
