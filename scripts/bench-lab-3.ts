// The Lab 3 rows of the benchmark (scripts/bench.ts): its checkpoints with the deadline set
// short, and 100 requests for quotes at once, each of which must close exactly once. Figures,
// not asserts; what went wrong is printed as a figure too (lost, closed twice).
import { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientConfig } from '../labs/kit/clients.ts';
import { invokeUrlOn } from '../labs/kit/http.ts';
import type { Target } from '../labs/kit/target.ts';
import type { RunningCloud } from '../src/cloud/cloud.ts';
import type { LabEngine } from '../src/engine/engine.ts';
import type { EngineEvent } from '../src/engine/events.ts';

type Row = (what: string, figure: string, budget: string) => void;
const quiet = (_: EngineEvent) => undefined;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const full = { solution: true, step: Number.POSITIVE_INFINITY } as const;

/** `verify lab-3` with the deadline at one second and providers answering at once. */
async function verifyWithShortDeadline(engine: LabEngine, row: Row): Promise<void> {
  const deployed = await engine.deploy('lab-3', full, quiet, {
    parameters: { DeadlineSeconds: '1', ProviderMaxDelaySeconds: '0', SlowProviderDelaySeconds: '2' },
  });
  if (!deployed) throw new Error('deploying lab-3 with a short deadline failed');
  const times: number[] = [];
  for (let i = 0; i < 4; i++) {
    const started = performance.now();
    const ok = await engine.verify('lab-3', quiet);
    // The first run starts every function's execution environment: kept apart.
    if (i > 0) times.push(performance.now() - started);
    if (!ok) throw new Error('verify lab-3 failed on the solution');
  }
  row('verify lab-3 (9 checkpoints), deadline 1 s, median', ms(percentile(times, 50)), '≤ 1000 ms + the deadline');
}

/** Sends one request for quotes, retrying a throttled one (429) as a client would: its id (none if refused) and its retries. */
async function submit(url: string, customer: string): Promise<{ rfqId?: string; retries: number; refused?: string }> {
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'Berlin', to: 'Potsdam', customer }),
      });
    } catch (error) {
      return {
        retries: attempt - 1,
        refused: `no answer (${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message})`,
      };
    }
    if (response.status === 201) return { rfqId: ((await response.json()) as { 'rfq-id': string })['rfq-id'], retries: attempt - 1 };
    if (response.status !== 429 || attempt === 20) return { retries: attempt - 1, refused: `${response.status} ${await response.text()}` };
    await sleep(Math.random() * Math.min(2_000, 50 * 2 ** attempt));
  }
}

