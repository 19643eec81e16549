import { AwsError } from '../../aws/errors.ts';

/** CloudFormation's validation error: a template or parameter problem found before any resource is touched. */
export const validationError = (message: string) => new AwsError('ValidationError', message, 400);

/** A resource that failed, with the reason CloudFormation shows in the stack events. */
export class ResourceFailure extends Error {
  override name = 'ResourceFailure';
  constructor(
    readonly logicalId: string,
    readonly resourceType: string,
    reason: string,
  ) {
    super(reason);
  }
}
