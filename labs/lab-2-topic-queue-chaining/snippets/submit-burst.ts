import { callApi, labContext, output, print, sleep } from '../../kit/index.ts';
import { SAMPLE_RIDE } from '../../lab-1-fan-out/sample-ride.ts';
import { depthOf, findQueue, isExtraordinary, marksOfRides, SERVICES } from '../services.ts';

const RIDES = 100;

/**
 * Submits 100 rides through the API, five at a time, a third of them long and expensive. Then
 * watches each service's queue and counts the rides each service has handled, until all are
 * handled or nothing moves any more (a consumer switched off, or failing).
 */
export default async function submitBurst() {
  const url = await output('SubmitRideUrl');
  const rides = Array.from({ length: RIDES }, (_, i) =>
    i % 3 === 0
      ? { ...SAMPLE_RIDE, customer: `burst-${i}` }
      : { ...SAMPLE_RIDE, customer: `burst-${i}`, to: 'Potsdam', distance: 3 + (i % 10), fare: 9 + (i % 20) },
  );
  const started = Date.now();
  const ids: string[] = [];
  const accepted = new Set<number>();
  const refused: string[] = [];
  for (let i = 0; i < rides.length; i += 5) {
    const answers = await Promise.all(rides.slice(i, i + 5).map((ride) => callApi(url, { body: ride })));
    answers.forEach((answer, j) => {
      if (answer.status !== 201) {
        refused.push(`${answer.status} ${answer.text.slice(0, 120)}`);
        return;
      }
      ids.push((answer.body as { id: string }).id);
      accepted.add(i + j);
    });
  }
  if (refused.length > 0) print(`✗ The API refused ${refused.length} ride(s): ${[...new Set(refused)].join('; ')}`);
  const expected = SERVICES.map((service) =>
    service.name === 'ExtraordinaryRidesService' ? rides.filter((ride, i) => isExtraordinary(ride) && accepted.has(i)).length : ids.length,
  );
  print(`Submitted ${ids.length} rides in ${Date.now() - started} ms (${expected[2]} long and expensive).`);

  const queues = await Promise.all(SERVICES.map((service) => findQueue(service.queue)));
  const local = labContext().target.kind === 'local';
  let last = '';
  let stillSince = Date.now();
  while (Date.now() - stillSince < (local ? 3_000 : 30_000)) {
    const handled = await handledCounts(ids);
    const depths = await Promise.all(queues.map((queue) => (queue ? depthOf(queue) : undefined)));
    const line = SERVICES.map(
      (service, i) =>
        `${service.label} ${handled[i]}/${expected[i]}${depths[i] ? ` (queue: ${depths[i]!.visible} waiting, ${depths[i]!.inFlight} in flight)` : ''}`,
    ).join(' · ');
    if (line !== last) {
      print(`${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  ${line}`);
      last = line;
      stillSince = Date.now();
    }
    if (handled.every((count, i) => count === expected[i])) {
      print('Every service handled every ride it should.');
      return;
    }
    await sleep(local ? 250 : 2_000);
  }
  const handled = await handledCounts(ids);
  const behind = SERVICES.filter((_, i) => handled[i] < expected[i]).map((service) => service.label);
  print(
    `Nothing moved for a while: ${behind.join(' and ')} did not handle every ride. Switched off, their rides wait in the queue; failing, they go to the dead-letter queue after 5 receives (queue-depths shows where they are).`,
  );
}

/** How many of the rides each service has handled, from the marks they leave in the Rides table. */
async function handledCounts(ids: string[]): Promise<number[]> {
  const marks = [...(await marksOfRides(ids)).values()];
  return SERVICES.map((service) => marks.filter((m) => m.has(service.mark)).length);
}
