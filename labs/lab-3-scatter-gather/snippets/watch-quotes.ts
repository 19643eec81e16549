import { callApi, functionLogLines, optionalOutput, output, print, probeDeadlineMs, sleep } from '../../kit/index.ts';
import { pollIntervalMs, type RfqView, SAMPLE_REQUEST, timing } from '../rfq-client.ts';

/**
 * Asks for quotes, then polls GET /query-instant-ride-rfq/{id} and prints each answer as it
 * arrives, until the aggregator closes the request; then what the customer was told.
 */
export default async function watchQuotes() {
  const submitted = await callApi(await output('SubmitRfqUrl'), { body: SAMPLE_REQUEST });
  if (submitted.status !== 201) throw new Error(`POST /submit-instant-ride-rfq answered ${submitted.status}: ${submitted.text}`);
  const rfqId = (submitted.body as { 'rfq-id': string })['rfq-id'];
  const { maxDelaySeconds, deadlineSeconds } = await timing();
  print(`Request ${rfqId}: ${SAMPLE_REQUEST.from} → ${SAMPLE_REQUEST.to}${deadlineSeconds ? `, deadline ${deadlineSeconds} s` : ''}`);

  // Something closes the request once the aggregator is there (step 4).
  const aggregated = (await optionalOutput('AggregatorQueueUrl')) !== undefined;
  const started = Date.now();
  const elapsed = () => `+${((Date.now() - started) / 1000).toFixed(1)} s`.padEnd(9);
  // Long enough for every answer and for the deadline, with room for functions starting up.
  const giveUpAt = started + (Math.max(maxDelaySeconds, deadlineSeconds ?? 0) + 10) * 1000;
  const seen = new Set<string>();
  // The answers not printed yet: each is printed once, when it first appears.
  const fresh = <T extends { responder: string }>(answers: T[]) => answers.filter((a) => !seen.has(a.responder) && seen.add(a.responder));
  let view: RfqView;
  for (;;) {
    const response = await callApi(`${await output('QueryRfqUrl')}/${rfqId}`);
    if (response.status !== 200) throw new Error(`GET /query-instant-ride-rfq/${rfqId} answered ${response.status}: ${response.text}`);
    view = response.body as RfqView;
    for (const { responder, quote } of fresh(view.quotes)) print(`${elapsed()}${responder.padEnd(28)} quotes ${quote.toFixed(2)}`);
    for (const { responder, reason } of fresh(view.declined)) print(`${elapsed()}${responder.padEnd(28)} declines (${reason})`);
    if (view.status === 'closed' || (view.waitingFor.length === 0 && !aggregated) || Date.now() > giveUpAt) break;
    await sleep(pollIntervalMs());
  }
  print('');
  if (view.status !== 'closed') {
    print(
      !aggregated
        ? 'The request stays open: nothing closes it yet (step 4 adds the aggregator).'
        : `Still waiting for ${view.waitingFor.join(', ') || 'the aggregator'}, and nothing closed the request.`,
    );
    return;
  }
  print(
    `${elapsed()}closed (${view.closedBy}): best quote ${view.best ? `${view.best.responder} at ${view.best.quote.toFixed(2)}` : 'none'}, ${view.quotes.length} quotes, ${view.declined.length} declines${view.waitingFor.length ? `, no answer from ${view.waitingFor.join(', ')}` : ''}`,
  );
  // The notification travels on: aggregator → topic → Quote Notification Service → its log.
  const notifier = await output('QuoteNotificationFunctionName');
  const waitUntil = Date.now() + probeDeadlineMs();
  for (;;) {
    const told = (await functionLogLines(notifier, rfqId)).find((line) => line.includes('"notified-customer"'));
    if (told) return print(`The customer was told: ${(JSON.parse(told.slice(told.indexOf('{'))) as { text: string }).text}`);
    if (Date.now() > waitUntil) return print("The customer has not been told yet: see the Quote Notification Service's log.");
    await sleep(pollIntervalMs());
  }
}
