import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { callApi, output, print, sleep, ssm } from '../../kit/index.ts';
import { pollIntervalMs, type RfqView, SAMPLE_REQUEST, timing } from '../rfq-client.ts';

/** Two providers stay silent, one is slow: switched at run time in Parameter Store, no redeploy. */
const SIMULATION = { UnicornManagementResource3: 'silent', UnicornManagementResource7: 'silent', UnicornManagementResource5: 'slow' };

/**
 * Switches three providers to silent or slow, asks for quotes, and watches the deadline close the
 * request with the answers that arrived; then the slow provider's answer arrives, late. The
 * switch is put back as it was right after the request: the request keeps what it was asked with.
 */
export default async function slowAndSilent() {
  const { deadlineSeconds, slowDelaySeconds } = await timing();
  if (deadlineSeconds === undefined) throw new Error('The stack has no deadline yet: step 5 adds DeadlineSeconds.');
  const name = await output('SimulationParameterName');
  const { Parameter } = await ssm().send(new GetParameterCommand({ Name: name }));
  await ssm().send(new PutParameterCommand({ Name: name, Value: JSON.stringify(SIMULATION), Type: 'String', Overwrite: true }));
  print(`Parameter Store ${name} = ${JSON.stringify(SIMULATION)}`);
  let rfqId: string;
  try {
    const submitted = await callApi(await output('SubmitRfqUrl'), { body: SAMPLE_REQUEST });
    if (submitted.status !== 201) throw new Error(`POST /submit-instant-ride-rfq answered ${submitted.status}: ${submitted.text}`);
    rfqId = (submitted.body as { 'rfq-id': string })['rfq-id'];
  } finally {
    await ssm().send(new PutParameterCommand({ Name: name, Value: Parameter?.Value ?? '{}', Type: 'String', Overwrite: true }));
    print(`Parameter Store ${name} = ${Parameter?.Value ?? '{}'} again (the request keeps the switch it was asked with)`);
  }
  print(`Request ${rfqId}: deadline ${deadlineSeconds} s; the slow provider answers after ${slowDelaySeconds} s`);

  const started = Date.now();
  const elapsed = () => `+${((Date.now() - started) / 1000).toFixed(1)} s`.padEnd(9);
  const seen = new Set<string>();
  // The answers not printed yet: each is printed once, when it first appears.
  const fresh = <T extends { responder: string }>(answers: T[]) => answers.filter((a) => !seen.has(a.responder) && seen.add(a.responder));
  let closedShown = false;
  let view: RfqView | undefined;
  const lastMoment = started + (Math.max(deadlineSeconds, slowDelaySeconds) + 5) * 1000;
  while (Date.now() < lastMoment) {
    view = (await callApi(`${await output('QueryRfqUrl')}/${rfqId}`)).body as RfqView;
    for (const { responder, quote, late } of fresh(view.quotes))
      print(`${elapsed()}${responder.padEnd(28)} quotes ${quote.toFixed(2)}${late ? '   (late: after the request closed)' : ''}`);
    for (const { responder, reason, late } of fresh(view.declined))
      print(`${elapsed()}${responder.padEnd(28)} declines (${reason})${late ? '   (late)' : ''}`);
    if (view.status === 'closed' && !closedShown) {
      closedShown = true;
      print(
        `${elapsed()}closed by the ${view.closedBy}: best ${view.best ? `${view.best.responder} at ${view.best.quote.toFixed(2)}` : 'none'}; no answer from ${view.waitingFor.join(', ') || 'nobody'}`,
      );
    }
    // Done once the slow provider has answered too (after the close, it changes nothing).
    if (closedShown && view.waitingFor.every((p) => p in SIMULATION && SIMULATION[p as keyof typeof SIMULATION] === 'silent')) break;
    await sleep(pollIntervalMs());
  }
  print('');
  print(
    view?.status === 'closed'
      ? `Still closed by the ${view.closedBy}, best quote unchanged: a late answer is stored, and decides nothing.`
      : 'The request is still open: is the deadline (step 5) deployed?',
  );
}
