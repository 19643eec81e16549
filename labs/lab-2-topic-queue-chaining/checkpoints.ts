import { GetFunctionConcurrencyCommand, GetFunctionConfigurationCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { DeleteObjectCommand, GetBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, type Subscription } from '@aws-sdk/client-sns';
import { ListMessageMoveTasksCommand, SendMessageBatchCommand, SendMessageCommand, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import {
  type Checkpoint,
  check,
  eventually,
  fail,
  functionLogLines,
  type LabContext,
  labContext,
  lambda,
  output,
  probeId,
  queueCountsLagMs,
  quietPeriodMs,
  s3,
  sleep,
  sns,
  sqs,
} from '../kit/index.ts';
import { SAMPLE_RIDE } from '../lab-1-fan-out/sample-ride.ts';
import {
  LONG_RIDE,
  mentions,
  publishProbeRides,
  SHORT_RIDE,
  submitProbeRides,
  takeOwnMessages,
  waitForMarks,
  withWorker,
} from './probes.ts';
import { readQueuePolicy } from './resource-policy.ts';
import {
  ACCOUNTING,
  type ConsumerService,
  deadLetterQueueOf,
  depthOf,
  EXTRAORDINARY,
  EXTRAORDINARY_FILTER,
  findQueue,
  mappingOf,
  mappingState,
  marksOfRides,
  NOTIFICATION,
  queueArnOf,
  queueAttributes,
  queueName,
  queueUrlOfArn,
  requireQueue,
  rideStored,
  SERVICES,
} from './services.ts';
import { rideIdOf } from './worker/ride-batches.ts';

const MIN_RECEIVES = 5;

/** Each service's queue and its dead-letter queue, or the first thing missing. */
async function queuesWithDeadLetters(names: string[]) {
  return Promise.all(
    names.map(async (name) => {
      const url = await findQueue(name);
      check(url, `There is no queue named ${queueName(name)}.`);
      const dlq = await deadLetterQueueOf(url);
      check(
        dlq,
        `${queueName(name)} has no dead-letter queue (no redrive policy): a message that keeps failing would be retried until its retention period ends, then lost.`,
      );
      return { name, url, dlq };
    }),
  );
}

async function checkDeadLetterSettings(names: string[]): Promise<string> {
  const queues = await queuesWithDeadLetters(names);
  const retention = async (url: string) => Number((await queueAttributes(url, ['MessageRetentionPeriod'])).MessageRetentionPeriod);
  const periods = await Promise.all(queues.map(async ({ url, dlq }) => [await retention(url), await retention(dlq.url)]));
  for (const [i, { name, dlq }] of queues.entries()) {
    check(
      dlq.maxReceiveCount >= MIN_RECEIVES,
      `${queueName(name)} moves a message to its dead-letter queue after ${dlq.maxReceiveCount} receive(s): a short outage of its consumer would dead-letter good messages. Use a maxReceiveCount of at least ${MIN_RECEIVES}.`,
    );
    const [source, kept] = periods[i];
    check(
      kept > source,
      `${dlq.url.split('/').pop()} keeps messages ${kept / 86_400} day(s), not longer than ${queueName(name)} (${source / 86_400} day(s)). A message's age counts from when it was first sent, so it would expire in the DLQ soon after arriving: give the DLQ a longer retentionPeriod (14 days, the most SQS allows).`,
    );
  }
  return queues.map(({ name, dlq }) => `${name} → ${dlq.arn.split(':').pop()} after ${dlq.maxReceiveCount}`).join('; ');
}

/** The lab's topic ARN, from the stack's output. */
const topicArn = () => output('TopicArn');

/** The topic's subscriptions, and for each service the one that delivers to its queue. */
async function subscriptionsByService() {
  const { Subscriptions = [] } = await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: await topicArn() }));
  const queueArns = await Promise.all(
    SERVICES.map(async (service) => {
      const url = await findQueue(service.queue);
      return url && (await queueArnOf(url));
    }),
  );
  const byService = new Map<ConsumerService, Subscription>();
  for (const [i, service] of SERVICES.entries()) {
    const subscription = queueArns[i] && Subscriptions.find((s) => s.Protocol === 'sqs' && s.Endpoint === queueArns[i]);
    if (subscription) byService.set(service, subscription);
  }
  return { all: Subscriptions, byService };
}

const attributesOf = async (subscription: Subscription) =>
  (await sns().send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription.SubscriptionArn }))).Attributes ?? {};