/** Lines of a function's log with the given action, counted per request id (read in process). */
function actionsPerRequest(cloud: RunningCloud, functionName: string, action: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const stream of cloud.services.logs.groups.get(`/aws/lambda/${functionName}`)?.streams.values() ?? []) {
    for (const event of stream.events) {
      const match = new RegExp(`"action":"${action}","rfqId":"([^"]+)"`).exec(event.message);
      if (match) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * `requests` requests for quotes at once (100 in the benchmark), providers answering at once, a
 * 10-second deadline: the time from each request to its close (the table's own timestamps), and
 * whether every request closed exactly once, once the deadline of the last one has passed (its
 * ask must find it closed) and the notifications have arrived.
 */
async function concurrentRequests(engine: LabEngine, cloud: RunningCloud, target: Target, row: Row, requests: number): Promise<void> {
  const deadlineSeconds = 10;
  if (
    !(await engine.deploy('lab-3', full, quiet, { parameters: { DeadlineSeconds: String(deadlineSeconds), ProviderMaxDelaySeconds: '0' } }))
  )
    throw new Error('deploying lab-3 failed');
  const { outputs } = await engine.status('lab-3');
  const submitUrl = invokeUrlOn(target, outputs.SubmitRfqUrl);
  // A first burst starts the functions' execution environments (up to ten per function locally,
  // a process each); the figures are those of a second burst, on warm functions, as a busy
  // service runs.
  const warmUp = await Promise.all(Array.from({ length: requests }, (_, i) => submit(submitUrl, `warm-up-${i}`)));
  row(`Lab 3: warm-up burst of ${requests} (cold functions): refused by the API`, String(warmUp.filter((s) => s.refused).length), '');
  await sleep(12_000);
  const started = performance.now();
  const submitted = await Promise.all(Array.from({ length: requests }, (_, i) => submit(submitUrl, `bench-${i}`)));
  const sentMs = performance.now() - started;
  const lastSent = Date.now();
  const ids = submitted.flatMap((s) => (s.rfqId ? [s.rfqId] : []));
  const refused = submitted.filter((s) => s.refused);

  const dynamodb = new DynamoDBClient(clientConfig(target));
  const rows = new Map<string, Record<string, { S?: string }>>();
  const giveUpAt = Date.now() + 120_000;
  while (rows.size < ids.length && Date.now() < giveUpAt) {
    const open = ids.filter((id) => !rows.has(id));
    const { Responses = {} } = await dynamodb.send(
      new BatchGetItemCommand({
        RequestItems: {
          [outputs.RidesBookingTableName]: { Keys: open.map((id) => ({ id: { S: id }, responder: { S: '-' } })), ConsistentRead: true },
        },
      }),
    );
    for (const item of Responses[outputs.RidesBookingTableName] ?? []) if (item.status?.S === 'closed') rows.set(item.id.S!, item);
    await sleep(100);
  }
  // Every deadline ask has come by now: each must have found its request closed.
  await sleep(Math.max(0, lastSent + (deadlineSeconds + 2) * 1000 - Date.now()));
  const notifiedBy = Date.now() + 60_000;
  while (
    Date.now() < notifiedBy &&
    [...rows.keys()].some((id) => !actionsPerRequest(cloud, outputs.QuoteNotificationFunctionName, 'notified-customer').has(id))
  )
    await sleep(250);

  const closeTimes = [...rows.values()].map((item) => Date.parse(item.closedAt.S!) - Date.parse(item.requestedAt.S!));
  const byDeadline = [...rows.values()].filter((item) => item.closedBy.S === 'deadline').length;
  const closes = actionsPerRequest(cloud, outputs.QuotesAggregatorFunctionName, 'closed-request');
  const notified = actionsPerRequest(cloud, outputs.QuoteNotificationFunctionName, 'notified-customer');
  const lost = ids.filter((id) => !rows.has(id)).length;
  const closedTwice = ids.filter((id) => (closes.get(id) ?? 0) > 1).length;
  const notNotifiedOnce = ids.filter((id) => notified.get(id) !== 1).length;
  row(
    `Lab 3: ${requests} requests for quotes at once, all answered (429s retried: ${submitted.reduce((n, s) => n + s.retries, 0)})`,
    ms(sentMs),
    '',
  );
  if (refused.length > 0)
    row(
      `Lab 3: requests refused by the API (${[...new Set(refused.map((s) => s.refused!.slice(0, 40)))].join('; ')})`,
      String(refused.length),
      '0',
    );
  row(
    `Lab 3: request → closed, p50 (${rows.size - byDeadline} by all answers, ${byDeadline} by the deadline)`,
    ms(percentile(closeTimes, 50)),
    '',
  );
  row('Lab 3: request → closed, p99', ms(percentile(closeTimes, 99)), `(deadline ${deadlineSeconds} s)`);
  row('Lab 3: requests lost / closed twice / not notified exactly once', `${lost} / ${closedTwice} / ${notNotifiedOnce}`, '0 / 0 / 0');
}

/** The Lab 3 rows; leaves nothing deployed. */
export async function benchLab3(engine: LabEngine, cloud: RunningCloud, target: Target, row: Row, requests = 100): Promise<void> {
  try {
    await verifyWithShortDeadline(engine, row);
    await concurrentRequests(engine, cloud, target, row, requests);
  } finally {
    await engine.destroy('lab-3', quiet);
  }
}
