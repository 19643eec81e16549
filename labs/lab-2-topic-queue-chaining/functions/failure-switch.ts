import { createHash } from 'node:crypto';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';

const ssm = new SSMClient({});

/**
 * The share of rides (0 to 100 %) that `service` fails on purpose, from the SSM parameter named
 * in FAILURE_SWITCH, a JSON object such as `{"CustomerAccountingService": 30}`. The lab's
 * snippets turn it on and off; it is read once per batch, so a change applies at once.
 */
export async function failurePercent(service: string): Promise<number> {
  const name = process.env.FAILURE_SWITCH;
  if (!name) return 0;
  let value: string | undefined;
  try {
    value = (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (error) {
    if (error instanceof ParameterNotFound) return 0;
    throw error;
  }
  try {
    const percent = Number((JSON.parse(value ?? '{}') as Record<string, unknown>)[service] ?? 0);
    return Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : 0;
  } catch {
    console.log(JSON.stringify({ service, action: 'ignored-failure-switch', reason: `${name} is not a JSON object: ${value}` }));
    return 0;
  }
}

/**
 * Whether a ride is among the share `service` fails. The answer is the same on every delivery
 * of the ride, as with a real bug: the ride fails each retry until the switch is turned off.
 */
export function failsOnPurpose(rideId: string, service: string, percent: number): boolean {
  if (percent <= 0) return false;
  const bucket = createHash('sha256').update(`${service}/${rideId}`).digest().readUInt16BE(0) % 100;
  return bucket < percent;
}

/** The failure a switched-on service raises for the rides it fails. */
export class SimulatedFailure extends Error {
  override name = 'SimulatedFailure';
}