/** Numbers in filter policies may be written 50 or 50.0: compare them as numbers, keys in order. */
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

/**
 * The consumer-off probe switches a service's mapping off for a moment, while the other probes
 * run. It says so before its first await: the early checkpoints all start in the same tick, so
 * the others, which look here only after awaits of their own, always find it.
 */
interface ProbeSwitch {
  /** Set once the probe found the mapping on: from then on, a mapping switched off is its doing. */
  foundOn: boolean;
  /** Settles when the probe has ended, its mapping on again. */
  ended: Promise<void>;
}
const probeSwitchesByRun = new WeakMap<LabContext, Map<ConsumerService, ProbeSwitch>>();
function probeSwitches(): Map<ConsumerService, ProbeSwitch> {
  let switches = probeSwitchesByRun.get(labContext());
  if (!switches) probeSwitchesByRun.set(labContext(), (switches = new Map()));
  return switches;
}

/**
 * Whether a service's mapping consumes its queue, or is about to: not switched off, nor being,
 * unless by the consumer-off probe, which switches it on again. What the checks ask is whether the
 * learner left it on.
 */
const switchedOn = (service: ConsumerService, mapping: { State?: string }) =>
  probeSwitches().get(service)?.foundOn || !['Disabled', 'Disabling'].includes(mapping.State ?? '');

/**
 * Waits until the consumer-off probe, if it runs beside, has switched `service` on again: a
 * probe's deadline for that service's marks starts after it (on AWS a switch takes a while).
 */
async function untilSwitchedBackOn(service: ConsumerService): Promise<void> {
  await probeSwitches().get(service)?.ended;
}

/** The mapping of a service, which must exist and be switched on. */
async function enabledMapping(service: ConsumerService) {
  const mapping = await mappingOf(service);
  check(mapping, `No event source mapping feeds ${service.label} from ${queueName(service.queue)}.`);
  check(
    switchedOn(service, mapping),
    `The mapping that feeds ${service.label} is switched off (${mapping.State}): run the switch-consumer-on snippet, or npx workshop run lab-2 switch-consumer-on.`,
  );
  return mapping;
}

/** Sets a mapping's Enabled and waits until its state says so (on AWS that takes a moment). */
async function switchMapping(uuid: string, enabled: boolean): Promise<void> {
  await lambda().send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: enabled }));
  const wanted = enabled ? 'Enabled' : 'Disabled';
  await eventually(`The mapping did not become ${wanted}`, async () => ((await mappingState(uuid)) === wanted ? true : undefined));
}

/**
 * Waits until Extraordinary Rides' queue holds nothing, or the quiet period ends, whichever comes
 * first. Once the queue its mapping consumes is empty, whatever reached it was handled: a short
 * ride let through would carry the service's mark. The queue's counts are believed only once they
 * can no longer lag (at once locally; on AWS, that is the whole quiet period).
 */
async function extraordinaryQueueSettled(): Promise<void> {
  const url = await requireQueue(EXTRAORDINARY.queue);
  const until = Date.now() + quietPeriodMs();
  await sleep(Math.min(queueCountsLagMs(), quietPeriodMs()));
  while (Date.now() < until) {
    const { visible, inFlight, delayed } = await depthOf(url);
    if (visible + inFlight + delayed === 0) return;
    await sleep(25);
  }
}

/**
 * A batch of two rides for the worker, under a unique fleet name; `broken` makes its second ride's
 * fare a string. Both are short: a long one would also reach Extraordinary Rides, and start a
 * batching window there that the filter probes, running beside, would wait out.
 */
function probeBatch(broken = false) {
  const fleet = probeId('probe-fleet');
  const rides = [
    { ...SAMPLE_RIDE, ...SHORT_RIDE, customer: `${fleet}-a` },
    { ...SAMPLE_RIDE, ...SHORT_RIDE, customer: `${fleet}-b`, ...(broken ? { fare: 'twelve' } : {}) },
  ];
  const batch = { fleet, batchId: 'probe', rides };
  return { batch, rideIds: rides.map((_, i) => rideIdOf(batch, i)) };
}

/** Waits until the worker stored the rides and Customer Notification handled them (they went through the topic). */
async function waitForIngestedRides(rideIds: string[]): Promise<void> {
  await eventually("The worker did not store the batch's rides in the Rides table", async () =>
    (await Promise.all(rideIds.map(rideStored))).every(Boolean) ? true : undefined,
  );
  await waitForMarks(rideIds, NOTIFICATION, ' after the worker published them');
}

