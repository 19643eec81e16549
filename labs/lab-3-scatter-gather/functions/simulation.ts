import { createHash } from 'node:crypto';

/**
 * The unicorn providers are simulated. How each behaves is a runtime switch, the Parameter Store
 * parameter the stack creates (value: JSON, provider name → mode), which the Request for Quotes
 * Service reads once per request and attaches to the request as the message attribute
 * `simulation`: every provider sees the same settings for the same request, and a request keeps
 * the behaviour it was asked with.
 *
 * - `normal` (the default): answers after a delay of 0 to ProviderMaxDelaySeconds, with a quote
 *   or, now and then, an explicit decline;
 * - `slow`: answers with a quote after SlowProviderDelaySeconds (by default, after the deadline);
 * - `silent`: never answers;
 * - `declines`: always declines.
 */
export const PROVIDER_MODES = ['normal', 'slow', 'silent', 'declines'] as const;
export type ProviderMode = (typeof PROVIDER_MODES)[number];
export type Simulation = Record<string, ProviderMode>;

/** Reads the switch's value; an unusable value is an error that says what is wrong with it. */
export function parseSimulation(text: string | undefined): Simulation {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`The provider simulation is not JSON: ${text.slice(0, 80)}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new Error('The provider simulation must be a JSON object: {"UnicornManagementResource3": "silent"}');
  for (const [provider, mode] of Object.entries(value)) {
    if (!PROVIDER_MODES.includes(mode as ProviderMode))
      throw new Error(
        `The provider simulation gives ${provider} the mode ${JSON.stringify(mode)}; modes are ${PROVIDER_MODES.join(', ')}.`,
      );
  }
  return value as Simulation;
}

/** How the simulated providers are timed: seconds locally, realistic on AWS (stack parameters). */
export interface ProviderTiming {
  maxDelaySeconds: number;
  slowDelaySeconds: number;
}

export type ProviderDecision =
  | { kind: 'quote'; quote: number; delaySeconds: number }
  | { kind: 'decline'; reason: string; delaySeconds: number }
  | { kind: 'silent' };

// SQS delays a message by at most 900 seconds (15 minutes).
const MAX_SQS_DELAY = 900;

/**
 * What a provider answers to a request. Derived from the request's id and the provider's name,
 * not drawn at random: a request SNS delivers twice gets the same answer twice, so the duplicate
 * is harmless.
 */
export function decide(rfqId: string, provider: string, mode: ProviderMode, timing: ProviderTiming, from: string): ProviderDecision {
  if (mode === 'silent') return { kind: 'silent' };
  const digest = createHash('sha256').update(`${rfqId}|${provider}`).digest();
  const delay = mode === 'slow' ? timing.slowDelaySeconds : digest[0] % (Math.max(0, timing.maxDelaySeconds) + 1);
  const delaySeconds = Math.min(MAX_SQS_DELAY, Math.max(0, Math.round(delay)));
  // About one answer in six is a decline: no unicorn free near the pickup.
  if (mode === 'declines' || (mode === 'normal' && digest[1] % 6 === 0))
    return { kind: 'decline', reason: `no unicorn free near ${from}`, delaySeconds };
  // A fare between 12.00 and 39.99.
  const quote = (1200 + (digest.readUInt16BE(2) % 2800)) / 100;
  return { kind: 'quote', quote, delaySeconds };
}
