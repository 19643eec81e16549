import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActivityStream } from '../../activity/stream.ts';
import { type Delivery, DeliveryRefused } from '../../delivery/delivery.ts';
import type { QueueMessage } from '../../delivery/queues.ts';
import type { Ledger } from '../../persistence/ledger.ts';
import { type Message, type OwedDelivery, SnsDispatcher } from './dispatcher.ts';
import type { HttpSubscriptions } from './http-subscriptions.ts';
import { SnsStore, type Subscription } from './store.ts';

const topicArn = 'arn:aws:sns:us-east-1:000000000000:rides';
const queueArn = 'arn:aws:sqs:us-east-1:000000000000:rides-queue';
const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:rides-dlq';

/** A ledger in memory: what it holds is what a commit would have written (`saved` is what a restart reads). */
class MapLedger implements Ledger<OwedDelivery> {
  readonly records = new Map<string, OwedDelivery>();
  constructor(private readonly kept: [string, OwedDelivery][] = []) {}
  put(id: string, value: OwedDelivery) {
    this.records.set(id, structuredClone(value));
  }
  delete(id: string) {
    this.records.delete(id);
  }
  deletePrefix() {}
  clear() {
    this.records.clear();
  }
  saved() {
    return this.kept;
  }
}

/** A dispatcher whose deliveries go to `send` instead of the cloud; `ledger` holds what it owes. */
function setUp(send: (queueArn: string, message: QueueMessage) => void, attributes: Record<string, string> = {}, ledger = new MapLedger()) {
  const store = new SnsStore();
  const subscription: Subscription = {
    arn: `${topicArn}:1`,
    topicArn,
    protocol: 'sqs',
    endpoint: queueArn,
    attributes: { RawMessageDelivery: 'true', ...attributes },
    pendingConfirmation: false,
  };
  store.subscribe(subscription);
  const activity = new ActivityStream();
  const seen: string[] = [];
  activity.subscribe((a) => seen.push(`${a.service}.${a.type}`));
  const delivery = { sendToQueue: async (arn: string, message: QueueMessage) => send(arn, message) } as unknown as Delivery;
  const dispatcher = new SnsDispatcher(
    store,
    delivery,
    {} as HttpSubscriptions,
    activity,
    { delayMsPerSecond: 1, endpoint: () => 'http://localhost:4566' },
    ledger,
  );
  const message = (text: string): Message => ({ messageId: text, topicArn, message: text, timestamp: new Date(), attributes: {} });
  return { store, subscription, dispatcher, seen, message, ledger };
}

test('Publish is answered before delivery: the dispatcher delivers on a later turn, in the order accepted', async () => {
  const sent: string[] = [];
  const { dispatcher, subscription, seen, message } = setUp((_arn, m) => void sent.push(m.body));
  for (const text of ['one', 'two', 'three']) dispatcher.accept(message(text), [subscription]);
  assert.deepEqual(sent, [], 'nothing is delivered while Publish answers');
  await dispatcher.settled();
  assert.deepEqual(sent, ['one', 'two', 'three']);
  assert.deepEqual(seen, ['sns.delivered', 'sns.delivered', 'sns.delivered']);
});

test("a failure on the cloud's side is retried with SNS's policy until it succeeds", async () => {
  let failures = 2;
  const sent: string[] = [];
  const { dispatcher, subscription, seen, message } = setUp((_arn, m) => {
    if (failures-- > 0) throw new Error('database is locked');
    sent.push(m.body);
  });
  dispatcher.accept(message('ride'), [subscription]);
  for (let i = 0; i < 50 && sent.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(sent, ['ride']);
  assert.deepEqual(seen, ['sns.delivery-retry', 'sns.delivery-retry', 'sns.delivered']);
});

test('a delivery the target refuses is not retried: it goes to the dead-letter queue', async () => {
  const sent: string[] = [];
  const { dispatcher, subscription, seen, message } = setUp(
    (arn, m) => {
      if (arn === queueArn) throw new DeliveryRefused('the policy of queue rides-queue does not allow sns.amazonaws.com');
      sent.push(`${arn} ${JSON.parse(m.body).Message}`);
    },
    { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn }) },
  );
  dispatcher.accept(message('ride'), [subscription]);
  await dispatcher.settled();
  assert.deepEqual(sent, [`${dlqArn} ride`], 'the DLQ gets the notification envelope');
  assert.deepEqual(seen, ['sns.dead-lettered']);
});

test('a clean stop keeps the deliveries still owed; they are made after the restart', async () => {
  let up = false;
  const sent: string[] = [];
  const first = setUp((_arn, m) => {
    if (!up) throw new Error('fauxqs is stopping');
    sent.push(m.body);
  });
  first.dispatcher.accept(first.message('ride'), [first.subscription]);
  await first.dispatcher.settled();
  first.dispatcher.shutdown();
  assert.equal(first.ledger.records.size, 1, 'the retry waiting at the stop is still owed');
  assert.equal([...first.ledger.records.values()][0].attempts, 1, 'with the attempt it made');
  up = true;
  const second = setUp((_arn, m) => void sent.push(m.body), {}, new MapLedger([...first.ledger.records]));
  second.dispatcher.resume();
  await second.dispatcher.settled();
  assert.deepEqual(sent, ['ride']);
  assert.equal(second.ledger.records.size, 0, 'delivered: no longer owed');
});

test('a crash between the answer and the first attempt loses nothing: what Publish accepted is owed from the start', async () => {
  const sent: string[] = [];
  const first = setUp(() => assert.fail('the process was killed before it delivered anything'));
  for (const text of ['one', 'two', 'three']) first.dispatcher.accept(first.message(text), [first.subscription]);
  // Killed here: Publish has answered (the ledger was committed before the answer), nothing was delivered.
  const committed = [...first.ledger.records];
  assert.equal(committed.length, 3);
  const second = setUp((_arn, m) => void sent.push(m.body), {}, new MapLedger(committed));
  second.dispatcher.resume();
  await second.dispatcher.settled();
  assert.deepEqual(sent, ['one', 'two', 'three'], 'all of them, in the order published');
});

test('a subscription removed before its delivery gets nothing', async () => {
  const sent: string[] = [];
  const { dispatcher, store, subscription, seen, message } = setUp((_arn, m) => void sent.push(m.body));
  dispatcher.accept(message('ride'), [subscription]);
  store.unsubscribe(subscription.arn);
  await dispatcher.settled();
  assert.deepEqual(sent, []);
  assert.deepEqual(seen, []);
});
