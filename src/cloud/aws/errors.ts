/**
 * An error as AWS returns it: a code, an HTTP status, and whether the caller (Sender) or the
 * service (Receiver) is at fault. Every protocol serialiser turns it into that protocol's shape.
 */
export class AwsError extends Error {
  override name = 'AwsError';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly senderFault = true,
  ) {
    super(message);
  }
}

/** A parameter is missing or malformed. */
export const invalidParameter = (message: string, code = 'InvalidParameter') => new AwsError(code, message, 400);

/** A required parameter is absent. */
export function required<T>(value: T | undefined | null, name: string, code = 'ValidationError'): T {
  if (value === undefined || value === null || value === '') {
    throw new AwsError(code, `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

/** Raised for actions the local cloud does not emulate: loud, named, never a silent no-op. */
export function unsupportedAction(service: string, action: string): AwsError {
  return new AwsError(
    'UnsupportedOperation',
    `The local cloud does not support ${service} ${action}. It emulates only what the workshop's labs use; use the AWS target for anything else.`,
    501,
    false,
  );
}

/** Wraps anything thrown by an action into an AwsError, so the cloud never answers a bare 500. */
export function toAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AwsError('InternalFailure', `The local cloud failed internally: ${message}`, 500, false);
}
