import { callApi, output, print, sleep } from '../../kit/index.ts';
import { pollIntervalMs, type RfqView, SAMPLE_REQUEST, timing } from '../rfq-client.ts';

const COUNT = 10;

/**
 * Asks for quotes ten times at once, waits until every request is closed, and shows how each
 * closed: by whom, with which best quote, how long it took.
 */
export default async function requestMany() {
  const submitUrl = await output('SubmitRfqUrl');
  const queryUrl = await output('QueryRfqUrl');
  const started = Date.now();
  const sent = await Promise.all(
    Array.from({ length: COUNT }, async (_, i) => {
      // A throttled request (429: no execution environment free) is retried after a growing,
      // jittered pause, as a client should; any other refusal is reported.
      for (let attempt = 1; ; attempt++) {
        const response = await callApi(submitUrl, { body: { ...SAMPLE_REQUEST, customer: `many-${i + 1}` } });
        if (response.status === 201) return (response.body as { 'rfq-id': string })['rfq-id'];
        if (response.status !== 429 || attempt === 10) {
          print(`Request ${i + 1} was refused: ${response.status} ${response.text}`);
          return undefined;
        }
        await sleep(Math.random() * Math.min(2_000, 100 * 2 ** attempt));
      }
    }),
  );
  const ids = sent.filter((id): id is string => id !== undefined);
  if (ids.length === 0) throw new Error('No request for quotes was accepted.');
  print(`${ids.length} of ${COUNT} requests accepted in ${Date.now() - started} ms; waiting for each to close…`);
  const { maxDelaySeconds, deadlineSeconds } = await timing();
  const giveUpAt = Date.now() + (Math.max(maxDelaySeconds, deadlineSeconds ?? 0) + 10) * 1000;
  const views = new Map<string, RfqView>();
  while (views.size < ids.length && Date.now() < giveUpAt) {
    for (const id of ids.filter((id) => !views.has(id))) {
      const view = (await callApi(`${queryUrl}/${id}`)).body as RfqView;
      if (view.status === 'closed') views.set(id, view);
    }
    await sleep(pollIntervalMs());
  }
  print('');
  print(`${'request'.padEnd(10)}${'answers'.padEnd(9)}${'best quote'.padEnd(42)}${'closed by'.padEnd(14)}time to close`);
  const durations: number[] = [];
  for (const id of ids) {
    const view = views.get(id);
    if (!view) {
      print(`${id.slice(0, 8).padEnd(10)}still open`);
      continue;
    }
    const ms = Date.parse(view.closedAt!) - Date.parse(view.requestedAt);
    durations.push(ms);
    const best = view.best ? `${view.best.responder} at ${view.best.quote.toFixed(2)}` : 'none';
    print(
      `${id.slice(0, 8).padEnd(10)}${`${view.quotes.length + view.declined.length}/10`.padEnd(9)}${best.padEnd(42)}${view.closedBy!.padEnd(14)}${ms} ms`,
    );
  }
  durations.sort((a, b) => a - b);
  print('');
  print(
    `${views.size} of ${ids.length} closed; time to close: median ${durations[Math.floor(durations.length / 2)] ?? '-'} ms, slowest ${durations.at(-1) ?? '-'} ms.`,
  );
}
