import { AwsError } from '../../aws/errors.ts';

/** Names every JavaScript object has (`constructor`, `__proto__`, `toString`...). */
const OBJECT_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Refuses a request naming a stream kinesalite cannot hold: it keeps streams by name in plain
 * objects, so a stream called `constructor` or `__proto__` (valid names on AWS) makes it fail on
 * the next write. Named as a local limit, rather than a restart of the emulator for everyone.
 * A body that is not JSON is left to kinesalite's own SerializationException.
 */
export function checkKinesisRequest(body: Buffer): Record<string, unknown> | undefined {
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!input || typeof input !== 'object') return undefined;
  const { StreamName, StreamARN } = input as Record<string, unknown>;
  const name = typeof StreamName === 'string' ? StreamName : typeof StreamARN === 'string' ? StreamARN.split('/').pop() : undefined;
  if (name !== undefined && OBJECT_NAMES.has(name))
    throw new AwsError(
      'InvalidArgumentException',
      `The local cloud cannot hold a stream named ${name} (its Kinesis emulator mistakes it for one of JavaScript's own names); choose another name, or use the AWS target.`,
    );
  return input as Record<string, unknown>;
}