export const checkpoints: Checkpoint[] = [
  {
    id: 'service-queues',
    step: 1,
    title: `Each service has its queue, with a dead-letter queue after at least ${MIN_RECEIVES} receives`,
    hint: 'In stack.ts, create each queue with `deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 5 }`, named `${prefix}-CustomerNotificationServiceQueue`, `${prefix}-CustomerAccountingServiceQueue` and `${prefix}-ExtraordinaryRidesServiceQueue` (the queueWithDeadLetters helper of step 1).',
    async run() {
      const queues = await queuesWithDeadLetters(SERVICES.map((s) => s.queue));
      for (const { name, dlq } of queues) {
        check(
          dlq.maxReceiveCount >= MIN_RECEIVES,
          `${queueName(name)} moves a message to its dead-letter queue after ${dlq.maxReceiveCount} receive(s): a brief outage of its consumer would dead-letter good messages. Use a maxReceiveCount of at least ${MIN_RECEIVES}.`,
        );
      }
      return queues.map(({ name, dlq }) => `${name}: DLQ after ${dlq.maxReceiveCount}`).join(', ');
    },
  },
  {
    id: 'dead-letters-kept-longer',
    step: 1,
    title: 'Each dead-letter queue keeps messages longer than its queue',
    hint: 'Give each dead-letter queue `retentionPeriod: Duration.days(14)` and its queue a shorter one (the default is 4 days): a message keeps its original enqueue time when it is dead-lettered.',
    run: () => checkDeadLetterSettings(SERVICES.map((s) => s.queue)),
  },
  {
    id: 'visibility-timeout',
    step: 1,
    title: "Each queue's visibility timeout is at least six times its consumer's timeout",
    hint: "Set `visibilityTimeout: Duration.seconds(60)` on each service queue: AWS advises at least six times the function's timeout (10 s), so that a batch still being worked on is not delivered again meanwhile.",
    async run() {
      const settings = await Promise.all(
        SERVICES.map(async (service) => {
          const url = await requireQueue(service.queue);
          const visibility = Number((await queueAttributes(url, ['VisibilityTimeout'])).VisibilityTimeout);
          const { Timeout = 3 } = await lambda().send(
            new GetFunctionConfigurationCommand({ FunctionName: await output(service.functionOutput) }),
          );
          return { service, visibility, Timeout };
        }),
      );
      for (const { service, visibility, Timeout } of settings)
        check(
          visibility >= 6 * Timeout,
          `${queueName(service.queue)} hides a received message for ${visibility} s, less than six times ${service.label}'s timeout (${Timeout} s): set visibilityTimeout to at least ${6 * Timeout} s.`,
        );
      return settings.map(({ visibility, Timeout }) => `${visibility} s ≥ 6 × ${Timeout} s`).join(', ');
    },
  },
  {
    id: 'queue-policies',
    step: 2,
    title: 'Each queue lets the RideCompletionTopic send to it, and nothing else',
    hint: "Add to each service queue `queue.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('sns.amazonaws.com')], actions: ['sqs:SendMessage'], resources: [queue.queueArn], conditions: { ArnEquals: { 'aws:SourceArn': topic.topicArn } } }))`: no sqs:*, no other principal, no other source.",
    async run() {
      const topic = await topicArn();
      const policies = await Promise.all(
        SERVICES.map(async (service) => (await queueAttributes(await requireQueue(service.queue), ['Policy'])).Policy),
      );
      for (const [i, service] of SERVICES.entries()) {
        const Policy = policies[i];
        check(Policy, `${queueName(service.queue)} has no queue policy: SNS could not deliver to it.`);
        const reading = readQueuePolicy(Policy, 'sns.amazonaws.com', topic);
        check(reading.problems.length === 0, `The policy of ${queueName(service.queue)} lets too much in: ${reading.problems.join('; ')}.`);
        check(
          reading.allows,
          `The policy of ${queueName(service.queue)} does not let sns.amazonaws.com send messages with aws:SourceArn ${topic}.`,
        );
      }
      return 'sqs:SendMessage for sns.amazonaws.com, aws:SourceArn = the topic';
    },
  },
  {
    id: 'raw-subscriptions',
    step: 3,
    title: 'The topic delivers to the three queues with raw delivery, Extraordinary Rides filtered as in Lab 1',
    hint: 'Replace the three LambdaSubscriptions with `topic.addSubscription(new subscriptions.SqsSubscription(queue, { rawMessageDelivery: true, ... }))`, one per service queue, and pass `filterPolicy: extraordinaryRides` to the Extraordinary Rides one only.',
    async run() {
      const { all, byService } = await subscriptionsByService();
      const missing = SERVICES.filter((s) => !byService.has(s)).map((s) => queueName(s.queue));
      check(
        missing.length === 0,
        `The topic does not deliver to ${missing.join(', ')} (it has ${all.length} subscription(s): ${all.map((s) => s.Protocol).join(', ') || 'none'}).`,
      );
      const others = all.filter((s) => ![...byService.values()].includes(s));
      check(
        others.length === 0,
        `The topic still has ${others.length} other subscription(s) (${others.map((s) => `${s.Protocol} ${s.Endpoint?.split(':').pop()}`).join(', ')}): each ride would reach a service twice, through two paths. Remove the LambdaSubscriptions.`,
      );
      for (const [service, subscription] of byService) {
        const attributes = await attributesOf(subscription);
        check(
          attributes.RawMessageDelivery === 'true',
          `The subscription of ${queueName(service.queue)} is not raw: its consumer would get SNS's JSON envelope instead of the ride. Set rawMessageDelivery: true on every SQS subscription (one delivery mode everywhere).`,
        );
        if (service === EXTRAORDINARY) {
          check(
            attributes.FilterPolicy,
            'The Extraordinary Rides subscription has no filter policy: pass filterPolicy: extraordinaryRides.',
          );
          check(
            (attributes.FilterPolicyScope ?? 'MessageAttributes') === 'MessageAttributes',
            `The filter policy applies to the ${attributes.FilterPolicyScope}; Lab 1's filters the message attributes.`,
          );
          check(
            JSON.stringify(normalise(JSON.parse(attributes.FilterPolicy))) === JSON.stringify(normalise(EXTRAORDINARY_FILTER)),
            `The filter policy is ${attributes.FilterPolicy}; Lab 1's is ${JSON.stringify(EXTRAORDINARY_FILTER)}.`,
          );
        } else {
          check(
            !attributes.FilterPolicy,
            `The ${service.label} subscription has a filter policy (${attributes.FilterPolicy}): it must receive every ride.`,
          );
        }
      }
      return `${byService.size} raw SQS subscriptions`;
    },
  },
  {
    id: 'subscription-dead-letters',
    step: 3,
    title: 'What SNS cannot deliver to a queue goes to a dead-letter queue the topic may write to',
    hint: 'Pass `deadLetterQueue: undeliverable` (an SQS queue of the stack) with each SqsSubscription: the CDK then sets the redrive policy and lets the topic send to that queue.',
    async run() {
      const { byService } = await subscriptionsByService();
      check(byService.size === SERVICES.length, 'The three SQS subscriptions of step 3 are missing.');
      const topic = await topicArn();
      const dlqs = new Set<string>();
      for (const [service, subscription] of byService) {
        const { RedrivePolicy } = await attributesOf(subscription);
        check(
          RedrivePolicy,
          `The ${service.label} subscription has no dead-letter queue: a message SNS cannot deliver to ${queueName(service.queue)} (say, the queue was deleted) would be lost.`,
        );
        const arn: string = JSON.parse(RedrivePolicy).deadLetterTargetArn;
        const url = await queueUrlOfArn(arn);
        check(url, `The ${service.label} subscription's dead-letter queue ${arn} does not exist.`);
        const reading = readQueuePolicy((await queueAttributes(url, ['Policy'])).Policy, 'sns.amazonaws.com', topic);
        check(
          reading.allows,
          `${arn.split(':').pop()} does not let the topic send to it: SNS could not park undeliverable messages there.`,
        );
        dlqs.add(arn.split(':').pop()!);
      }
      return [...dlqs].join(', ');
    },
  },
  {
    id: 'rides-reach-queues',
    // Waits out Extraordinary Rides' batching window (up to a second): meanwhile the state checks run.
    startEarly: true,
    step: 3,
    title: "A long ride reaches all three services' queues; a short one skips Extraordinary Rides",
    hint: 'Each service queue needs its SqsSubscription and a policy that lets the topic send; the filter belongs on the Extraordinary Rides subscription only. The queue-depths snippet shows where rides wait.',
    async run() {
      // A queue its mapping consumes (step 4) is not received from: each receive counts toward the
      // maxReceiveCount of every message it returns (other probes' rides, the learner's), and a
      // few looks would send them to the dead-letter queue. Its consumer's mark says the ride came.
      const [{ byService }, consumed] = await Promise.all([
        subscriptionsByService(),
        Promise.all(SERVICES.map(async (service) => ({ service, mapping: await mappingOf(service) }))).then(
          (found) => new Set(found.filter(({ service, mapping }) => mapping && switchedOn(service, mapping)).map(({ service }) => service)),
        ),
      ]);
      // Fails at once, with the cause, when a queue has no subscription: no waiting for the deadline.
      const unsubscribed = SERVICES.filter((s) => !byService.has(s)).map((s) => queueName(s.queue));
      check(unsubscribed.length === 0, `Rides cannot reach ${unsubscribed.join(', ')}: the topic has no subscription for it.`);
      const [long, short] = await submitProbeRides([LONG_RIDE, SHORT_RIDE]);
      const expected = new Map<ConsumerService, string[]>(SERVICES.map((s) => [s, s === EXTRAORDINARY ? [long] : [long, short]]));
      // A ride has reached a queue when it waits there, or when the queue's consumer (step 4) handled it.
      const seen = new Map<ConsumerService, Set<string>>(SERVICES.map((s) => [s, new Set()]));
      const look = async () => {
        const marks = await marksOfRides([long, short]);
        await Promise.all(
          SERVICES.map(async (service) => {
            const url = await requireQueue(service.queue);
            if (!consumed.has(service))
              for (const message of await takeOwnMessages(url, mentions([long, short])))
                seen.get(service)!.add(JSON.parse(message.Body!).id);
            for (const [id, mark] of marks) if (mark.has(service.mark)) seen.get(service)!.add(id);
          }),
        );
      };
      for (const [service, ids] of expected) {
        await untilSwitchedBackOn(service);
        await eventually(`A ride did not reach ${queueName(service.queue)}`, async () => {
          await look();
          return ids.every((id) => seen.get(service)!.has(id)) ? true : undefined;
        });
      }
      if (consumed.has(EXTRAORDINARY)) await extraordinaryQueueSettled();
      else await sleep(quietPeriodMs());
      await look();
      check(
        !seen.get(EXTRAORDINARY)!.has(short),
        `The short ride ${short} (fare 12, distance 3) reached ${queueName(EXTRAORDINARY.queue)}: its subscription does not filter.`,
      );
      return `long ride ${long.slice(0, 8)} in 3 queues, short ride ${short.slice(0, 8)} in 2`;
    },
  },
  {
    id: 'event-source-mappings',
    step: 4,
    title: 'Each queue feeds its service through an event source mapping with partial batch failures and a maximum concurrency',
    hint: 'Add `services.customerNotification.addEventSource(new SqsEventSource(notificationQueue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 5 }))`, and the same for the other two services (no reservedConcurrentExecutions on the functions).',
    async run() {
      const found: string[] = [];
      for (const service of SERVICES) {
        const mapping = await enabledMapping(service);
        check(
          mapping.FunctionResponseTypes?.includes('ReportBatchItemFailures'),
          `The ${service.label} mapping does not take partial batch failures: one bad message would send its whole batch back to the queue. Set reportBatchItemFailures: true.`,
        );
        check(
          mapping.ScalingConfig?.MaximumConcurrency,
          `The ${service.label} mapping has no maximum concurrency: set maxConcurrency (2 to 1000) to bound how many copies of the function the queue keeps busy.`,
        );
        const { ReservedConcurrentExecutions } = await lambda().send(
          new GetFunctionConcurrencyCommand({ FunctionName: await output(service.functionOutput) }),
        );
        check(
          ReservedConcurrentExecutions === undefined,
          `${service.label} has a reserved concurrency of ${ReservedConcurrentExecutions}: the mapping's pollers would be throttled, and throttled batches count as receives that end in the dead-letter queue. Limit the mapping with maxConcurrency instead.`,
        );
        found.push(
          `${service.name}: batches of ${mapping.BatchSize}${mapping.MaximumBatchingWindowInSeconds ? ` within ${mapping.MaximumBatchingWindowInSeconds} s` : ''}, at most ${mapping.ScalingConfig!.MaximumConcurrency} at once`,
        );
      }
      return found.join('; ');
    },
  },
  {
    id: 'burst-reaches-consumers',
    // Waits out Extraordinary Rides' batching window (up to a second): meanwhile the state checks run.
    startEarly: true,
    step: 4,
    title: 'A burst of rides reaches each service exactly as filtered',
    hint: 'Each service needs its event source mapping, switched on, and a consumer that handles its rides (run the submit-burst snippet and the tail of its output shows who got what).',
    async run() {
      await Promise.all(SERVICES.map(enabledMapping));
      const rides = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? LONG_RIDE : SHORT_RIDE));
      const ids = await publishProbeRides(rides);
      const longIds = ids.filter((_, i) => i % 2 === 0);
      // One service after the other, each with the whole deadline: right after a deploy the first
      // rides also wait for the services' environments to start, one after another.
      for (const service of SERVICES) {
        await untilSwitchedBackOn(service);
        await waitForMarks(service === EXTRAORDINARY ? longIds : ids, service);
      }
      await extraordinaryQueueSettled();
      const shortIds = ids.filter((id) => !longIds.includes(id));
      const wrongly = [...(await marksOfRides(shortIds))].filter(([, marks]) => marks.has(EXTRAORDINARY.mark));
      check(wrongly.length === 0, `${wrongly.length} short ride(s) reached Extraordinary Rides.`);
      return `${ids.length} rides: ${ids.length} notified, ${ids.length} charged, ${longIds.length} extraordinary`;
    },
  },
  {
    id: 'consumer-off-loses-nothing',
    // Beside the others: they take the mapping it switches off for a moment as on, and wait until
    // it is on again before they wait for Customer Accounting's marks (ProbeSwitch).
    startEarly: true,
    step: 4,
    title: 'With its consumer switched off, a queue keeps the rides, and drains when it is switched on',
    hint: "Customer Accounting's queue needs its event source mapping (step 4), with a retention period (the default 4 days) that keeps rides while nobody consumes them.",
    async run() {
      // Customer Accounting, as the switch-consumer snippets. Said before the first await (see ProbeSwitch).
      let ended = () => {};
      const probe: ProbeSwitch = { foundOn: false, ended: new Promise<void>((resolve) => (ended = resolve)) };
      probeSwitches().set(ACCOUNTING, probe);
      try {
        const mapping = await enabledMapping(ACCOUNTING);
        const queueUrl = await requireQueue(ACCOUNTING.queue);
        probe.foundOn = true;
        try {
          await switchMapping(mapping.UUID!, false);
          // The other probes' rides reach the queue too. This probe's own are there once the topic
          // has delivered them, which Customer Notification's marks show.
          const waiting = (await depthOf(queueUrl)).visible;
          const ids = await publishProbeRides([SHORT_RIDE, SHORT_RIDE, SHORT_RIDE]);
          await waitForMarks(ids, NOTIFICATION, ': the probe waits for them to know that the topic delivered its rides');
          await eventually(`The rides did not wait in ${queueName(ACCOUNTING.queue)}`, async () =>
            (await depthOf(queueUrl)).visible >= waiting + ids.length ? true : undefined,
          );
          for (const [id, marks] of await marksOfRides(ids))
            check(!marks.has(ACCOUNTING.mark), `Ride ${id} was handled by Customer Accounting while its mapping was switched off.`);
          await switchMapping(mapping.UUID!, true);
          await waitForMarks(ids, ACCOUNTING, ' after its mapping was switched on again');
          return `${ids.length} rides waited and were handled after switching on`;
        } finally {
          if ((await mappingState(mapping.UUID!)) !== 'Enabled') await switchMapping(mapping.UUID!, true);
        }
      } finally {
        probeSwitches().delete(ACCOUNTING);
        ended();
      }
    },
  },
  {
    id: 'failures-dead-lettered',
    // Sends its own messages straight to the queue and takes only its own dead letter: it can run
    // beside the others. The redrive, which moves every dead letter, starts after it.
    startEarly: true,
    step: 4,
    title: 'A message its consumer cannot handle is retried, then dead-lettered; the rest of its batch is not',
    hint: 'The Customer Notification mapping needs reportBatchItemFailures: true, and its queue a redrive policy (deadLetterQueue with maxReceiveCount) to a dead-letter queue.',
    async run() {
      await enabledMapping(NOTIFICATION);
      const queueUrl = await requireQueue(NOTIFICATION.queue);
      const dlq = await deadLetterQueueOf(queueUrl);
      check(dlq, `${queueName(NOTIFICATION.queue)} has no dead-letter queue.`);
      const good = probeId('probe-good');
      const bad = probeId('probe-not-a-ride');
      const { Successful = [] } = await sqs().send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: [
            { Id: 'good', MessageBody: JSON.stringify({ ...SAMPLE_RIDE, id: good, customer: good }) },
            { Id: 'bad', MessageBody: JSON.stringify({ probe: bad, note: 'not a ride: it has no id' }) },
          ],
        }),
      );
      const badMessageId = Successful.find((s) => s.Id === 'bad')!.MessageId!;
      await waitForMarks([good], NOTIFICATION);
      await eventually(`The message that is not a ride did not reach ${dlq.arn.split(':').pop()}`, async () =>
        (await takeOwnMessages(dlq.url, mentions([bad]))).length > 0 ? true : undefined,
      );
      const functionName = await output(NOTIFICATION.functionOutput);
      const failures = await eventually('Customer Notification logged no failures of the message', async () => {
        const lines = (await functionLogLines(functionName, badMessageId)).filter((line) => line.includes('"failed"'));
        return lines.length >= dlq.maxReceiveCount ? lines.length : undefined;
      });
      const goodDeliveries = (await functionLogLines(functionName, good)).length;
      check(
        goodDeliveries === 1,
        `The good ride of the same batch was handled ${goodDeliveries} times: the whole batch was retried. The handler must report only the failed message (batchItemFailures) and the mapping take it (reportBatchItemFailures: true).`,
      );
      return `failed ${failures} times, then dead-lettered; its batch mate handled once`;
    },
  },
  {
    id: 'redrive-brings-back',
    // It moves every dead letter: once the failures probe has taken its own, it can run beside the others.
    startEarly: { after: ['failures-dead-lettered'] },
    step: 4,
    title: 'A redrive (StartMessageMoveTask) takes dead letters back to their queue, where they are handled',
    hint: "The dead-letter queue must be the DLQ of Customer Notification's queue only (its redrive policy), and that queue's mapping switched on. Run the redrive-dead-letters snippet to see a redrive.",
    async run() {
      await enabledMapping(NOTIFICATION);
      const dlq = await deadLetterQueueOf(await requireQueue(NOTIFICATION.queue));
      check(dlq, `${queueName(NOTIFICATION.queue)} has no dead-letter queue.`);
      // A ride that failed earlier, as the dead-letter queue would hold it.
      const id = probeId('probe-redriven');
      await sqs().send(new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: JSON.stringify({ ...SAMPLE_RIDE, id, customer: id }) }));
      const running = async () => (await sqs().send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn, MaxResults: 1 }))).Results?.[0];
      await eventually('A message move task of this dead-letter queue is still running', async () =>
        (await running())?.Status === 'RUNNING' ? undefined : true,
      );
      const { TaskHandle } = await sqs().send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
      const task = await eventually('The message move task did not complete', async () => {
        const latest = await running();
        if (latest?.Status === 'FAILED') fail(`The message move task failed: ${latest.FailureReason}`);
        return latest?.Status === 'COMPLETED' ? latest : undefined;
      });
      await waitForMarks([id], NOTIFICATION, ' after the redrive');
      return `task ${TaskHandle?.slice(0, 8)} moved ${task.ApproximateNumberOfMessagesMoved} message(s) back; the probe ride was handled`;
    },
  },
  {
    id: 'ride-batch-queue',
    step: 5,
    title: 'RideBatchQueue exists, with a dead-letter queue that keeps messages longer',
    hint: "In stack.ts, add `const batchQueue = queueWithDeadLetters('RideBatchQueue')`: the worker's queue, with its dead-letter queue and the RideBatchQueueUrl output.",
    run: () => checkDeadLetterSettings(['RideBatchQueue']),
  },
  {
    id: 'worker-ingests-batch',
    // Its own worker and its own batch (probes tolerate other workers): it can run beside the others.
    startEarly: true,
    step: 5,
    title: 'The worker ingests a batch sent to RideBatchQueue: its rides are stored and published',
    hint: 'RideBatchQueue (and its output RideBatchQueueUrl) must exist; the worker (snippets/worker.ts) stores each ride in the Rides table and publishes it to the topic. Start it on the page and run the send-batch snippet to watch it.',
    async run() {
      const queueUrl = await output('RideBatchQueueUrl');
      const { batch, rideIds } = probeBatch();
      await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(batch) }));
      await withWorker(() => waitForIngestedRides(rideIds));
      return `${rideIds.length} rides of ${batch.fleet} stored and delivered`;
    },
  },
  {
    id: 'malformed-batch-dead-lettered',
    // Its own worker and its own batch (probes tolerate other workers): it can run beside the others.
    startEarly: true,
    step: 5,
    title: 'A malformed batch ends in the dead-letter queue, with the reason',
    hint: 'RideBatchQueue needs a dead-letter queue (queueWithDeadLetters gives it one): the worker moves a batch it can never ingest there at once, with an ErrorReason attribute, instead of retrying it.',
    async run() {
      const queueUrl = await output('RideBatchQueueUrl');
      const dlq = await deadLetterQueueOf(queueUrl);
      check(dlq, `${queueName('RideBatchQueue')} has no dead-letter queue.`);
      const { batch } = probeBatch(true);
      await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(batch) }));
      const [dead] = await withWorker(() =>
        eventually(`The malformed batch did not reach ${dlq.arn.split(':').pop()}`, async () => {
          const taken = await takeOwnMessages(dlq.url, mentions([batch.fleet]));
          return taken.length > 0 ? taken : undefined;
        }),
      );
      const reason = dead.MessageAttributes?.ErrorReason?.StringValue;
      check(reason, 'The malformed batch reached the dead-letter queue without an ErrorReason attribute.');
      check(/fare/.test(reason), `The reason given does not name the broken field: ${reason}`);
      return reason;
    },
  },
  {
    id: 'bucket-notifies-queue',
    step: 6,
    title: 'The bucket puts an event on RideBatchQueue for every .json file created, and only this bucket may',
    hint: "In stack.ts, add `batchBucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(batchQueue), { suffix: '.json' })`: the CDK also gives the queue a policy for this bucket.",
    async run() {
      const bucket = await output('RideBatchBucketName');
      const queueUrl = await requireQueue('RideBatchQueue');
      const { QueueArn, Policy } = await queueAttributes(queueUrl, ['QueueArn', 'Policy']);
      const { QueueConfigurations = [] } = await s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
      const configuration = QueueConfigurations.find((c) => c.QueueArn === QueueArn);
      check(configuration, `Bucket ${bucket} sends no event to ${queueName('RideBatchQueue')}.`);
      check(
        configuration.Events?.some((e) => e === 's3:ObjectCreated:*' || e === 's3:ObjectCreated:Put'),
        `The bucket's notification is for ${configuration.Events?.join(', ')}, not for objects created (s3:ObjectCreated:*).`,
      );
      const reading = readQueuePolicy(Policy, 's3.amazonaws.com', `arn:aws:s3:::${bucket}`, ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl']);
      check(
        reading.allows,
        `The policy of ${queueName('RideBatchQueue')} does not let s3.amazonaws.com send for bucket ${bucket} (aws:SourceArn).`,
      );
      check(
        reading.problems.length === 0,
        `The policy of ${queueName('RideBatchQueue')} lets too much in: ${reading.problems.join('; ')}.`,
      );
      const suffix = configuration.Filter?.Key?.FilterRules?.find((r) => r.Name?.toLowerCase() === 'suffix')?.Value;
      return `${configuration.Events?.join(', ')}${suffix ? `, suffix ${suffix}` : ''}`;
    },
  },
  {
    id: 'uploaded-batch-ingested',
    // Its own worker and its own batch (probes tolerate other workers): it can run beside the others.
    startEarly: true,
    step: 6,
    title: 'A batch file uploaded to the bucket is ingested by the worker',
    hint: 'The bucket needs its event notification to RideBatchQueue (step 6) for .json files, and the queue a policy that lets the bucket send. Start the worker and run the upload-batch snippet to watch it.',
    async run() {
      const bucket = await output('RideBatchBucketName');
      const { batch, rideIds } = probeBatch();
      const key = `incoming/${batch.fleet}.json`;
      await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(batch), ContentType: 'application/json' }));
      try {
        await withWorker(() => waitForIngestedRides(rideIds));
      } finally {
        await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      }
      return `s3://${bucket}/${key}: ${rideIds.length} rides stored and delivered`;
    },
  },
];
