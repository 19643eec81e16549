import { UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { fail, labContext, lambda, print, sleep } from '../kit/index.ts';
import { type ConsumerService, depthOf, mappingOf, mappingState, queueName, requireQueue } from './services.ts';

/**
 * Switches a service's event source mapping on or off, and waits until it is (on AWS that takes
 * seconds; the mapping shows Enabling or Disabling meanwhile). Messages stay in the queue either way.
 */
export async function switchConsumer(service: ConsumerService, enabled: boolean): Promise<void> {
  const mapping = await mappingOf(service);
  if (!mapping) fail(`No event source mapping feeds ${service.label} from ${queueName(service.queue)} yet: deploy step 4 first.`);
  const wanted = enabled ? 'Enabled' : 'Disabled';
  await lambda().send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: enabled }));
  let state = '';
  for (
    const deadline = Date.now() + 120_000;
    state !== wanted && Date.now() < deadline;
    await sleep(labContext().target.kind === 'local' ? 50 : 2_000)
  ) {
    const now = await mappingState(mapping.UUID!);
    if (now !== state) print(`${service.label}'s mapping: ${now}`);
    state = now;
  }
  if (state !== wanted) fail(`The mapping is still ${state} after two minutes.`);
}

/** Prints a queue's depth every so often until it is empty or `seconds` have passed. */
export async function watchQueueDrain(service: ConsumerService, seconds: number): Promise<void> {
  const url = await requireQueue(service.queue);
  const started = Date.now();
  let last = '';
  while (Date.now() - started < seconds * 1000) {
    const { visible, inFlight } = await depthOf(url);
    const line = `${queueName(service.queue)}: ${visible} waiting, ${inFlight} in flight`;
    if (line !== last) print(`${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  ${line}`);
    last = line;
    if (visible + inFlight === 0) return;
    await sleep(labContext().target.kind === 'local' ? 250 : 5_000);
  }
}
