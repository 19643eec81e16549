import { AwsError } from '../../aws/errors.ts';

export const invalid = (message: string) => new AwsError('InvalidParameter', message, 400);
export const notFound = (message: string) => new AwsError('NotFound', message, 404);

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

/** AWS: 1–256 letters, digits, hyphens and underscores; FIFO names end in `.fifo`. */
export function validateTopicName(name: unknown, fifo: boolean): string {
  if (typeof name !== 'string' || name.length === 0) throw invalid('Invalid parameter: Topic Name');
  const base = fifo ? name.replace(/\.fifo$/, '') : name;
  if (fifo && !name.endsWith('.fifo'))
    throw invalid(
      'Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.',
    );
  if (!fifo && name.endsWith('.fifo'))
    throw invalid(
      'Invalid parameter: Topic Name: a standard topic name cannot end with .fifo; set the FifoTopic attribute to create a FIFO topic.',
    );
  if (!TOPIC_NAME.test(base)) throw invalid('Invalid parameter: Topic Name');
  return name;
}

/** AWS: a FIFO topic delivers to Amazon SQS queues only (FIFO or standard); other protocols are refused when subscribing. */
export function validateFifoProtocol(protocol: string, fifoTopic: boolean): void {
  if (fifoTopic && protocol !== 'sqs')
    throw invalid(`Invalid parameter: Invalid protocol type: ${protocol}. FIFO topics deliver only to Amazon SQS queues.`);
}

/** A message attribute as Publish receives it. */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** AWS validates attribute types and Number values at publish time. */
export function validateMessageAttributes(attributes: Record<string, MessageAttribute>): void {
  const names = Object.keys(attributes);
  if (names.length > 10) throw invalid('Invalid parameter: MessageAttributes: a message can have at most 10 message attributes.');
  for (const [name, value] of Object.entries(attributes)) {
    const type = value?.DataType ?? '';
    const base = type.split('.')[0];
    if (!['String', 'Number', 'Binary'].includes(base)) {
      throw invalid(
        `Invalid parameter: MessageAttributes: The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    if (base === 'Binary' ? value.BinaryValue === undefined : value.StringValue === undefined) {
      throw invalid(
        `Invalid parameter: MessageAttributes: The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`,
      );
    }
    if (base === 'Number' && !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.StringValue!.trim())) {
      throw invalid(`Invalid parameter: MessageAttributes: Could not cast message attribute '${name}' value to number.`);
    }
    if (type === 'String.Array') {
      try {
        if (!Array.isArray(JSON.parse(value.StringValue!))) throw new Error();
      } catch {
        throw invalid(
          `Invalid parameter: MessageAttributes: The message attribute '${name}' with type 'String.Array' must be a JSON array.`,
        );
      }
    }
  }
}
